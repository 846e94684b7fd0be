"""Training activities of the three classrooms, their sessions and who is enrolled.

Who came (``Attendance``) and what they thought (``Evaluation``) are the attendance app's; the words for an
attendance (``AttendanceStatus``, ``AttendanceMethod``) stay here, below it, since training's pages count by them.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from ganxun.hours.models import (
    EARLIEST_DATE,
    LATEST_DATE,
    SESSION_UNIT_CHOICES,
    Bucket,
    Unit,
    at_least,
    at_most,
    date_range_error,
    plain_hours,
)
from ganxun.roster.models import admin_unit_ids, home_unit_id

# A session lies within one day: no figure it carries can pass 24 学时, whatever the rules.
MAX_SESSION_HOURS = Decimal(24)
# An evaluation closes after its session, and at most this long after it.
MAX_EVALUATION_DAYS = 90


class Classroom(models.TextChoices):
    THEORY = "theory", _("Theory classroom")
    PROFESSIONAL = "professional", _("Professional classroom")
    PRACTICE = "practice", _("Practice classroom")


class TrainingType(models.TextChoices):
    """The four kinds of cadre training the 干部教育培训工作条例 counts (the organisation department's tables, the
    deadlines of 初任 and 任职 training)."""

    INDUCTION = "induction", _("Induction training")  # 初任培训
    APPOINTMENT = "appointment", _("Appointment training")  # 任职培训
    SPECIALISED = "specialised", _("Specialised training")  # 专门业务培训
    IN_SERVICE = "in_service", _("In-service training")  # 在职培训


class ActivityKind(models.Model):
    """党委会学习, 中心组学习, 党课, 培训班 …: an admin may add kinds."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    classroom = models.CharField(_("classroom"), max_length=20, choices=Classroom.choices)
    bucket = models.CharField(_("hours count as"), max_length=20, choices=Bucket.choices)
    unit = models.CharField(
        _("a session counts by"),
        max_length=20,
        choices=SESSION_UNIT_CHOICES,
        default=Unit.HOUR,
        help_text=_("How a session's hours are converted: by its length in hours, as a day, a half day or a session."),
    )
    is_study_session = models.BooleanField(
        _("study register"), default=False, help_text=_("Keeps the register of a theory study session.")
    )
    is_class = models.BooleanField(
        _("class with completion"),
        default=False,
        help_text=_("A class: leave of more than 1/7 of its hours means it was not completed."),
    )
    opens_evaluation = models.BooleanField(
        _("evaluated by default"),
        default=False,
        help_text=_(
            "Classes and lectures: a new session opens its evaluation until a few days after it ends "
            "(the administrator may change or clear it)."
        ),
    )
    training_type = models.CharField(
        _("training type"),
        max_length=20,
        choices=TrainingType.choices,
        default=TrainingType.IN_SERVICE,
        help_text=_(
            "Induction, appointment, specialised or in-service training, as the organisation department counts them."
        ),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("activity kind")
        verbose_name_plural = _("activity kinds")
        ordering = ["classroom", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class TopicModule(models.Model):
    """A topic module of the lecture series: 旧区改造, 住房保障 …"""

    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("topic module")
        verbose_name_plural = _("topic modules")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ActivityQuerySet(models.QuerySet["Activity"]):
    def visible_to(self, user) -> ActivityQuerySet:
        """An admin sees the activities organised by the units their role reaches and those enrolling cadres of
        those units (the organisation department's class their bureau attends); a system administrator without
        a unit, all.  Others see those they are enrolled in or that their 科室 organises."""

        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            if units is None:
                return self
            enrolling = Enrolment.objects.filter(cadre__unit_id__in=units).values("activity_id")
            return self.filter(Q(unit_id__in=units) | Q(pk__in=enrolling))
        query = Q(pk__in=[])
        if user.cadre_id is not None:
            query |= Q(enrolments__cadre_id=user.cadre_id)
        if user.is_section_head and user.section_id_scope is not None:
            query |= Q(organiser_id=user.section_id_scope) | Q(enrolments__cadre__section_id=user.section_id_scope)
        return self.filter(pk__in=self.filter(query).values("pk"))

    def editable_by(self, user) -> ActivityQuerySet:
        """The activities an admin may change: those organised by a unit their role reaches."""

        if not user.is_authenticated or not user.is_active or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(unit_id__in=units)


class Activity(models.Model):
    """One activity of a classroom, with one or more sessions."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.ForeignKey(ActivityKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="activities")
    topic = models.ForeignKey(
        TopicModule,
        verbose_name=_("topic module"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    # The unit that organises it: its admins run it, and it may enrol the cadres of the units below.
    unit = models.ForeignKey(
        "roster.Unit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="activities",
        default=home_unit_id,
    )
    organiser = models.ForeignKey(
        "roster.Section",
        verbose_name=_("organising section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_activities",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    audience_note = models.CharField(_("audience"), max_length=200, blank=True)
    allow_walk_in = models.BooleanField(
        _("walk-ins allowed"), default=False, help_text=_("Cadres not enrolled may check in and are enrolled then.")
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

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("training activity")
        verbose_name_plural = _("training activities")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:activity_detail", args=[self.pk])

    @property
    def classroom(self) -> str:
        return self.kind.classroom


class Lecturer(models.Model):
    """Who teaches: a cadre from the roster or an outside name."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="lecturers"
    )
    cadre = models.ForeignKey(
        "roster.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lectures",
    )
    outside_name = models.CharField(_("outside lecturer"), max_length=50, blank=True)
    affiliation = models.CharField(_("affiliation and title"), max_length=100, blank=True)
    # Who taught which sitting: a roster lecturer is credited for, and not counted as attending, these.
    sessions = models.ManyToManyField(
        "Session",
        verbose_name=_("sessions taught"),
        through="SessionLecturer",
        related_name="lecturers",
        blank=True,
    )

    class Meta:
        verbose_name = _("lecturer")
        verbose_name_plural = _("lecturers")
        constraints = [
            models.CheckConstraint(
                condition=(Q(cadre__isnull=False) & Q(outside_name="")) | (Q(cadre__isnull=True) & ~Q(outside_name="")),
                name="lecturer_cadre_or_outside_name",
                violation_error_message=_("Choose a cadre or write an outside lecturer's name, not both."),
            ),
            models.UniqueConstraint(
                fields=["activity", "cadre"], condition=Q(cadre__isnull=False), name="lecturer_once_per_activity"
            ),
        ]

    def __str__(self) -> str:
        return self.cadre.name if self.cadre_id else self.outside_name


class Material(models.Model):
    """An attachment of an activity: slides, readings, the minutes."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="materials"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="materials/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One sitting of an activity: a date, a time, and the 学时 it is worth."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[
            at_least(Decimal("0"), _("Hours cannot be negative.")),
            at_most(MAX_SESSION_HOURS, _("A session's hours can be at most %(limit_value)s.")),
        ],
        help_text=_("Computed from the conversion rule unless overridden."),
    )
    hours_overridden = models.BooleanField(_("hours set by hand"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    evaluation_closes_at = models.DateTimeField(
        _("evaluation closes"), null=True, blank=True, help_text=_("Empty: no evaluation for this session.")
    )
    # The register of a theory study session (党委会/中心组学习).
    host = models.CharField(_("host"), max_length=50, blank=True)
    speaker = models.CharField(_("main speaker"), max_length=100, blank=True)
    key_speakers = models.CharField(_("key speeches"), max_length=200, blank=True)
    recorder = models.CharField(_("recorder"), max_length=50, blank=True)
    makeup_note = models.TextField(_("make-up study"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "start_time", "pk"]
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
                violation_error_message=_("The end time must be after the start time."),
            ),
            models.CheckConstraint(
                condition=Q(date__gte=EARLIEST_DATE, date__lte=LATEST_DATE),
                name="session_date_in_sane_range",
                violation_error_message=_("The date must be between 1950-01-01 and 2100-12-31."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=MAX_SESSION_HOURS),
                name="session_hours_within_a_day",
                violation_error_message=_("A session's hours must be between 0 and 24."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.date:%Y-%m-%d} {self.start_time:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("training:session_detail", args=[self.pk])

    def clean(self) -> None:
        """A sane date, hours set by hand within what the length carries, an evaluation closing after it."""
        errors: dict[str, str] = {}
        if self.date is not None and (message := date_range_error(self.date, str(_("Date")))):
            errors["date"] = message
        timed = self.date is not None and self.start_time is not None and self.end_time is not None
        if timed and not errors and self.end_time > self.start_time:
            if self.hours_overridden and self.hours is not None and self.activity_id is not None:
                ceiling, rate = self.hours_ceiling()
                if self.hours > ceiling:
                    errors["hours"] = _(
                        "A session of %(length)s hours can be given at most %(max)s hours by hand: its length at "
                        "%(rate)s an hour (the year's hour rule), or the rule's own figure for it when higher."
                    ) % {"length": plain_hours(self.length_hours), "max": plain_hours(ceiling), "rate": rate}
            if self.evaluation_closes_at is not None and (message := self.evaluation_close_error()):
                errors["evaluation_closes_at"] = message
        if errors:
            raise ValidationError(errors)

    @property
    def ledger_title(self) -> str:
        """What a cadre would call it in a self-report (compared to refuse reporting it again)."""
        return self.activity.title

    @property
    def ends_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))

    def default_evaluation_close(self) -> dt.datetime:
        """When the evaluation closes unless the administrator says otherwise: a few days after the session."""
        return self.ends_at + dt.timedelta(days=settings.GANXUN["EVALUATION_OPEN_DAYS"])

    def evaluation_close_error(self) -> str | None:
        """Why the evaluation's close time is not sane (None when it is): after the session, within 90 days."""
        closes = self.evaluation_closes_at
        # Compared by the calendar first: a year-1 time in Asia/Shanghai overflows when converted to UTC.
        if closes is None or not (EARLIEST_DATE.year <= closes.year <= LATEST_DATE.year):
            return None if closes is None else self._evaluation_range_message()
        if not (self.ends_at < closes <= self.ends_at + dt.timedelta(days=MAX_EVALUATION_DAYS)):
            return self._evaluation_range_message()
        return None

    def _evaluation_range_message(self) -> str:
        return _("The evaluation must close after the session ends (%(end)s) and within %(days)s days of it.") % {
            "end": formats.date_format(self.ends_at, "Y-m-d H:i"),
            "days": MAX_EVALUATION_DAYS,
        }

    def hours_ceiling(self) -> tuple[Decimal, str]:
        """(the most 学时 that may be set by hand, the hour rate used): the length at the year's hour rate
        (1 学时 an hour without a rule) or the rule's own figure for this session, whichever is higher."""
        from ganxun.hours.services import conversion_rules

        from .hooks import session_default_hours

        rule = conversion_rules(self.date.year, self.activity.unit).get(Unit.HOUR)
        rate = Fraction(rule.hours) / Fraction(rule.per) if rule is not None else Fraction(1)
        by_length = Decimal(math.floor(Fraction(self.length_minutes) / 60 * rate * 100)) / 100
        try:
            by_rule = session_default_hours(self)
        except ValidationError:  # no rule for the year: the length alone bounds it
            by_rule = Decimal(0)
        return min(max(by_length, by_rule), MAX_SESSION_HOURS), plain_hours(Decimal(rate.numerator) / rate.denominator)

    @property
    def length_minutes(self) -> Decimal:
        """The session's length in minutes, exactly (times are kept to the second)."""
        start = dt.datetime.combine(self.date, self.start_time)
        end = dt.datetime.combine(self.date, self.end_time)
        return Decimal(int((end - start).total_seconds())) / 60

    @property
    def length_hours(self) -> Decimal:
        return self.length_minutes / 60


class SessionLecturer(models.Model):
    """One lecturer teaching one sitting of their activity."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="lecturer_links"
    )
    lecturer = models.ForeignKey(
        Lecturer, verbose_name=_("lecturer"), on_delete=models.CASCADE, related_name="session_links"
    )

    class Meta:
        verbose_name = _("session taught")
        verbose_name_plural = _("sessions taught")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "lecturer"],
                name="session_lecturer_once",
                violation_error_message=_("This lecturer is already recorded for this session."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.lecturer} @ {self.session}"


class Enrolment(models.Model):
    """A cadre enrolled in an activity, with the section they were in then (history does not move)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="enrolments"
    )
    cadre = models.ForeignKey(
        "roster.Cadre", verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="enrolments"
    )
    section = models.ForeignKey(
        "roster.Section", verbose_name=_("section at enrolment"), on_delete=models.PROTECT, related_name="+"
    )
    via = models.CharField(_("enrolled as"), max_length=100, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["section__sort_order", "cadre__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "cadre"],
                name="enrolment_once_per_activity",
                violation_error_message=_("This cadre is already enrolled."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre} @ {self.activity}"


def attendance_rows() -> models.Manager:
    """The attendance app's rows (its ``Attendance`` model's manager), reached through ``Session.attendances``:
    training reads who came without importing the app above it."""
    return Session._meta.get_field("attendances").related_model._default_manager


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LEAVE = "leave", _("On leave")


class AttendanceMethod(models.TextChoices):
    QR = "qr", _("QR check-in")
    MANUAL = "manual", _("Marked by hand")
    IMPORT = "import", _("Imported")
