"""Forms of the practice classroom, one module per area (forms/pages.py, forms/competitions.py …)."""
