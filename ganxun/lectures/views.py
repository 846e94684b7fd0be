"""The pages of 杨房课堂 · 月末讲坛.

Everyone signed in reads their unit's schedule of the year and the year's lectures by topic module.  The lecturer
pool is read by administrators and 科室负责人 (who choose and propose lecturers) and kept by administrators; the
schedule's generation and changes and the working-day table are the administrators'.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from ganxun.core.access import require_admin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.params import query_id
from ganxun.roster.models import home_unit_id
from ganxun.training.models import Activity, TopicModule

from . import services
from .calendar import PACKAGE_SOURCE, CalendarUnknown, YearCalendar, covered, package_years, weekday_name
from .forms import CalendarDayForm, CalendarYearForm, LectureForm, LecturerForm
from .models import CalendarDay, CalendarYear, LecturerKind, LecturerProfile, LectureSeries, ScheduledLecture
from .queries import lectures_by_year, topics_of_year


def _year(params) -> int:
    value = query_id(params, "year")
    return value if value is not None and 1990 <= value <= 2100 else timezone.localdate().year


def _unit_id(user) -> int:
    """The unit whose series a person sees: an administrator's own unit, anyone else their cadre's."""
    if user.is_admin:
        return user.unit_id or home_unit_id()
    return user.cadre.unit_id if user.cadre_id else home_unit_id()


def _series(user) -> LectureSeries | None:
    return LectureSeries.objects.visible_to(user).filter(unit_id=_unit_id(user)).order_by("pk").first()


def _require_pool_reader(user) -> None:
    if not (user.is_admin or user.is_section_head):
        raise PermissionDenied


def _years(year: int) -> list[int]:
    this = timezone.localdate().year
    return sorted({*range(this + 1, this - 4, -1), year}, reverse=True)


# --- the schedule --------------------------------------------------------------------------------------------


@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    """A year's schedule of the series: a row a month, the calendar's source, a warning on a non-working day."""
    year = _year(request.GET)
    series = _series(request.user)
    lectures = []
    if series is not None:
        lectures = list(
            ScheduledLecture.objects.filter(series=series, year=year)
            .select_related("topic", "activity")
            .prefetch_related("lecturers__cadre")
        )
    try:
        calendar = YearCalendar(year)
    except CalendarUnknown as unknown:
        calendar, unknown_message = None, str(unknown)
    else:
        unknown_message = ""
    rows = []
    for lecture in lectures:
        answer = calendar.answer(lecture.date) if calendar else None
        make_up = answer is not None and answer.working and lecture.date.weekday() >= 5
        rows.append({"lecture": lecture, "weekday": weekday_name(lecture.date), "answer": answer, "make_up": make_up})
    return render(
        request,
        "lectures/schedule.html",
        {
            "year": year,
            "years": _years(year),
            "series_name": series.name if series else _("Yangfang Classroom · Month-end Forum"),
            "rows": rows,
            "source": calendar.source if calendar else "",
            "unknown_message": unknown_message,
            "is_admin": request.user.is_admin,
        },
    )


@require_POST
def schedule_generate(request: HttpRequest) -> HttpResponse:
    """Fill the year with a lecture a month on the last working day (months already there are kept)."""
    require_admin(request.user)
    year = _year(request.POST)
    series = services.series_for_unit(_unit_id(request.user))
    try:
        services.schedule_generate(actor=request.user, series=series, year=year)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The schedule of %(year)s was generated.") % {"year": year})
    return redirect(f"{reverse('lectures:schedule')}?year={year}")


def _day_warning(day: dt.date) -> str:
    try:
        answer = YearCalendar(day.year).answer(day)
    except CalendarUnknown as unknown:
        return str(unknown)
    if answer.working:
        return ""
    return _("%(date)s (%(weekday)s) is not a working day%(name)s, by %(source)s.") % {
        "date": f"{day:%Y-%m-%d}",
        "weekday": weekday_name(day),
        "name": f"（{answer.name}）" if answer.name else "",
        "source": answer.source,
    }


@require_http_methods(["GET", "POST"])
def lecture_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a month's lecture: its topic, lecturers, title, the activity held; move its date with a reason."""
    require_admin(request.user)
    lecture = get_object_or_404(ScheduledLecture.objects.editable_by(request.user).select_related("series"), pk=pk)
    before = services.snapshot(lecture)
    form = LectureForm(request.POST or None, instance=lecture, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lecture_update(
                    actor=request.user, lecture=form.instance, lecturers=form.cleaned_data["lecturers"], before=before
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                warning = _day_warning(lecture.date)
                if warning:
                    messages.warning(request, warning)
                messages.success(request, _("The lecture of %(month)s was saved.") % {"month": _month(lecture)})
                return redirect(f"{reverse('lectures:schedule')}?year={lecture.year}")
        context = {"form": form, "lecture": lecture, "warning": ""}
        return render(request, "lectures/lecture_form.html", context, status=400)
    context = {"form": form, "lecture": lecture, "warning": _day_warning(lecture.date)}
    return render(request, "lectures/lecture_form.html", context)


def _add_errors(form, error: ValidationError) -> None:
    """A service's errors on the form: on their fields where the form has them."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _month(lecture: ScheduledLecture) -> str:
    return f"{lecture.year}年{lecture.month}月"


# --- the lecturer pool ---------------------------------------------------------------------------------------

EXPORT_HEADERS = ("name", "kind", "organisation", "topics", "in the pool")


def _pool(request: HttpRequest):
    lecturers = (
        LecturerProfile.objects.visible_to(request.user)
        .select_related("cadre__section")
        .prefetch_related("topics")
        .order_by("kind", "pk")
    )
    kind = request.GET.get("kind", "")
    if kind in LecturerKind.values:
        lecturers = lecturers.filter(kind=kind)
    else:
        kind = ""
    topic = query_id(request.GET, "topic")
    if topic:
        lecturers = lecturers.filter(topics=topic)
    return lecturers, kind, topic


@require_GET
def lecturer_list(request: HttpRequest) -> HttpResponse:
    """The pool, filtered by kind and topic."""
    _require_pool_reader(request.user)
    lecturers, kind, topic = _pool(request)
    lecturers = lecturers.annotate(scheduled=Count("scheduled_lectures"))
    return render(
        request,
        "lectures/lecturer_list.html",
        {
            "lecturers": lecturers,
            "kinds": LecturerKind.choices,
            "kind": kind,
            "topics": TopicModule.objects.filter(is_active=True),
            "topic": topic,
            "querystring": request.GET.urlencode(),
            "is_admin": request.user.is_admin,
        },
    )


@require_GET
def lecturer_export(request: HttpRequest) -> HttpResponse:
    """The list as it is filtered, as a workbook."""
    _require_pool_reader(request.user)
    lecturers, _kind, _topic = _pool(request)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("lecturer pool")
    sheet.append([_("full name"), _("kind"), _("organisation"), _("topics taught"), _("in the pool")])
    for lecturer in lecturers:
        sheet.append(
            [
                safe_cell(str(lecturer)),
                lecturer.get_kind_display(),
                safe_cell(lecturer.display_organisation),
                "、".join(t.name for t in lecturer.topics.all()),
                _("Yes") if lecturer.active else _("No"),
            ]
        )
    return workbook_response(workbook, f"{_('lecturer pool')}.xlsx")


@require_GET
def lecturer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A lecturer: the lectures they gave by year, the evaluations' means per year, the series' lectures."""
    _require_pool_reader(request.user)
    lecturer = get_object_or_404(
        LecturerProfile.objects.visible_to(request.user).select_related("cadre__section").prefetch_related("topics"),
        pk=pk,
    )
    scheduled = lecturer.scheduled_lectures.select_related("topic").order_by("-year", "month")
    return render(
        request,
        "lectures/lecturer_detail.html",
        {
            "lecturer": lecturer,
            "years": lectures_by_year(lecturer),
            "scheduled": scheduled,
            "is_admin": request.user.is_admin,
        },
    )


@require_http_methods(["GET", "POST"])
def lecturer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    if pk is None:
        lecturer = LecturerProfile()
        before = None
    else:
        lecturer = get_object_or_404(LecturerProfile.objects.editable_by(request.user), pk=pk)
        before = services.snapshot(lecturer)
    form = LecturerForm(request.POST or None, instance=lecturer, unit_id=_unit_id(request.user))
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lecturer_save(
                    actor=request.user, lecturer=form.instance, topics=form.cleaned_data["topics"], before=before
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The lecturer %(name)s was saved.") % {"name": lecturer})
                return redirect("lectures:lecturer_detail", pk=lecturer.pk)
        return render(request, "lectures/lecturer_form.html", {"form": form, "lecturer": lecturer}, status=400)
    return render(request, "lectures/lecturer_form.html", {"form": form, "lecturer": lecturer})


# --- topic modules by year -----------------------------------------------------------------------------------


@require_GET
def topic_lectures(request: HttpRequest) -> HttpResponse:
    """For a year, each topic module with the series' lectures scheduled and the activities of it held."""
    year = _year(request.GET)
    user = request.user
    scheduled = ScheduledLecture.objects.visible_to(user).filter(series__unit_id=_unit_id(user))
    activities = Activity.objects.visible_to(user)
    return render(
        request,
        "lectures/topic_lectures.html",
        {
            "year": year,
            "years": _years(year),
            "topics": topics_of_year(year=year, scheduled=scheduled, activities=activities),
            "is_admin": user.is_admin,
        },
    )


# --- the working-day table -----------------------------------------------------------------------------------


def _calendar_context(year: int, year_form: CalendarYearForm | None = None) -> dict:
    first, last = package_years()
    entry = CalendarYear.objects.filter(year=year).first()
    counts = dict(CalendarDay.objects.values_list("date__year").annotate(n=Count("pk")).values_list("date__year", "n"))
    initial = {"year": year, "complete": entry.complete if entry else False, "note": entry.note if entry else ""}
    return {
        "year": year,
        "years": _years(year),
        "days": CalendarDay.objects.filter(date__year=year),
        "entry": entry,
        "source": covered(year),
        "package": PACKAGE_SOURCE,
        "package_covers": first <= year <= last,
        "first": first,
        "last": last,
        "entered": [(row, counts.get(row.year, 0)) for row in CalendarYear.objects.order_by("-year")],
        "year_form": year_form or CalendarYearForm(initial=initial),
    }


@require_GET
def calendar_list(request: HttpRequest) -> HttpResponse:
    """A year of the administrator's table, what answers for the year, and the years entered."""
    require_admin(request.user)
    return render(request, "lectures/calendar_list.html", _calendar_context(_year(request.GET)))


@require_POST
def calendar_year_update(request: HttpRequest) -> HttpResponse:
    """Mark a year's table complete, or not."""
    require_admin(request.user)
    form = CalendarYearForm(request.POST)
    if not form.is_valid():
        context = _calendar_context(_year(request.POST), form)
        return render(request, "lectures/calendar_list.html", context, status=400)
    data = form.cleaned_data
    services.calendar_year_save(actor=request.user, year=data["year"], complete=data["complete"], note=data["note"])
    messages.success(request, _("The calendar of %(year)s was saved.") % {"year": data["year"]})
    return redirect(f"{reverse('lectures:calendar_list')}?year={data['year']}")


@require_http_methods(["GET", "POST"])
def calendar_day_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_admin(request.user)
    day = get_object_or_404(CalendarDay, pk=pk) if pk is not None else CalendarDay()
    before = services.snapshot(day) if pk is not None else None
    form = CalendarDayForm(request.POST or None, instance=day)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.calendar_day_save(actor=request.user, day=form.instance, before=before)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("%(day)s was saved.") % {"day": day})
                return redirect(f"{reverse('lectures:calendar_list')}?year={day.date.year}")
        return render(request, "lectures/calendar_day_form.html", {"form": form, "day": day}, status=400)
    return render(request, "lectures/calendar_day_form.html", {"form": form, "day": day})


@require_POST
def calendar_day_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    day = get_object_or_404(CalendarDay, pk=pk)
    year = day.date.year
    services.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("The day was deleted."))
    return redirect(f"{reverse('lectures:calendar_list')}?year={year}")
