"""Pausing Python's cyclic garbage collector around work that builds many objects at once.

A city-wide compliance report builds a few hundred thousand small objects (periods, year records, results) that
live until the report is thrown away.  While they are built, each collection of the oldest generation walks every
one of them again: at 100,000 cadres that was half the report's time.  Reference counting still frees what is
dropped while the collector is paused; it runs again as soon as the work is done.
"""

from __future__ import annotations

import contextlib
import gc


class paused_collection(contextlib.ContextDecorator):  # lower case: used as a context manager and decorator
    """``with paused_collection(): …`` or ``@paused_collection()``: the collector is off inside, and back on after
    unless it was already off (so that nested uses, and a caller's own ``gc.disable()``, are respected)."""

    def _recreate_cm(self) -> paused_collection:
        return type(self)()  # a decorated function's calls each keep their own state (nested, threads)

    def __enter__(self) -> paused_collection:
        self._was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._was_enabled:
            gc.enable()
