"""Evaluations: the cadre's form on a phone, and the results for the administrators."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from ganxun.core.access import require_admin
from ganxun.training.models import Session

from .. import evaluations as queries
from ..models import Evaluation
from ..services.evaluations import EvaluationRefused, evaluation_check, evaluation_submit
from .common import get_session, visible_sessions

SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


class EvaluationForm(forms.Form):
    content = forms.TypedChoiceField(
        label=_("Content"),
        help_text=_("Was the content sound and up to date?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    delivery = forms.TypedChoiceField(
        label=_("Delivery"),
        help_text=_("Was it clearly and engagingly taught?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=_("Usefulness"),
        help_text=_("Will it help in your work?"),
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    anonymous = forms.BooleanField(
        label=_("Submit anonymously"),
        required=False,
        initial=True,
        help_text=_("Anonymous: the organisers see your scores and comment, never your name."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre who attended rates the session (1–5 three times) and may comment, once, until it closes."""
    session = get_session(request, pk)
    lecturers = list(session.activity.lecturers.select_related("cadre").order_by("pk"))
    context: dict = {"session": session, "activity": session.activity, "lecturers": lecturers}
    try:
        evaluation_check(user=request.user, session=session)
    except EvaluationRefused as refusal:
        context["refusal"] = refusal
        return render(
            request, "attendance/evaluation_form.html", context, status=400 if request.method == "POST" else 200
        )
    form = EvaluationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                evaluation_submit(user=request.user, session=session, **form.cleaned_data)
            except EvaluationRefused as refusal:
                context["refusal"] = refusal
                return render(request, "attendance/evaluation_form.html", context, status=400)
            messages.success(request, _("Thank you: your evaluation has been submitted."))
            return redirect("attendance:evaluation_create", pk=session.pk)
        context["form"] = form
        return render(request, "attendance/evaluation_form.html", context, status=400)
    context["form"] = form
    return render(request, "attendance/evaluation_form.html", context)


@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session's averages and comments; anonymous comments never carry a name."""
    require_admin(request.user)
    session = get_session(request, pk)
    evaluations = list(
        # Anonymous ones last, so that their place among the signed ones does not hint at who wrote them.
        Evaluation.objects.filter(session=session).select_related("cadre").order_by("anonymous", "-submitted_at", "-pk")
    )
    context = {
        "session": session,
        "activity": session.activity,
        "averages": queries.session_averages([session])[session.pk],
        "lecturers": list(session.activity.lecturers.select_related("cadre")),
        "evaluations": evaluations,
        "is_open": session.evaluation_closes_at is not None and timezone.now() < session.evaluation_closes_at,
    }
    return render(request, "attendance/evaluation_detail.html", context)


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@require_GET
def evaluation_list(request: HttpRequest) -> HttpResponse:
    """The year's evaluated sessions and the lecturers' averages across the sessions of their activities."""
    require_admin(request.user)
    year = _year(request)
    sessions: list[Session] = list(
        visible_sessions(request.user)
        .filter(date__year=year, evaluation_closes_at__isnull=False)
        .order_by("-date", "-start_time", "-pk")
    )
    averages = queries.session_averages(sessions)
    context = {
        "year": year,
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
        "rows": [(session, averages[session.pk]) for session in sessions],
        "lecturers": queries.lecturer_averages(year=year),
    }
    return render(request, "attendance/evaluation_list.html", context)
