"""Writes to the 学时 ledger and its rule tables, one module per concern; import from here."""

from .ledger import (  # noqa: F401
    conversion_rule,
    conversion_rules,
    convert_hours,
    entry_snapshot,
    is_own,
    ledger_record,
    ledger_withdraw,
    ledger_withdraw_source,
    own_hours_message,
    refuse_own,
)
from .outside_classes import (  # noqa: F401
    outside_class_add_participants,
    outside_class_create,
    outside_class_remove_participant,
    outside_class_update,
)
from .rules import RulesCopied, rule_save, rule_snapshot, rules_copy, rules_inherit  # noqa: F401
from .self_reports import (  # noqa: F401
    Outcome,
    can_decide,
    can_resubmit,
    can_section_review,
    needs_section_review,
    self_report_batch,
    self_report_decide,
    self_report_resubmit,
    self_report_return,
    self_report_review,
    self_report_submit,
    self_reports_supersede,
)
