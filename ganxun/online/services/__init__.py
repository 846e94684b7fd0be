"""Writes of 线上学习: credits and their ledger entries, the review of flagged figures, platforms and rules."""

from .credits import (  # noqa: F401
    Converter,
    MissingRule,
    credit_apply,
    credits_recount,
    figure_confirm,
    figure_reject,
)
from .platforms import outlier_rule_save, platform_save  # noqa: F401
