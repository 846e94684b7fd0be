"""Activity pages: the filtered list, the month calendar, the activity's page with its panels, create and edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, UpdateView
from django_htmx.http import push_url

from ganxun.core.access import ServiceFormMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.excel import upload_limit
from ganxun.core.lists import clean_url, list_querystring
from ganxun.core.params import query_id, query_ids, query_text
from ganxun.roster.models import Cadre
from ganxun.roster.permissions import reaches_unit

from .. import queries
from ..forms import ActivityFilterForm, ActivityForm, EnrolForm, LecturerForm, LecturerSessionsForm, MaterialForm
from ..hooks import activity_parts
from ..models import Activity, Classroom, Enrolment, Lecturer, Material, Session, attendance_rows
from ..services import (
    activity_create,
    activity_update,
    enrol_audience,
    lecturer_add,
    lecturer_remove,
    lecturer_set_sessions,
    material_add,
    material_remove,
    unenrol,
)
from ..services.activities import MATERIAL_MAX_BYTES
from ..templatetags.training_tags import WEEKDAY_HEADS
from .common import can_manage_training

PAGE_SIZE = 30
ENROLMENT_PAGE_SIZE = 50
PICKER_LIMIT = 20


def visible_activities(request: HttpRequest):
    return Activity.objects.visible_to(request.user)


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """Every activity the user may see, filtered and paged; with HTMX only the table is sent back."""
    activities = queries.filter_activities(visible_activities(request), request.GET)
    activities = (
        queries.with_figures(activities)
        .select_related("kind", "topic", "organiser")
        .order_by(F("first_date").desc(nulls_first=True), "-pk")
    )
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = list_querystring(request.GET)
    context = {
        "form": ActivityFilterForm(request.GET),
        "page": page,
        "querystring": querystring,
        "can_manage": can_manage_training(request.user),
        "classrooms": Classroom.choices,
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "training/activity_list.html#table", context)
        return push_url(response, clean_url(request, querystring))
    return render(request, "training/activity_list.html", context)


@require_GET
def activity_calendar(request: HttpRequest) -> HttpResponse:
    """A month of sessions, Monday first; on a phone it folds into a list of the days that have sessions."""
    today = timezone.localdate()
    year, month = queries.parse_month(request.GET.get("month")) or (today.year, today.month)
    weeks_first = dt.date(year, month, 1) - dt.timedelta(days=dt.date(year, month, 1).weekday())
    _first, following = queries.month_bounds(year, month)
    weeks_end = following + dt.timedelta(days=(7 - following.weekday()) % 7)
    sessions = (
        Session.objects.filter(activity__in=visible_activities(request), date__gte=weeks_first, date__lt=weeks_end)
        .select_related("activity", "activity__kind")
        .order_by("date", "start_time", "pk")
    )
    classroom = request.GET.get("classroom")
    if classroom in Classroom.values:
        sessions = sessions.filter(activity__kind__classroom=classroom)
    else:
        classroom = ""
    weeks = queries.month_calendar(sessions, year, month, today)
    previous, following_month = queries.shift_month(year, month, -1), queries.shift_month(year, month, 1)
    context = {
        "weeks": weeks,
        "weekday_heads": WEEKDAY_HEADS,
        "month_start": dt.date(year, month, 1),
        "days_with_sessions": [day for week in weeks for day in week if day.in_month and day.sessions],
        "previous": f"{previous[0]:04d}-{previous[1]:02d}",
        "next": f"{following_month[0]:04d}-{following_month[1]:02d}",
        "this_month": f"{today.year:04d}-{today.month:02d}",
        "month_value": f"{year:04d}-{month:02d}",
        "classroom": classroom,
        "classrooms": Classroom.choices,
        "can_manage": can_manage_training(request.user),
    }
    return render(request, "training/activity_calendar.html", context)


def _get_activity(request: HttpRequest, pk: int, *, edit: bool = False) -> Activity:
    """An activity the user may see; with ``edit``, one organised by a unit their role reaches (another
    unit's class their cadres attend is read, not run, from here: 404)."""
    queryset = visible_activities(request)
    if edit:
        queryset = queryset.filter(pk__in=Activity.objects.editable_by(request.user).values("pk"))
    return get_object_or_404(queryset.select_related("kind", "topic", "organiser", "created_by", "unit"), pk=pk)


def _detail_context(request: HttpRequest, activity: Activity, **forms: Any) -> dict[str, Any]:
    user = request.user
    # Another unit's activity (the department's class this bureau's cadres attend) is read here, not run.
    manager = can_manage_training(user) and reaches_unit(user, activity.unit_id)
    sessions = list(activity.sessions.all())
    counts = queries.attendance_counts([s.pk for s in sessions])
    by_section = queries.enrolment_by_section(activity) if (manager or user.is_section_head) else []
    own_enrolment = None
    own_attendance: dict[int, Any] = {}  # attendance.Attendance by session
    if user.cadre_id:
        own_enrolment = Enrolment.objects.filter(activity=activity, cadre_id=user.cadre_id).first()
        own_attendance = {
            a.session_id: a for a in attendance_rows().filter(session__activity=activity, cadre_id=user.cadre_id)
        }
    context = {
        "activity": activity,
        # Who taught which sitting, read when there is more than one to tell apart.
        "lecturers": list(
            activity.lecturers.select_related("cadre", "cadre__section")
            .prefetch_related(*(["sessions"] if len(sessions) > 1 else []))
            .order_by("pk")
        ),
        "many_sessions": len(sessions) > 1,
        "materials": list(activity.materials.order_by("uploaded_at", "pk")),
        "sessions": [(s, counts.get(s.pk), own_attendance.get(s.pk)) for s in sessions],
        "total_hours": sum((s.hours for s in sessions), 0),
        "by_section": by_section,
        "enrolled_total": sum(row["n"] for row in by_section),
        "own_enrolment": own_enrolment,
        "averages": queries.evaluation_averages(sessions) if (manager or user.is_section_head) else None,
        "can_manage": manager,
        "parts": [part for function in activity_parts for part in function(user, activity)],  # apps above: hooks.py
    }
    if manager:
        enrol_form = forms.get("enrol_form") or EnrolForm(activity=activity)
        context["enrol_form"] = enrol_form
        context["picked"] = enrol_form.cleaned_data.get("cadres", []) if enrol_form.is_bound else []
        context["found"] = []
        context["lecturer_form"] = forms.get("lecturer_form") or LecturerForm(sessions=sessions)
        for lecturer in context["lecturers"]:
            lecturer.sessions_form = LecturerSessionsForm(
                sessions=sessions,
                initial={"sessions": [s.pk for s in lecturer.sessions.all()]},
                auto_id=f"l{lecturer.pk}_%s",
            )
        context["material_form"] = forms.get("material_form") or MaterialForm()
    return context


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _get_activity(request, pk)
    return render(request, "training/activity_detail.html", _detail_context(request, activity))


class ActivityCreateView(ServiceFormMixin, CreateView):
    model = Activity
    form_class = ActivityForm
    template_name = "training/activity_form.html"
    success_message = gettext_lazy("Activity “%(name)s” was created. Now add its sessions.")

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        if (kind := query_id(self.request.GET, "kind")) is not None:
            initial["kind"] = kind
        return initial

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form: ActivityForm) -> Activity:
        return activity_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


class ActivityUpdateView(EditConflictMixin, ServiceFormMixin, UpdateView):
    model = Activity
    form_class = ActivityForm
    template_name = "training/activity_form.html"
    success_message = gettext_lazy("The changes to “%(name)s” were saved.")

    def get_queryset(self):
        return Activity.objects.editable_by(self.request.user).select_related("kind")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["original_title"] = Activity.objects.values_list("title", flat=True).get(pk=self.object.pk)
        return super().get_context_data(**kwargs)

    def save(self, form: ActivityForm) -> Activity:
        return activity_update(actor=self.request.user, activity=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()


def _invalid_panel(request: HttpRequest, activity: Activity, **forms: Any) -> HttpResponse:
    """The activity's page again, the failed panel's form showing its errors."""
    return render(request, "training/activity_detail.html", _detail_context(request, activity, **forms), status=400)


# --- enrolment -------------------------------------------------------------------------------------------


@require_POST
def activity_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol by audience: everyone, sections, groups, tags, named cadres; the already enrolled are skipped."""
    require_admin(request.user)
    activity = _get_activity(request, pk, edit=True)
    form = EnrolForm(request.POST, activity=activity)
    if not form.is_valid():
        return _invalid_panel(request, activity, enrol_form=form)
    result = enrol_audience(actor=request.user, activity=activity, **form.service_fields())
    message = _("%(added)s enrolled; %(already)s were enrolled already.") % {
        "added": result.added,
        "already": result.already,
    }
    if result.outside:
        message += " " + _("%(count)s named cadres are outside the organising unit and were not enrolled.") % {
            "count": result.outside
        }
    if result.not_active:
        message += " " + _("%(count)s named cadres are no longer in post and were not enrolled.") % {
            "count": result.not_active
        }
    messages.success(request, message)
    return redirect(f"{activity.get_absolute_url()}#enrolment")


@require_GET
def enrolment_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Who is enrolled, by the 科室 they were in when enrolled; those the user may see."""
    activity = _get_activity(request, pk)
    if not (can_manage_training(request.user) or request.user.is_section_head):
        raise PermissionDenied
    enrolments = (
        Enrolment.objects.filter(activity=activity, cadre__in=Cadre.objects.visible_to(request.user).values("pk"))
        .select_related("cadre", "section")
        .order_by("section__sort_order", "section__name", "cadre__name", "pk")
    )
    section = query_id(request.GET, "section")
    if section is not None:
        enrolments = enrolments.filter(section_id=section)
    page = Paginator(enrolments, ENROLMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    attended = set(
        attendance_rows()
        .filter(session__activity=activity, cadre_id__in=[e.cadre_id for e in page.object_list])
        .values_list("cadre_id", flat=True)
    )
    context = {
        "activity": activity,
        "page": page,
        "attended": attended,
        "querystring": list_querystring(request.GET),
        "sections": queries.enrolment_by_section(activity),
        "section_filter": section,
        "can_manage": can_manage_training(request.user),
    }
    return render(request, "training/enrolment_list.html", context)


@require_POST
def enrolment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    editable = Activity.objects.editable_by(request.user).values("pk")
    enrolment = get_object_or_404(
        Enrolment.objects.filter(activity__in=editable).select_related("activity", "cadre"), pk=pk
    )
    try:
        unenrol(actor=request.user, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was taken off the activity.") % {"name": enrolment.cadre.name})
    # Back to the page of the list the admin was on.
    page = request.POST.get("page", "")
    url = reverse("training:enrolment_list", args=[enrolment.activity_id])
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@require_GET
def cadre_picker(request: HttpRequest) -> HttpResponse:
    """HTMX: cadres in post matching the search, as checkboxes for the enrolment form."""
    require_admin(request.user)
    text = query_text(request.GET, "cadre_q")
    cadres = Cadre.objects.visible_to(request.user).active().select_related("section")
    # Those already ticked stay ticked above the new matches.
    picked_ids = query_ids(request.GET, "cadres")
    picked = list(cadres.filter(pk__in=picked_ids)) if picked_ids else []
    found = list(cadres.search(text).exclude(pk__in=picked_ids)[:PICKER_LIMIT]) if text else []
    context = {"picked": picked, "found": found, "picker_text": text}
    return render(request, "training/activity_detail.html#picker", context)


# --- lecturers and materials -----------------------------------------------------------------------------


@require_POST
def lecturer_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    activity = _get_activity(request, pk, edit=True)
    form = LecturerForm(request.POST, sessions=list(activity.sessions.all()))
    if form.is_valid():
        try:
            lecturer = lecturer_add(
                actor=request.user,
                activity=activity,
                cadre=form.cleaned_data["cadre_obj"],
                outside_name=form.cleaned_data["outside_name"] if not form.cleaned_data["cadre_obj"] else "",
                affiliation=form.cleaned_data["affiliation"],
                # Left out for an activity of one sitting: its lecturers teach it.
                sessions=form.chosen_sessions() if "sessions" in form.fields else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Lecturer %(name)s added.") % {"name": lecturer})
            return redirect(f"{activity.get_absolute_url()}#lecturers")
    return _invalid_panel(request, activity, lecturer_form=form)


@require_POST
def lecturer_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    """Which sittings a lecturer teaches (none ticked: none)."""
    require_admin(request.user)
    # A lecturer of an activity organised by a unit the administrator reaches: another unit's is a 404.
    lecturers = Lecturer.objects.filter(activity__in=Activity.objects.editable_by(request.user).values("pk"))
    lecturer = get_object_or_404(lecturers.select_related("activity", "cadre"), pk=pk)
    form = LecturerSessionsForm(request.POST, sessions=list(lecturer.activity.sessions.all()))
    if form.is_valid():
        try:
            lecturer_set_sessions(actor=request.user, lecturer=lecturer, sessions=form.chosen_sessions())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Sessions taught by %(name)s saved.") % {"name": lecturer})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{lecturer.activity.get_absolute_url()}#lecturers")


@require_POST
def lecturer_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    editable = Activity.objects.editable_by(request.user).values("pk")
    lecturer = get_object_or_404(
        Lecturer.objects.filter(activity__in=editable).select_related("activity", "cadre"), pk=pk
    )
    lecturer_remove(actor=request.user, lecturer=lecturer)
    messages.success(request, _("Lecturer %(name)s removed.") % {"name": lecturer})
    return redirect(f"{lecturer.activity.get_absolute_url()}#lecturers")


@upload_limit(MATERIAL_MAX_BYTES)
@require_POST
def material_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    activity = _get_activity(request, pk, edit=True)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            material = material_add(
                actor=request.user, activity=activity, file=form.cleaned_data["file"], name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("“%(name)s” uploaded.") % {"name": material.name})
            return redirect(f"{activity.get_absolute_url()}#materials")
    return _invalid_panel(request, activity, material_form=form)


@require_POST
def material_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    editable = Activity.objects.editable_by(request.user).values("pk")
    material = get_object_or_404(Material.objects.filter(activity__in=editable).select_related("activity"), pk=pk)
    material_remove(actor=request.user, material=material)
    messages.success(request, _("“%(name)s” removed.") % {"name": material.name})
    return redirect(f"{material.activity.get_absolute_url()}#materials")


@require_GET
def material_download(request: HttpRequest, pk: int) -> FileResponse:
    """Materials are served only to those who may see the activity, never from a public URL."""
    material = get_object_or_404(Material.objects.filter(activity__in=visible_activities(request)), pk=pk)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the server.")) from None
    response = FileResponse(handle, as_attachment=True, filename=material.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
