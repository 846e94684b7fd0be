"""Signals the roster sends for the apps above it (which the roster never imports).

``periods_changed``: a cadre's periods of service (任职经历) were written or rewritten from ``since`` on.
Sent inside the writing transaction with ``sender=Cadre``, ``cadre_ids`` (a list) and ``since`` (the earliest
date whose facts changed, or None when unknown); receivers re-derive what they keep per date (the 学时 totals
counted toward the 科室 and unit in force on each entry's date).
"""

from django.dispatch import Signal

periods_changed = Signal()
