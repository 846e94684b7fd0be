"""The rule tables the hours are judged against (conversion, requirements, caps): every change audited."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Unit as OrgUnit

from ..models import BucketCap, CompletionRule, ConversionRule, HistoryRule, Requirement

Rule = ConversionRule | Requirement | BucketCap | HistoryRule | CompletionRule


def rule_snapshot(rule: Model) -> dict[str, Any]:
    """What the audit trail keeps of a rule: every field, as the admin reads it (and whose rule it is)."""
    snapshot = _fields(rule)
    owner = getattr(rule, "org_unit", None)
    if owner is not None:
        snapshot["org_unit"] = owner.name
    return snapshot


def _fields(rule: Model) -> dict[str, Any]:
    if isinstance(rule, HistoryRule):
        return {
            "year": rule.year,
            "join_policy": str(rule.get_join_policy_display()),
            "leave_policy": str(rule.get_leave_policy_display()),
            "promotion_makeup_years": rule.promotion_makeup_years,
        }
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
def rules_copy(*, actor, from_year: int, to_year: int, org_unit: OrgUnit | None = None) -> RulesCopied:
    """Copy one year's rules of a unit (None: the system default) to another year of the same unit: conversion
    rules, caps, the yearly requirements and the history rule.
    The class completion rule is system-wide: it is copied with the default's rules only.

    What the target year already has is kept (and reported as skipped).  Cycle requirements span
    several years and are not copied: a new cycle is set up on its own.
    """
    copied = RulesCopied()
    owner = Q(org_unit=org_unit) if org_unit is not None else Q(org_unit__isnull=True)
    existing_units = set(ConversionRule.objects.filter(owner, year=to_year).values_list("unit", flat=True))
    for rule in ConversionRule.objects.filter(owner, year=from_year).order_by("unit"):
        if rule.unit in existing_units:
            copied.skipped.append(rule)
            continue
        copied.created.append(_copy(actor, rule, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year}))
    existing_buckets = set(BucketCap.objects.filter(owner, year=to_year).values_list("bucket", flat=True))
    for cap in BucketCap.objects.filter(owner, year=from_year).order_by("bucket"):
        if cap.bucket in existing_buckets:
            copied.skipped.append(cap)
            continue
        copied.created.append(_copy(actor, cap, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year}))
    completion = CompletionRule.objects.filter(year=from_year).first() if org_unit is None else None
    if completion is not None:
        if CompletionRule.objects.filter(year=to_year).exists():
            copied.skipped.append(completion)
        else:
            copied.created.append(
                _copy(actor, completion, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year})
            )
    existing_requirements = set(
        Requirement.objects.filter(owner, start_year=to_year, end_year=to_year).values_list("name", "tier")
    )
    yearly = Requirement.objects.filter(owner, start_year=from_year, end_year=from_year)
    for requirement in yearly.order_by("tier", "name"):
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
    history = HistoryRule.objects.filter(owner, year=from_year).first()
    if history is not None:
        if HistoryRule.objects.filter(owner, year=to_year).exists():
            copied.skipped.append(history)
        else:
            copied.created.append(
                _copy(actor, history, year=to_year, summary=_("Copied from %(year)s") % {"year": from_year})
            )
    return copied


@transaction.atomic
def rules_inherit(*, actor, org_unit: OrgUnit, year: int) -> RulesCopied:
    """Copy to ``org_unit`` the rules it inherits for ``year`` (from the nearest unit up its path with rules, or
    the system default), so that it can change them: each table it has no rows of its own for that year.

    Requirements: every requirement covering the year, cycles whole (a cycle copied gives the unit rows for every
    year it covers).  A history rule inherited from nowhere is written with the defaults.
    """
    from ..queries import CAPS, CONVERSIONS, HISTORY, REQUIREMENTS, rule_sources

    sources = rule_sources(year, org_unit)
    summary = _("Copied from the rules the unit inherited")
    copied = RulesCopied()

    def owned_by(source: int | None) -> Q:
        return Q(org_unit_id=source) if source is not None else Q(org_unit__isnull=True)

    if sources[CONVERSIONS] != org_unit.pk:
        for rule in ConversionRule.objects.filter(owned_by(sources[CONVERSIONS]), year=year).order_by("unit"):
            copied.created.append(_copy(actor, rule, org_unit=org_unit, summary=summary))
    if sources[REQUIREMENTS] != org_unit.pk:
        covering = Requirement.objects.filter(owned_by(sources[REQUIREMENTS]), start_year__lte=year, end_year__gte=year)
        for requirement in covering.order_by("start_year", "tier", "name"):
            copied.created.append(_copy(actor, requirement, org_unit=org_unit, summary=summary))
    if sources[CAPS] != org_unit.pk:
        for cap in BucketCap.objects.filter(owned_by(sources[CAPS]), year=year).order_by("bucket"):
            copied.created.append(_copy(actor, cap, org_unit=org_unit, summary=summary))
    if sources[HISTORY] != org_unit.pk:
        history = HistoryRule.objects.filter(owned_by(sources[HISTORY]), year=year).first() or HistoryRule(year=year)
        copied.created.append(_copy(actor, history, org_unit=org_unit, summary=summary))
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
