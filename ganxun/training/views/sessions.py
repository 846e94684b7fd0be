"""A session's page with its register (应到 / 实到 / 缺席), and adding, editing and removing sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import UpdateView

from ganxun.core.access import ServiceFormMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin

from .. import queries
from ..forms import SessionForm
from ..hooks import session_default_hours
from ..models import Activity, Session
from ..services import session_create, session_delete, session_update
from .common import can_manage_training


def _visible_sessions(request: HttpRequest):
    return Session.objects.filter(activity__in=Activity.objects.visible_to(request.user)).select_related(
        "activity", "activity__kind", "activity__topic", "activity__organiser"
    )


def _editable_sessions(request: HttpRequest):
    """Sessions of the activities organised by a unit the admin's role reaches."""
    return _visible_sessions(request).filter(activity__in=Activity.objects.editable_by(request.user).values("pk"))


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
        "lecturers": list(session.lecturers.select_related("cadre").order_by("pk")),
    }
    if manager or user.is_section_head:
        context["register"] = queries.session_register(session, user)
        averages = queries.evaluation_averages([session])
        context["averages"] = averages.get(session.pk) if averages is not None else None
        context["has_evaluations"] = averages is not None
    if user.cadre_id:
        context["own_attendance"] = session.attendances.filter(cadre_id=user.cadre_id).first()
    if manager and session.hours_overridden:
        try:
            context["rule_hours"] = session_default_hours(session)
        except ValidationError:
            context["rule_hours"] = None
    return render(request, "training/session_detail.html", context)


def _create(request: HttpRequest, form: SessionForm) -> Session | None:
    """Through the service; the rule's own complaint (no rule for that year) lands on the form."""
    try:
        return session_create(
            actor=request.user, activity=form.activity, hours=form.cleaned_data["hours"], **form.service_fields()
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    activity = get_object_or_404(Activity.objects.editable_by(request.user).select_related("kind"), pk=pk)
    last = activity.sessions.order_by("-date", "-start_time").first()
    initial = {"start_time": last.start_time, "end_time": last.end_time} if last else {}
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        activity=activity,
        instance=Session(activity=activity),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid() and (session := _create(request, form)) is not None:
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


class SessionUpdateView(EditConflictMixin, ServiceFormMixin, UpdateView):
    """Edit a sitting; an invalid form comes back as a 400, a save over someone else's change as a 409."""

    form_class = SessionForm
    template_name = "training/session_form.html"
    success_message = gettext_lazy("The session was saved.")
    version_extra = ("hours_overridden",)  # the save keeps hours set by hand, or recomputes them

    def get_queryset(self):
        return _editable_sessions(self.request)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["activity"] = self.object.activity
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["activity"] = self.object.activity
        return super().get_context_data(**kwargs)

    def form_invalid(self, form: SessionForm) -> HttpResponse:
        self.object.refresh_from_db()  # the page's title names the session as saved, not as typed
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def save(self, form: SessionForm) -> Session:
        return session_update(
            actor=self.request.user, session=self.object, hours=form.cleaned_data["hours"], **form.service_fields()
        )

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


session_update_view = SessionUpdateView.as_view()


@require_POST
def session_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    session = get_object_or_404(_editable_sessions(request), pk=pk)
    activity = session.activity
    try:
        session_delete(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(session)
    messages.success(request, _("The session was removed."))
    return redirect(f"{activity.get_absolute_url()}#sessions")
