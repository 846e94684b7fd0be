"""The platform register and the outlier rules, edited by administrators, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import OutlierRule, Platform


def _snapshot(obj) -> dict[str, Any]:
    return {
        k: (str(v) if v is not None and not isinstance(v, (dict, list, bool)) else v)
        for k, v in model_to_dict(obj).items()
    }


@transaction.atomic
def platform_save(*, actor, platform: Platform, before: dict[str, Any] | None = None) -> Platform:
    """Create or change a platform and its import profile."""
    creating = platform.pk is None
    platform.full_clean()
    platform.save()
    if creating:
        audit_record(actor=actor, action=Action.CREATE, obj=platform, after=_snapshot(platform))
    else:
        audit_record(actor=actor, action=Action.UPDATE, obj=platform, before=before or {}, after=_snapshot(platform))
    return platform


@transaction.atomic
def outlier_rule_save(*, actor, rule: OutlierRule, before: dict[str, Any] | None = None) -> OutlierRule:
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, action=Action.UPDATE, obj=rule, before=before or {}, after=_snapshot(rule))
    return rule


snapshot = _snapshot
