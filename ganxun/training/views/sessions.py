"""A session's page with its register (应到 / 实到 / 缺席), and adding, editing and removing sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.core.access import require_admin

from .. import queries
from ..forms import SessionForm
from ..models import Activity, Attendance, Session
from ..services import session_create, session_default_hours, session_delete, session_update
from .common import can_manage_training


def _visible_sessions(request: HttpRequest):
    return Session.objects.filter(activity__in=Activity.objects.visible_to(request.user)).select_related(
        "activity", "activity__kind", "activity__topic", "activity__organiser"
    )


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One sitting: when and where, its 学时, and for study sessions the whole register."""
    session = get_object_or_404(_visible_sessions(request), pk=pk)
    user = request.user
    manager = can_manage_training(user)
    context: dict[str, Any] = {
        "session": session,
        "activity": session.activity,
        "can_manage": manager,
        "rule_hours": None,
        "own_attendance": None,
    }
    if manager or user.is_section_head:
        context["register"] = queries.session_register(session, user)
        averages = queries.evaluation_averages([session])
        context["averages"] = averages.get(session.pk) if averages is not None else None
        context["has_evaluations"] = averages is not None
    if user.cadre_id:
        context["own_attendance"] = Attendance.objects.filter(session=session, cadre_id=user.cadre_id).first()
    if manager and session.hours_overridden:
        try:
            context["rule_hours"] = session_default_hours(session)
        except ValidationError:
            context["rule_hours"] = None
    return render(request, "training/session_detail.html", context)


def _save(request: HttpRequest, form: SessionForm, session: Session | None) -> Session | None:
    """Through the service; the rule's own complaint (no rule for that year) lands on the form."""
    try:
        if session is None:
            return session_create(
                actor=request.user,
                activity=form.activity,
                hours=form.cleaned_data["hours"],
                **form.service_fields(),
            )
        return session_update(
            actor=request.user, session=session, hours=form.cleaned_data["hours"], **form.service_fields()
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    activity = get_object_or_404(Activity.objects.visible_to(request.user).select_related("kind"), pk=pk)
    last = activity.sessions.order_by("-date", "-start_time").first()
    initial = {"start_time": last.start_time, "end_time": last.end_time} if last else {}
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        activity=activity,
        instance=Session(activity=activity),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid() and (session := _save(request, form, None)) is not None:
        messages.success(
            request,
            _("Session of %(date)s added: %(hours)s hours.")
            % {"date": session.date.isoformat(), "hours": f"{session.hours.normalize():f}"},
        )
        if "add_another" in request.POST:
            return redirect("training:session_create", activity.pk)
        return redirect(f"{activity.get_absolute_url()}#sessions")
    status = 400 if request.method == "POST" else 200
    return render(request, "training/session_form.html", {"form": form, "activity": activity}, status=status)


@require_http_methods(["GET", "POST"])
def session_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    session = get_object_or_404(_visible_sessions(request), pk=pk)
    activity = session.activity
    form = SessionForm(request.POST if request.method == "POST" else None, activity=activity, instance=session)
    if request.method == "POST" and form.is_valid() and _save(request, form, session) is not None:
        messages.success(request, _("The session was saved."))
        return redirect(session)
    status = 400 if request.method == "POST" else 200
    session.refresh_from_db()
    return render(
        request,
        "training/session_form.html",
        {"form": form, "activity": activity, "object": session},
        status=status,
    )


@require_POST
def session_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    session = get_object_or_404(_visible_sessions(request), pk=pk)
    activity = session.activity
    try:
        session_delete(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(session)
    messages.success(request, _("The session was removed."))
    return redirect(f"{activity.get_absolute_url()}#sessions")
