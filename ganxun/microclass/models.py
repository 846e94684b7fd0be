"""微课堂: courses of short lessons (a PDF or a video), who is assigned them, and the progress the server measures."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ganxun.roster.models import admin_unit_ids, home_unit_id

DEFAULT_COMPLETION_PERCENT = Decimal("90")
MAX_LESSON_SECONDS = 4 * 3600  # a 微课 is short: four hours is already a lecture's whole recording
DOCUMENT_TYPES = (".pdf",)
VIDEO_TYPES = (".mp4", ".m4v", ".webm", ".ogv", ".ogg", ".mov")
# The tag in the roster that makes a cadre an internal lecturer (内训师), who may publish their lecture's recording.
LECTURER_TAG = "内训师"


def percent_validators() -> list:
    return [
        MinValueValidator(Decimal("1"), _("The share must be at least %(limit_value)s%%.")),
        MaxValueValidator(Decimal("100"), _("The share can be at most %(limit_value)s%%.")),
    ]


class CourseQuerySet(models.QuerySet["Course"]):
    def visible_to(self, user) -> CourseQuerySet:
        """An administrator: the courses of the units their role reaches.  Anyone else: the published courses
        they are assigned."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.cadre_id is None:
            return self.none()
        return self.filter(published=True, pk__in=Assignment.objects.filter(cadre_id=user.cadre_id).values("course_id"))

    def editable_by(self, user) -> CourseQuerySet:
        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(unit_id__in=units)

    def open_to_lecturers(self, user) -> CourseQuerySet:
        """The published courses an internal lecturer may add their recording to: those open to lecturers of the
        units above and at their own."""
        cadre = getattr(user, "cadre", None)
        if cadre is None or not cadre.unit_id:
            return self.none()
        return self.filter(published=True, open_to_lecturers=True, unit_id__in=cadre.unit.ancestor_ids())


class Course(models.Model):
    """A 微课堂 course: a few short lessons, assigned to an audience."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="+",
        default=home_unit_id,
    )
    completion_percent = models.DecimalField(
        _("share watched to complete"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_COMPLETION_PERCENT,
        validators=percent_validators(),
        help_text=_("A lesson is completed once this share of its length (in %) has been watched or read."),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only a published course is shown to the cadres assigned to it.")
    )
    open_to_lecturers = models.BooleanField(
        _("open to internal lecturers"),
        default=False,
        help_text=_("Internal lecturers (内训师) may add the recordings of their lectures to this course."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("micro-classroom course")
        verbose_name_plural = _("micro-classroom courses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1, completion_percent__lte=100),
                name="microclass_course_percent_range",
                violation_error_message=_("The share must be between 1% and 100%."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("microclass:course_detail", args=[self.pk])


class LessonKind(models.TextChoices):
    DOCUMENT = "document", _("Document (PDF)")
    VIDEO = "video", _("Video")


def lesson_kind_of(name: str) -> str | None:
    """The kind of lesson a file makes, from its extension; None for a file no lesson can be."""
    suffix = PurePosixPath(name.lower()).suffix
    if suffix in DOCUMENT_TYPES:
        return LessonKind.DOCUMENT
    if suffix in VIDEO_TYPES:
        return LessonKind.VIDEO
    return None


class LessonQuerySet(models.QuerySet["Lesson"]):
    def visible_to(self, user) -> LessonQuerySet:
        return self.filter(course__in=Course.objects.visible_to(user))

    def editable_by(self, user) -> LessonQuerySet:
        return self.filter(course__in=Course.objects.editable_by(user))


class Lesson(models.Model):
    """One 微课: a PDF read in the page or a video watched in it, with the length that counts."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=LessonKind.choices)
    file = models.FileField(_("file"), upload_to="microclass/%Y/", max_length=300)
    length_seconds = models.PositiveIntegerField(
        _("length (seconds)"),
        validators=[
            MinValueValidator(1, _("The length must be at least 1 second.")),
            MaxValueValidator(MAX_LESSON_SECONDS, _("A lesson can be at most %(limit_value)s seconds long.")),
        ],
        help_text=_("A video: its running time (read from the file when chosen). A document: the reading time."),
    )
    completion_percent = models.DecimalField(
        _("share watched to complete"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=percent_validators(),
        help_text=_("Empty: the course's share."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A 月末讲坛 lecture this lesson is the recording of.
    session = models.ForeignKey(
        "training.Session",
        verbose_name=_("recording of session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_seconds__gte=1, length_seconds__lte=MAX_LESSON_SECONDS),
                name="microclass_lesson_length_range",
                violation_error_message=_("The length must be between 1 second and 4 hours."),
            ),
            models.CheckConstraint(
                condition=Q(completion_percent__isnull=True)
                | Q(completion_percent__gte=1, completion_percent__lte=100),
                name="microclass_lesson_percent_range",
                violation_error_message=_("The share must be between 1% and 100%."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("microclass:lesson_detail", args=[self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.file and self.kind and lesson_kind_of(self.file.name) != self.kind:
            raise ValidationError(
                {"file": _("Upload a PDF for a document lesson, or a video file for a video lesson.")}
            )

    @property
    def share(self) -> Decimal:
        return self.completion_percent if self.completion_percent is not None else self.course.completion_percent

    @property
    def needed_ms(self) -> Fraction:
        """Milliseconds to credit for completion, exact (90% of 1000 s is 900 000 ms, not 899 999.99…)."""
        return Fraction(self.length_seconds * 1000) * Fraction(self.share) / 100


class Assignment(models.Model):
    """A cadre assigned a course, with the 科室 they were in then and how they came to be assigned."""

    course = models.ForeignKey(Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments")
    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    section = models.ForeignKey(
        "roster.Section", verbose_name=_("section at assignment"), on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(_("assigned as"), max_length=100, blank=True)
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        ordering = ["section__sort_order", "cadre__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "cadre"],
                name="microclass_assignment_once",
                violation_error_message=_("This cadre is already assigned this course."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} @ {self.course_id}"


class LessonProgress(models.Model):
    """How much of a lesson the server has credited a cadre, and when it was completed: the source of the
    lesson's 学时 in the ledger (one entry, written once on completion)."""

    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="+")
    lesson = models.ForeignKey(Lesson, verbose_name=_("lesson"), on_delete=models.PROTECT, related_name="progress")
    credited_ms = models.PositiveBigIntegerField(_("time credited (ms)"), default=0)
    position_seconds = models.FloatField(_("last position (seconds)"), default=0)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "lesson"],
                name="microclass_progress_once",
                violation_error_message=_("This cadre already has progress on this lesson."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} @ {self.lesson_id}: {self.credited_ms} ms"

    def get_absolute_url(self) -> str:
        # By its own id only: the ledger links an entry's source without reading it (LedgerEntry.source_url).
        return reverse("microclass:progress_detail", args=[self.pk])

    @property
    def ledger_title(self) -> str:
        return f"微课堂：{self.lesson.title}"

    def percent(self) -> int:
        """Share of the lesson's length credited, in whole percent rounded down, at most 100."""
        return min(100, self.credited_ms // (self.lesson.length_seconds * 10))


class ViewingState(models.TextChoices):
    STARTED = "started", _("Opened")
    PLAYING = "playing", _("Playing")
    PAUSED = "paused", _("Paused")
    HIDDEN = "hidden", _("Hidden")


class Viewing(models.Model):
    """One opening of the player: the token the page's heartbeats carry.  A cadre has one active viewing at a
    time (a unique constraint): opening another tab takes over, and the first tab's heartbeats credit nothing."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    cadre = models.ForeignKey("roster.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")
    progress = models.ForeignKey(
        LessonProgress, verbose_name=_("progress"), on_delete=models.CASCADE, related_name="viewings"
    )
    active = models.BooleanField(_("active"), default=True)
    seq = models.PositiveIntegerField(_("last sequence number"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=ViewingState.choices, default=ViewingState.STARTED)
    started_at = models.DateTimeField(_("started"))
    last_beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("viewing")
        verbose_name_plural = _("viewings")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"],
                condition=Q(active=True),
                name="microclass_one_active_viewing",
                violation_error_message=_("This cadre is already watching a lesson."),
            )
        ]

    def __str__(self) -> str:
        return self.token[:8]
