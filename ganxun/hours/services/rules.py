"""The rule tables the hours are judged against (conversion, requirements, caps): every change audited."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from ..models import BucketCap, CompletionRule, ConversionRule, Requirement

Rule = ConversionRule | Requirement | BucketCap | CompletionRule


def rule_snapshot(rule: Model) -> dict[str, Any]:
    """What the audit trail keeps of a rule: every field, as the admin reads it."""
    if isinstance(rule, ConversionRule):
        return {
            "year": rule.year,
            "unit": str(rule.get_unit_display()),
            "per": str(rule.per),
            "hours": str(rule.hours),
            "rounding": str(rule.get_rounding_display()),
            "per_item_cap": "" if rule.per_item_cap is None else str(rule.per_item_cap),
        }
    if isinstance(rule, Requirement):
        return {
            "name": rule.name,
            "tier": str(rule.get_tier_display()) if rule.tier else "",
            "start_year": rule.start_year,
            "end_year": rule.end_year,
            "hours": str(rule.hours),
            "buckets": rule.get_buckets_display(),
        }
    if isinstance(rule, BucketCap):
        return {
            "year": rule.year,
            "bucket": str(rule.get_bucket_display()),
            "cap": str(rule.cap),
            "carry_over": rule.carry_over,
        }
    if isinstance(rule, CompletionRule):
        return {
            "year": rule.year,
            "missed_share_numerator": rule.missed_share_numerator,
            "missed_share_denominator": rule.missed_share_denominator,
        }
    raise TypeError(type(rule))


@transaction.atomic
def rule_save(*, actor, rule: Rule) -> Rule:
    """Create or change one rule after validating it (constraints included)."""
    before = None
    if rule.pk is not None:
        before = rule_snapshot(type(rule).objects.select_for_update().get(pk=rule.pk))
    rule.full_clean()
    rule.save()
    after = rule_snapshot(rule)
    if before is None:
        audit_record(actor=actor, action=Action.CREATE, obj=rule, after=after)
    elif before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=rule, before=before, after=after)
    return rule


@dataclasses.dataclass
class RulesCopied:
    created: list[Rule] = dataclasses.field(default_factory=list)
    skipped: list[Rule] = dataclasses.field(default_factory=list)  # the target year already had one


@transaction.atomic
def rules_copy(*, actor, from_year: int, to_year: int) -> RulesCopied:
    """Copy one year's rules to another: conversion rules, caps, the class completion rule and the yearly
    requirements.

    What the target year already has is kept (and reported as skipped).  Cycle requirements span
    several years and are not copied: a new cycle is set up on its own.
    """
    copied = RulesCopied()
    existing_units = set(ConversionRule.objects.filter(year=to_year).values_list("unit", flat=True))
    for rule in ConversionRule.objects.filter(year=from_year).order_by("unit"):
        if rule.unit in existing_units:
            copied.skipped.append(rule)
            continue
        copied.created.append(_copy(actor, rule, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year}))
    existing_buckets = set(BucketCap.objects.filter(year=to_year).values_list("bucket", flat=True))
    for cap in BucketCap.objects.filter(year=from_year).order_by("bucket"):
        if cap.bucket in existing_buckets:
            copied.skipped.append(cap)
            continue
        copied.created.append(_copy(actor, cap, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year}))
    completion = CompletionRule.objects.filter(year=from_year).first()
    if completion is not None:
        if CompletionRule.objects.filter(year=to_year).exists():
            copied.skipped.append(completion)
        else:
            copied.created.append(
                _copy(actor, completion, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year})
            )
    existing_requirements = set(
        Requirement.objects.filter(start_year=to_year, end_year=to_year).values_list("name", "tier")
    )
    for requirement in Requirement.objects.filter(start_year=from_year, end_year=from_year).order_by("tier", "name"):
        if (requirement.name, requirement.tier) in existing_requirements:
            copied.skipped.append(requirement)
            continue
        copied.created.append(
            _copy(
                actor,
                requirement,
                start_year=to_year,
                end_year=to_year,
                summary=_("Copied from %(year)s") % {"year": from_year},
            )
        )
    return copied


def _copy(actor, rule: Rule, *, summary: str, **changes: Any) -> Rule:
    rule.pk = None
    rule._state.adding = True
    for field, value in changes.items():
        setattr(rule, field, value)
    rule.full_clean()
    rule.save()
    audit_record(actor=actor, action=Action.CREATE, obj=rule, after=rule_snapshot(rule), summary=summary)
    return rule
