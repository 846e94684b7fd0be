"""Benchmarks: run as ``python -m benchmarks.<name>``; each prints its key ratio as the last line, ``ratio=<x>``."""
