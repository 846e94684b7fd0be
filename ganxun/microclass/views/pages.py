"""Administrators keep courses, lessons and who is assigned them, and read the progress; a cadre lists theirs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView
from openpyxl import Workbook

from ganxun.core.access import AdminRequiredMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.excel import safe_cell, upload_limit, workbook_response
from ganxun.training.forms import EnrolForm

from ..forms import CourseForm, LessonForm, RecordingForm, lesson_max_bytes
from ..models import Course, Lesson, LessonProgress
from ..services import (
    assign_audience,
    course_create,
    course_delete,
    course_update,
    lesson_create,
    lesson_delete,
    lesson_update,
    recording_publish,
)
from ..services.courses import is_lecturer, lecturer_sessions


@require_GET
def course_list(request: HttpRequest) -> HttpResponse:
    """Administrators: the courses of their units with their figures.  Everyone with a cadre: 我的微课堂, the
    courses assigned to them with how far they are."""
    user = request.user
    context: dict[str, Any] = {"is_admin": user.is_admin, "is_lecturer": is_lecturer(user)}
    if user.is_admin:
        context["courses"] = (
            Course.objects.visible_to(user)
            .annotate(
                lesson_count=Count("lessons", distinct=True),
                assigned_count=Count("assignments", distinct=True),
            )
            .order_by("-created_at", "-pk")
        )
    if user.cadre_id:
        context["my_courses"] = my_courses(user)
    return render(request, "microclass/course_list.html", context)


def my_courses(user) -> list[Course]:
    """The cadre's published assigned courses, each with ``lesson_list`` and each lesson's ``mine`` (the cadre's
    progress or None) and the course's ``done`` count.  Three queries, whatever the number of courses."""
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(cadre_id=user.cadre_id).select_related("lesson")}
    courses = list(
        Course.objects.filter(published=True, assignments__cadre_id=user.cadre_id)
        .prefetch_related(Prefetch("lessons", queryset=Lesson.objects.order_by("sort_order", "pk")))
        .order_by("-created_at", "-pk")
    )
    for course in courses:
        course.lesson_list = list(course.lessons.all())
        for lesson in course.lesson_list:
            lesson.mine = progress.get(lesson.pk)
        course.done = sum(1 for lesson in course.lesson_list if lesson.mine and lesson.mine.completed_at)
    return courses


def _course(request: HttpRequest, pk: int) -> Course:
    return get_object_or_404(Course.objects.visible_to(request.user), pk=pk)


def _editable_course(request: HttpRequest, pk: int) -> Course:
    require_admin(request.user)
    return get_object_or_404(Course.objects.editable_by(request.user), pk=pk)


@require_GET
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    lessons = list(course.lessons.select_related("session__activity").order_by("sort_order", "pk"))
    mine = {}
    if request.user.cadre_id:
        mine = {
            p.lesson_id: p for p in LessonProgress.objects.filter(cadre_id=request.user.cadre_id, lesson__course=course)
        }
    for lesson in lessons:
        lesson.mine = mine.get(lesson.pk)
    manager = Course.objects.editable_by(request.user).filter(pk=course.pk).exists()
    context = {
        "course": course,
        "lessons": lessons,
        "manager": manager,
        "assigned": course.assignments.count() if manager else None,
    }
    return render(request, "microclass/course_detail.html", context)


class CourseCreateView(AdminRequiredMixin, CreateView):
    model = Course
    form_class = CourseForm
    template_name = "microclass/form.html"

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = course_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Course “%(name)s” was created. Now add its lessons.") % {"name": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "heading": _("New course"),
            "cancel_url": reverse("microclass:course_list"),
        }


class _CourseSave:
    """Called by EditConflictMixin inside its locked transaction: the audited service saves, from the row as
    stored (the form's instance already holds the new values)."""

    request: HttpRequest

    def form_valid(self, form) -> HttpResponse:
        course = Course.objects.get(pk=form.instance.pk)
        try:
            self.object = course_update(
                actor=self.request.user, course=course, **{name: form.cleaned_data[name] for name in form.fields}
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, _("“%(name)s” was saved.") % {"name": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


class CourseUpdateView(EditConflictMixin, AdminRequiredMixin, _CourseSave, UpdateView):
    model = Course
    form_class = CourseForm
    template_name = "microclass/form.html"

    def get_queryset(self):
        return Course.objects.editable_by(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Edit course"),
            "course": self.object,
            "cancel_url": self.object.get_absolute_url(),
            "delete_url": reverse("microclass:course_delete", args=[self.object.pk]),
            "delete_question": _("Delete the course “%(title)s” with its lessons? This cannot be undone.")
            % {"title": self.object.title},
        }


@require_http_methods(["GET", "POST"])
def course_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign the course to an audience: everyone, 科室, groups, tags or named cadres (as an activity enrols)."""
    course = _editable_course(request, pk)
    form = EnrolForm(request.POST or None, activity=course)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = assign_audience(actor=request.user, course=course, **form.service_fields())
            messages.success(
                request,
                _("%(added)s assigned, %(already)s already assigned.")
                % {"added": result.added, "already": result.already},
            )
            if result.outside:
                messages.warning(
                    request,
                    _("%(count)s named cadres are not in post in this course's units.") % {"count": result.outside},
                )
            return redirect(course.get_absolute_url())
        status = 400
    return render(request, "microclass/course_assign.html", {"course": course, "form": form}, status=status)


def _progress_rows(course: Course) -> tuple[list[Lesson], list[dict[str, Any]]]:
    """One row per assigned cadre: their 科室, each lesson's percent and completion, and how many completed.
    Three queries whatever the number of cadres."""
    lessons = list(course.lessons.order_by("sort_order", "pk"))
    progress: dict[tuple[int, int], LessonProgress] = {
        (p.cadre_id, p.lesson_id): p
        for p in LessonProgress.objects.filter(lesson__course=course).select_related("lesson")
    }
    rows = []
    for assignment in course.assignments.select_related("cadre", "section").order_by(
        "section__sort_order", "cadre__name"
    ):
        cells = [progress.get((assignment.cadre_id, lesson.pk)) for lesson in lessons]
        done = sum(1 for p in cells if p and p.completed_at)
        rows.append(
            {"assignment": assignment, "cells": cells, "done": done, "all_done": bool(lessons) and done == len(lessons)}
        )
    return lessons, rows


@require_GET
def course_progress(request: HttpRequest, pk: int) -> HttpResponse:
    course = _editable_course(request, pk)
    lessons, rows = _progress_rows(course)
    return render(
        request,
        "microclass/course_progress.html",
        {"course": course, "lessons": lessons, "rows": rows, "completed": sum(1 for r in rows if r["all_done"])},
    )


@require_GET
def course_progress_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress page as Excel: one row per cadre, one column per lesson (完成 with the date, or the percent)."""
    course = _editable_course(request, pk)
    lessons, rows = _progress_rows(course)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学习进度"
    sheet.append([_("Name"), _("Section"), *[safe_cell(lesson.title) for lesson in lessons], _("Lessons completed")])
    for row in rows:
        cells = []
        for cell in row["cells"]:
            if cell is None:
                cells.append(_("Not started"))
            elif cell.completed_at:
                cells.append(_("Completed %(date)s") % {"date": f"{cell.completed_at:%Y-%m-%d}"})
            else:
                cells.append(f"{cell.percent()}%")
        assignment = row["assignment"]
        sheet.append([safe_cell(assignment.cadre.name), safe_cell(assignment.section.name), *cells, row["done"]])
    return workbook_response(workbook, f"{course.title}-学习进度.xlsx")


class LessonFormMixin:
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}  # type: ignore[misc]

    def fields_of(self, form) -> dict[str, Any]:
        fields = {
            name: form.cleaned_data.get(name) for name in ("title", "length_seconds", "completion_percent", "session")
        }
        if form.cleaned_data.get("sort_order") is not None:
            fields["sort_order"] = form.cleaned_data["sort_order"]
        return fields


class LessonCreateView(LessonFormMixin, AdminRequiredMixin, CreateView):
    model = Lesson
    form_class = LessonForm
    template_name = "microclass/form.html"

    def dispatch(self, request, *args, **kwargs):
        require_admin(request.user)
        self.course = _editable_course(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = lesson_create(
                actor=self.request.user, course=self.course, file=form.cleaned_data["upload"], **self.fields_of(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Lesson “%(name)s” was added.") % {"name": self.object})
        return HttpResponseRedirect(self.course.get_absolute_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "heading": _("New lesson"),
            "course": self.course,
            "upload": True,
            "cancel_url": self.course.get_absolute_url(),
        }


class _LessonSave:
    """As _CourseSave, for a lesson: a new file replaces the old one."""

    request: HttpRequest

    def form_valid(self, form) -> HttpResponse:
        lesson = Lesson.objects.select_related("course").get(pk=form.instance.pk)
        try:
            self.object = lesson_update(
                actor=self.request.user,
                lesson=lesson,
                file=form.cleaned_data.get("upload"),
                **self.fields_of(form),  # type: ignore[attr-defined]
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, _("“%(name)s” was saved.") % {"name": self.object})
        return HttpResponseRedirect(self.object.course.get_absolute_url())


class LessonUpdateView(EditConflictMixin, LessonFormMixin, AdminRequiredMixin, _LessonSave, UpdateView):
    model = Lesson
    form_class = LessonForm
    template_name = "microclass/form.html"

    def get_queryset(self):
        return Lesson.objects.editable_by(self.request.user).select_related("course")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "heading": _("Edit lesson"),
            "course": self.object.course,
            "upload": True,
            "cancel_url": self.object.course.get_absolute_url(),
            "delete_url": reverse("microclass:lesson_delete", args=[self.object.pk]),
            "delete_question": _("Delete the lesson “%(title)s” and its file? This cannot be undone.")
            % {"title": self.object.title},
        }


@upload_limit(lesson_max_bytes)
@require_http_methods(["GET", "POST"])
def recording_create(request: HttpRequest) -> HttpResponse:
    """An internal lecturer (内训师) publishes the recording of a lecture they gave as a lesson."""
    sessions = lecturer_sessions(request.user)
    if not is_lecturer(request.user):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    courses = Course.objects.open_to_lecturers(request.user)
    form = RecordingForm(request.POST or None, request.FILES or None, sessions=sessions, courses=courses)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                lesson = recording_publish(
                    actor=request.user,
                    course=data["course"],
                    session=data["session"],
                    file=data["upload"],
                    title=data["title"],
                    length_seconds=data["length_seconds"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Lesson “%(name)s” was published.") % {"name": lesson})
                return redirect("microclass:course_list")
        status = 400
    return render(
        request,
        "microclass/form.html",
        {
            "form": form,
            "heading": _("Publish a lecture recording"),
            "upload": True,
            "cancel_url": reverse("microclass:course_list"),
        },
        status=status,
    )


@require_POST
def course_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a course nobody has studied; otherwise say why not (unpublish it instead)."""
    course = _editable_course(request, pk)
    try:
        course_delete(actor=request.user, course=course)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(course.get_absolute_url())
    messages.success(request, _("The course “%(title)s” was deleted.") % {"title": course.title})
    return redirect("microclass:course_list")


@require_POST
def lesson_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a lesson nobody has studied; otherwise say why not."""
    require_admin(request.user)
    lesson = get_object_or_404(Lesson.objects.editable_by(request.user).select_related("course"), pk=pk)
    try:
        lesson_delete(actor=request.user, lesson=lesson)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("The lesson “%(title)s” was deleted.") % {"title": lesson.title})
    return redirect(lesson.course.get_absolute_url())
