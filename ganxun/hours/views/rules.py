"""The rule tables per year (conversion, requirements, caps): list with a year switcher, create, edit, copy."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import ServiceFormMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin

from ..forms import (
    BucketCapForm,
    CompletionRuleForm,
    ComplianceFilterForm,
    ConversionRuleForm,
    RequirementForm,
    RulesCopyForm,
)
from ..models import DEFAULT_MISSED_SHARE, BucketCap, CompletionRule, ConversionRule, Requirement
from ..services import rule_save, rules_copy


def rules_url(year: int) -> str:
    return f"{reverse('hours:rule_list')}?{urlencode({'year': year})}"


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


@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """The year's rules in three tables, and copying last year's to it."""
    require_admin(request.user)
    year = ComplianceFilterForm(request.GET).year_or_default()
    completion_rule = CompletionRule.objects.filter(year=year).first()
    share = completion_rule.missed_share if completion_rule is not None else DEFAULT_MISSED_SHARE
    context = {
        "year": year,
        "years": _years(),
        "conversions": ConversionRule.objects.filter(year=year).order_by("unit"),
        "requirements": Requirement.objects.filter(start_year__lte=year, end_year__gte=year).order_by(
            "start_year", "tier", "name"
        ),
        "caps": BucketCap.objects.filter(year=year).order_by("bucket"),
        "completion_rule": completion_rule,
        "completion_share": f"{share.numerator}/{share.denominator}",
        "copy_form": RulesCopyForm(initial={"from_year": year - 1, "to_year": year}),
    }
    return render(request, "hours/rule_list.html", context)


@require_POST
def rules_copy_view(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = RulesCopyForm(request.POST)
    if not form.is_valid():
        year = ComplianceFilterForm(request.POST).year_or_default()
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(rules_url(form.cleaned_data.get("to_year") or year))
    source, target = form.cleaned_data["from_year"], form.cleaned_data["to_year"]
    copied = rules_copy(actor=request.user, from_year=source, to_year=target)
    if not copied.created and not copied.skipped:
        messages.warning(request, _("%(year)s has no rules to copy.") % {"year": source})
    else:
        messages.success(
            request,
            _("%(created)s rules copied from %(source)s to %(target)s; %(skipped)s already there were kept.")
            % {"created": len(copied.created), "skipped": len(copied.skipped), "source": source, "target": target},
        )
    return redirect(rules_url(target))


class RuleFormView(ServiceFormMixin):
    """Create or edit one rule through the audited rule_save; back to its year's tables."""

    template_name = "hours/rule_form.html"
    kind_label: Any = ""
    request: HttpRequest

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
        return super().get_context_data(**kwargs)  # type: ignore[misc]

    def save(self, form):
        return rule_save(actor=self.request.user, rule=form.instance)

    def get_success_url(self) -> str:
        rule = self.object  # type: ignore[attr-defined]
        return rules_url(getattr(rule, "year", None) or rule.start_year)


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


class CompletionCreateView(RuleFormView, CreateView):
    model = CompletionRule
    form_class = CompletionRuleForm
    kind_label = gettext_lazy("class completion rule")
    success_message = gettext_lazy("Class completion rule “%(name)s” was saved.")


class CompletionUpdateView(EditConflictMixin, RuleFormView, UpdateView):
    model = CompletionRule
    form_class = CompletionRuleForm
    kind_label = gettext_lazy("class completion rule")
    success_message = gettext_lazy("Class completion rule “%(name)s” was saved.")
