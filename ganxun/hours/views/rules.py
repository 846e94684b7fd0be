"""The rule tables per unit and year (conversion, requirements, caps, history): list with a unit and a year
switcher, create, edit, copy a year, copy the inherited rules to a unit.

An administrator edits the rules of their unit and the units below it (by default their own); one without a
unit (a system administrator, or a single bureau's administrator before units) also the system-wide default.
Each table says whose rules apply: the unit's own, or those it inherits from the nearest unit up its path
with rules for the year, or the system default.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Max, Min, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import ServiceFormMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.params import query_id
from ganxun.roster.models import Unit as OrgUnit

from ..forms import (
    BucketCapForm,
    CompletionRuleForm,
    ComplianceFilterForm,
    ConversionRuleForm,
    HistoryRuleForm,
    RequirementForm,
    RulesCopyForm,
)
from ..models import DEFAULT_MISSED_SHARE, BucketCap, CompletionRule, ConversionRule, HistoryRule, Requirement
from ..queries import CAPS, CONVERSIONS, DEFAULT_HISTORY, HISTORY, REQUIREMENTS, rule_sources
from ..services import rule_save, rules_copy, rules_inherit


def rules_url(year: int, owner: OrgUnit | None = None) -> str:
    query = {"year": year}
    if owner is not None:
        query["unit"] = owner.pk
    return f"{reverse('hours:rule_list')}?{urlencode(query)}"


def edits_default(user) -> bool:
    """Whether the administrator edits the system-wide default rules: one without a unit of their own."""
    return user.unit_id is None


def editable_units(user) -> QuerySet[OrgUnit]:
    """The units whose rules the administrator edits: their unit's subtree (every unit without one)."""
    if edits_default(user):
        return OrgUnit.objects.all()
    return OrgUnit.objects.subtree(user.unit)


def chosen_owner(request: HttpRequest, params) -> OrgUnit | None:
    """The unit whose rules are edited (``unit`` in ``params``), by default the administrator's own; None: the
    system default.  A unit outside the administrator's subtree is a 404, as for any record out of scope."""
    unit_id = query_id(params, "unit")
    if unit_id is None:
        return None if edits_default(request.user) else request.user.unit
    owner = editable_units(request.user).filter(pk=unit_id).first()
    if owner is None:
        raise Http404
    return owner


def editable_rules(user, model):
    """The rows of a rule table the administrator may edit: their units' (and the default's when theirs)."""
    mine = Q(org_unit__in=editable_units(user))
    if edits_default(user):
        mine |= Q(org_unit__isnull=True)
    return model.objects.filter(mine)


def _years() -> list[int]:
    """Every year some rule covers, and the current one and the next."""
    this_year = timezone.localdate().year
    found = {this_year, this_year + 1}
    for model, low, high in ((ConversionRule, "year", "year"), (BucketCap, "year", "year")):
        bounds = model.objects.aggregate(low=Min(low), high=Max(high))
        if bounds["low"] is not None:
            found.update(range(bounds["low"], bounds["high"] + 1))
    bounds = Requirement.objects.aggregate(low=Min("start_year"), high=Max("end_year"))
    if bounds["low"] is not None:
        found.update(range(bounds["low"], bounds["high"] + 1))
    return sorted(found, reverse=True)


def _applies(owner: OrgUnit | None, source: int | None, names: dict[int, str]) -> dict[str, Any]:
    """What a table says about whose rules apply: own, inherited from a unit up the path, or the default."""
    if owner is None:
        return {"own": True, "text": _("The system-wide default rules")}
    if source == owner.pk:
        return {"own": True, "text": _("This unit's own rules")}
    if source is None:
        return {"own": False, "text": _("Applies: the system-wide default rules (inherited)")}
    return {"own": False, "text": _("Applies: the rules of %(unit)s (inherited)") % {"unit": names.get(source, "")}}


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules that apply to the chosen unit for the year, in four tables, each saying whose they are; the
    unit's own can be edited, inherited ones copied to the unit first; and copying a year's to another."""
    require_admin(request.user)
    year = ComplianceFilterForm(request.GET).year_or_default()
    owner = chosen_owner(request, request.GET)
    sources = (
        rule_sources(year, owner) if owner is not None else dict.fromkeys((CONVERSIONS, REQUIREMENTS, CAPS, HISTORY))
    )
    names = dict(OrgUnit.objects.filter(pk__in=[s for s in sources.values() if s]).values_list("pk", "name"))

    def rows(model, table: str):
        return model.objects.filter(owned_by_id(sources[table]))

    history = rows(HistoryRule, HISTORY).filter(year=year).first()
    # The class completion rule (条例: 1/7) is system-wide, set by an administrator of the whole system.
    completion_rule = CompletionRule.objects.filter(year=year).first()
    share = completion_rule.missed_share if completion_rule is not None else DEFAULT_MISSED_SHARE
    applies = {table: _applies(owner, sources[table], names) for table in sources}
    context = {
        "year": year,
        "years": _years(),
        "owner": owner,
        "owner_query": f"&unit={owner.pk}" if owner is not None else "",
        "units": editable_units(request.user).order_by("path"),
        "edits_default": edits_default(request.user),
        "applies": applies,
        "inherits": any(not value["own"] for value in applies.values()),
        "conversions": rows(ConversionRule, CONVERSIONS).filter(year=year).order_by("unit"),
        "requirements": rows(Requirement, REQUIREMENTS)
        .filter(start_year__lte=year, end_year__gte=year)
        .order_by("start_year", "tier", "name"),
        "caps": rows(BucketCap, CAPS).filter(year=year).order_by("bucket"),
        "history": history,
        "history_defaults": DEFAULT_HISTORY,
        "history_shown": history or HistoryRule(year=year),
        "completion_rule": completion_rule,
        "completion_share": f"{share.numerator}/{share.denominator}",
        "copy_form": RulesCopyForm(initial={"from_year": year - 1, "to_year": year}),
    }
    return render(request, "hours/rule_list.html", context)


def owned_by_id(source: int | None) -> Q:
    return Q(org_unit_id=source) if source is not None else Q(org_unit__isnull=True)


@require_POST
def rules_inherit_view(request: HttpRequest) -> HttpResponse:
    """Copy the rules the chosen unit inherits for the year to the unit itself, so that it can change them."""
    require_admin(request.user)
    year = ComplianceFilterForm(request.POST).year_or_default()
    owner = chosen_owner(request, request.POST)
    if owner is None:
        messages.warning(request, _("The system-wide default rules are not inherited from anywhere."))
        return redirect(rules_url(year))
    copied = rules_inherit(actor=request.user, org_unit=owner, year=year)
    if copied.created:
        messages.success(
            request,
            _("%(count)s inherited rules copied to %(unit)s for %(year)s: they can be changed now.")
            % {"count": len(copied.created), "unit": owner.name, "year": year},
        )
    else:
        messages.warning(
            request, _("%(unit)s already has rules of its own for %(year)s.") % {"unit": owner.name, "year": year}
        )
    return redirect(rules_url(year, owner))


@require_POST
def rules_copy_view(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = RulesCopyForm(request.POST)
    if not form.is_valid():
        year = ComplianceFilterForm(request.POST).year_or_default()
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(rules_url(form.cleaned_data.get("to_year") or year, chosen_owner(request, request.POST)))
    source, target = form.cleaned_data["from_year"], form.cleaned_data["to_year"]
    owner = chosen_owner(request, request.POST)
    copied = rules_copy(actor=request.user, from_year=source, to_year=target, org_unit=owner)
    if not copied.created and not copied.skipped:
        messages.warning(request, _("%(year)s has no rules to copy.") % {"year": source})
    else:
        messages.success(
            request,
            _("%(created)s rules copied from %(source)s to %(target)s; %(skipped)s already there were kept.")
            % {"created": len(copied.created), "skipped": len(copied.skipped), "source": source, "target": target},
        )
    return redirect(rules_url(target, owner))


class RuleFormView(ServiceFormMixin):
    """Create or edit one rule through the audited rule_save; back to its unit's and year's tables.

    A new rule belongs to the unit chosen on the rules page (``?unit=``); an existing one keeps its unit, and
    one of a unit outside the administrator's subtree is a 404.
    """

    template_name = "hours/rule_form.html"
    kind_label: Any = ""
    request: HttpRequest

    def get_queryset(self):
        return editable_rules(self.request.user, self.model)  # type: ignore[attr-defined]

    def get_form(self, form_class=None):
        form = super().get_form(form_class)  # type: ignore[misc]
        if getattr(self, "object", None) is None:
            form.instance.org_unit = chosen_owner(self.request, self.request.GET)
        return form

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()  # type: ignore[misc]
        if getattr(self, "object", None) is not None:
            return initial  # an edit shows the rule's own year, whatever year the list was on
        year = ComplianceFilterForm(self.request.GET).year_or_default()
        if self.model is Requirement:  # type: ignore[attr-defined]
            initial.update(start_year=year, end_year=year)
        else:
            initial["year"] = year
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["kind_label"] = self.kind_label
        rule = getattr(self, "object", None)
        kwargs["owner"] = rule.org_unit if rule is not None else chosen_owner(self.request, self.request.GET)
        return super().get_context_data(**kwargs)  # type: ignore[misc]

    def save(self, form):
        return rule_save(actor=self.request.user, rule=form.instance)

    def get_success_url(self) -> str:
        rule = self.object  # type: ignore[attr-defined]
        return rules_url(getattr(rule, "year", None) or rule.start_year, rule.org_unit)


class ConversionCreateView(RuleFormView, CreateView):
    model = ConversionRule
    form_class = ConversionRuleForm
    kind_label = gettext_lazy("conversion rule")
    success_message = gettext_lazy("Conversion rule “%(name)s” was saved.")


class ConversionUpdateView(EditConflictMixin, RuleFormView, UpdateView):
    model = ConversionRule
    form_class = ConversionRuleForm
    kind_label = gettext_lazy("conversion rule")
    success_message = gettext_lazy("Conversion rule “%(name)s” was saved.")


class RequirementCreateView(RuleFormView, CreateView):
    model = Requirement
    form_class = RequirementForm
    kind_label = gettext_lazy("hour requirement")
    success_message = gettext_lazy("Requirement “%(name)s” was saved.")


class RequirementUpdateView(EditConflictMixin, RuleFormView, UpdateView):
    model = Requirement
    form_class = RequirementForm
    kind_label = gettext_lazy("hour requirement")
    success_message = gettext_lazy("Requirement “%(name)s” was saved.")


class CapCreateView(RuleFormView, CreateView):
    model = BucketCap
    form_class = BucketCapForm
    kind_label = gettext_lazy("yearly cap")
    success_message = gettext_lazy("Cap “%(name)s” was saved.")


class CapUpdateView(EditConflictMixin, RuleFormView, UpdateView):
    model = BucketCap
    form_class = BucketCapForm
    kind_label = gettext_lazy("yearly cap")
    success_message = gettext_lazy("Cap “%(name)s” was saved.")


class HistoryRuleCreateView(RuleFormView, CreateView):
    model = HistoryRule
    form_class = HistoryRuleForm
    kind_label = gettext_lazy("history rule")
    success_message = gettext_lazy("History rule “%(name)s” was saved.")


class HistoryRuleUpdateView(EditConflictMixin, RuleFormView, UpdateView):
    model = HistoryRule
    form_class = HistoryRuleForm
    kind_label = gettext_lazy("history rule")
    success_message = gettext_lazy("History rule “%(name)s” was saved.")


class CompletionRuleFormView(RuleFormView):
    """The class completion rule is system-wide: only an administrator of the whole system sets it."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_admin and not edits_default(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return CompletionRule.objects.all()

    def get_form(self, form_class=None):
        return super(RuleFormView, self).get_form(form_class)  # no unit to set

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["kind_label"] = self.kind_label
        kwargs["owner"] = None
        return super(RuleFormView, self).get_context_data(**kwargs)

    def get_success_url(self) -> str:
        return rules_url(self.object.year)


class CompletionCreateView(CompletionRuleFormView, CreateView):
    model = CompletionRule
    form_class = CompletionRuleForm
    kind_label = gettext_lazy("class completion rule")
    success_message = gettext_lazy("Class completion rule “%(name)s” was saved.")


class CompletionUpdateView(EditConflictMixin, CompletionRuleFormView, UpdateView):
    model = CompletionRule
    form_class = CompletionRuleForm
    kind_label = gettext_lazy("class completion rule")
    success_message = gettext_lazy("Class completion rule “%(name)s” was saved.")
