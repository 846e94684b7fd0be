"""The player: a lesson's page (PDF.js or <video>), its file served with range requests, and the heartbeats.

The page itself writes nothing (a GET never does): the script opens a viewing with a POST once the lesson is
shown, then posts heartbeats; the server's answers say how much it has credited."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganxun.core.params import id_from

from ..models import Lesson, LessonKind, LessonProgress
from ..ranges import ranged_file_response
from ..services import heartbeat, heartbeat_settings, viewing_start
from ..services.progress import lesson_hours

MAX_SEQ = 2**31 - 1


def _lesson(request: HttpRequest, pk: int) -> Lesson:
    return get_object_or_404(Lesson.objects.visible_to(request.user).select_related("course"), pk=pk)


def _counts(request: HttpRequest, lesson: Lesson) -> bool:
    """Whether the user's viewing counts: a cadre the course is assigned to (an administrator previews)."""
    cadre_id = request.user.cadre_id
    return bool(cadre_id) and lesson.course.published and lesson.course.assignments.filter(cadre_id=cadre_id).exists()


@require_GET
def lesson_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lesson = _lesson(request, pk)
    counts = _counts(request, lesson)
    progress = None
    hours = None
    if request.user.cadre_id:
        progress = LessonProgress.objects.filter(cadre_id=request.user.cadre_id, lesson=lesson).first()
        from django.utils import timezone

        hours = lesson_hours(year=timezone.localdate().year, cadre=request.user.cadre)
    interval, _grace = heartbeat_settings()
    siblings = list(lesson.course.lessons.order_by("sort_order", "pk").values_list("pk", flat=True))
    position = siblings.index(lesson.pk)
    context = {
        "lesson": lesson,
        "course": lesson.course,
        "progress": progress,
        "counts": counts,
        "hours": hours,
        "is_video": lesson.kind == LessonKind.VIDEO,
        "file_url": reverse("microclass:lesson_file", args=[lesson.pk]),
        "player": {
            "start": reverse("microclass:viewing_start", args=[lesson.pk]),
            "beat": reverse("microclass:viewing_beat", args=[lesson.pk]),
            "interval": interval,
            "counts": counts,
            "kind": lesson.kind,
            "position": progress.position_seconds if progress else 0,
        },
        "previous_id": siblings[position - 1] if position > 0 else None,
        "next_id": siblings[position + 1] if position + 1 < len(siblings) else None,
    }
    return render(request, "microclass/lesson_detail.html", context)


@require_GET
def progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A ledger entry's source: the cadre's progress on a lesson, shown as the lesson's page.  The cadre's own, or
    one of a course the administrator reaches."""
    progress = get_object_or_404(
        LessonProgress.objects.filter(lesson__in=Lesson.objects.visible_to(request.user)).filter(
            Q(cadre_id=request.user.cadre_id) if not request.user.is_admin else Q()
        ),
        pk=pk,
    )
    return redirect("microclass:lesson_detail", progress.lesson_id)


@require_http_methods(["GET", "HEAD"])
def lesson_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson's file for whoever may see the lesson, whole or by byte range (a video seeks with them)."""
    lesson = _lesson(request, pk)
    try:
        handle = lesson.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    size = lesson.file.size
    name = lesson.file.name.rsplit("/", 1)[-1]
    return ranged_file_response(handle, size=size, name=name, range_header=request.headers.get("Range"))


def _cadre_lesson(request: HttpRequest, pk: int) -> Lesson:
    lesson = _lesson(request, pk)
    if not _counts(request, lesson):
        raise PermissionDenied
    return lesson


@require_POST
def viewing_start_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Open a viewing: the token the page's heartbeats carry (any other viewing of the cadre's stops counting)."""
    lesson = _cadre_lesson(request, pk)
    viewing = viewing_start(cadre=request.user.cadre, lesson=lesson)
    return JsonResponse({"token": viewing.token, "interval": heartbeat_settings()[0]})


@require_POST
def viewing_beat(request: HttpRequest, pk: int) -> JsonResponse:
    """One heartbeat: {token, seq, state, position} as JSON; the answer says what was credited."""
    cadre_id = request.user.cadre_id
    if not cadre_id:
        raise PermissionDenied
    try:
        data = json.loads(request.body or b"{}")
        token = str(data["token"])[:64]
        seq = id_from(str(data["seq"]))
        state = str(data["state"])
        position = float(data.get("position") or 0)
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"status": "invalid"}, status=400)
    if seq is None or seq > MAX_SEQ or position != position:  # NaN
        return JsonResponse({"status": "invalid"}, status=400)
    try:
        beat = heartbeat(cadre=request.user.cadre, token=token, seq=seq, state=state, position=position)
    except ValidationError:
        return JsonResponse({"status": "invalid"}, status=400)
    if beat.status == "unknown":
        return JsonResponse(beat.as_json(), status=404)
    return JsonResponse(beat.as_json())
