"""Forms of the training pages.  They validate and show errors; the writes go through training.services."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, DateInput, FilterFormMixin, ModelMultipleChoiceField
from ganxun.hours.models import EARLIEST_DATE, LATEST_DATE, date_range_error
from ganxun.roster.models import Cadre, DerivedGroup, Section, Tag, Unit

from .models import MAX_SESSION_HOURS, Activity, ActivityKind, Classroom, Session, TopicModule
from .queries import parse_month
from .services.activities import MATERIAL_MAX_BYTES, MATERIAL_TYPES, validate_material

REGISTER_FIELDS = ("host", "speaker", "key_speakers", "recorder", "makeup_note", "minutes")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def kind_choices(current: ActivityKind | None = None) -> list[tuple[Any, Any]]:
    """The kinds in use, grouped by classroom (and the current one, even if no longer in use)."""
    kinds = ActivityKind.objects.filter(Q(is_active=True) | Q(pk=getattr(current, "pk", None)))
    groups: dict[str, list[tuple[int, str]]] = {value: [] for value in Classroom.values}
    for kind in kinds:
        groups[kind.classroom].append((kind.pk, kind.name))
    return [("", _("Please choose"))] + [(Classroom(c).label, items) for c, items in groups.items() if items]


class ActivityForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "topic", "organiser", "place", "audience_note", "description", "allow_walk_in"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "audience_note": _("Who it is for, in words, e.g. all party members; enrol them on the activity's page."),
            "place": _("The usual place; a session may name its own."),
        }

    def __init__(self, *args: Any, user=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["kind"].choices = kind_choices(instance.kind if instance.kind_id else None)
        self.fields["topic"].queryset = TopicModule.objects.filter(Q(is_active=True) | Q(pk=instance.topic_id))
        sections = Section.objects.visible_to(user) if user is not None else Section.objects.all()
        self.fields["organiser"].queryset = sections.filter(Q(is_active=True) | Q(pk=instance.organiser_id))
        self.fields["topic"].empty_label = _("None")
        self.fields["organiser"].empty_label = _("None")

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()


class SessionForm(BootstrapFormMixin, forms.ModelForm):
    """A sitting.  The hours are left empty to take the conversion rule's figure."""

    hours = forms.DecimalField(
        label=_("hours"),
        required=False,
        min_value=0,
        max_value=MAX_SESSION_HOURS,
        max_digits=5,
        decimal_places=2,
        help_text=_("Leave empty to take the conversion rule's figure for this kind and length."),
        error_messages={
            "min_value": _("Hours cannot be negative."),
            "max_value": _("A session's hours can be at most %(limit_value)s."),
        },
    )
    evaluation_open = forms.BooleanField(
        label=_("Open an evaluation"),
        required=False,
        help_text=_("Those who attended rate the session and its lecturers on their phones."),
    )

    class Meta:
        model = Session
        fields = [
            "date",
            "start_time",
            "end_time",
            "place",
            "evaluation_closes_at",
            *REGISTER_FIELDS,
        ]
        widgets = {
            "date": DateInput(),
            "start_time": TimeInput(),
            "end_time": TimeInput(),
            "evaluation_closes_at": DateTimeInput(),
            "makeup_note": forms.Textarea(attrs={"rows": 2}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "host": _("Who chaired the study."),
            "key_speakers": _("Those who gave a prepared speech, separated by 、"),
            "makeup_note": _("Who made up for the study afterwards, and how."),
        }

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.order_fields(
            ["date", "start_time", "end_time", "hours", "place", "evaluation_open", "evaluation_closes_at"]
        )
        closes = self.fields["evaluation_closes_at"]
        closes.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        closes.help_text = _("Empty: %(days)s days after the session ends.") % {
            "days": settings.GANXUN["EVALUATION_OPEN_DAYS"]
        }
        if self.instance.pk:
            self.initial.setdefault("evaluation_open", self.instance.evaluation_closes_at is not None)
        else:
            self.initial.setdefault("evaluation_open", activity.kind.opens_evaluation)
        if not activity.kind.is_study_session:
            for name in REGISTER_FIELDS:
                del self.fields[name]
        if self.instance.pk and self.instance.hours_overridden:
            self.initial.setdefault("hours", self.instance.hours)
        self.fields["place"].widget.attrs["placeholder"] = activity.place

    @property
    def register_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in REGISTER_FIELDS if name in self.fields]

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in REGISTER_FIELDS]

    def clean_date(self) -> dt.date | None:
        """A sane date before anything (the default evaluation close) is computed from it."""
        day = self.cleaned_data.get("date")
        if day is not None and (message := date_range_error(day, str(self.fields["date"].label))):
            raise forms.ValidationError(message)
        return day

    def clean_evaluation_closes_at(self) -> dt.datetime | None:
        closes = self.cleaned_data.get("evaluation_closes_at")
        # Checked by the calendar before anything converts it: year 1 in Asia/Shanghai overflows in UTC.
        if closes is not None and not (EARLIEST_DATE.year <= closes.year <= LATEST_DATE.year):
            raise forms.ValidationError(
                _("The evaluation close time must be between %(first)s and %(last)s.")
                % {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year}
            )
        return closes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        self._settle_evaluation(data)
        return data

    def _settle_evaluation(self, data: dict[str, Any]) -> None:
        """Open: the time typed, or the default a few days after the session; not open: no evaluation."""
        if not data.get("evaluation_open"):
            if "evaluation_closes_at" in data:
                data["evaluation_closes_at"] = None
            return
        if self.has_error("evaluation_closes_at") or not (data.get("date") and data.get("end_time")):
            return
        closes = data.get("evaluation_closes_at")
        planned = Session(activity=self.activity, date=data["date"], end_time=data["end_time"])
        if closes is None:
            data["evaluation_closes_at"] = planned.default_evaluation_close()
        elif self.instance.pk and self.instance.evaluation_closes_at is not None:
            # The session moved and its close time was the default: the default moves with it.
            was_default = self.instance.evaluation_closes_at == self.instance.default_evaluation_close()
            if was_default and closes == self.instance.evaluation_closes_at:
                data["evaluation_closes_at"] = planned.default_evaluation_close()

    def _post_clean(self) -> None:
        # The model checks a figure set by hand against the session's length: let it see the one typed here
        # (empty goes back to the rule, as the service will do).
        if "hours" in self.cleaned_data:
            hours = self.cleaned_data["hours"]
            if hours is None:
                self.instance.hours_overridden = False
            else:
                self.instance.hours, self.instance.hours_overridden = hours, True
        super()._post_clean()

    def service_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("hours", "evaluation_open")}


def resolve_cadres(text: str) -> tuple[list[Cadre], list[str]]:
    """Names or ID numbers, separated by spaces, commas or 、, to active cadres; plus the errors per entry."""
    found: list[Cadre] = []
    errors: list[str] = []
    tokens = [t for t in _SEPARATORS.split(text or "") if t]
    if not tokens:
        return found, errors
    ids = [t.upper() for t in tokens if len(t) == 18 and t[:17].isdigit()]
    names = [t for t in tokens if t.upper() not in ids]
    active = Cadre.objects.active().select_related("section")
    by_id = {c.id_number: c for c in active.filter(id_number__in=ids)}
    by_name: dict[str, list[Cadre]] = {}
    for cadre in active.filter(name__in=names):
        by_name.setdefault(cadre.name, []).append(cadre)
    for token in tokens:
        if token.upper() in by_id:
            found.append(by_id[token.upper()])
        elif token in ids:
            errors.append(str(_("%(value)s: no cadre in post has this ID number.") % {"value": token}))
        elif len(by_name.get(token, [])) == 1:
            found.append(by_name[token][0])
        elif by_name.get(token):
            sections = "、".join(c.section.name for c in by_name[token])
            errors.append(
                str(
                    _("%(value)s: %(count)s cadres in post have this name (%(sections)s); give the ID number instead.")
                    % {"value": token, "count": len(by_name[token]), "sections": sections}
                )
            )
        else:
            errors.append(str(_("%(value)s: no cadre in post has this name.") % {"value": token}))
    return list(dict.fromkeys(found)), errors


class EnrolForm(BootstrapFormMixin, forms.Form):
    """Enrol by audience; at least one of them."""

    everyone = forms.BooleanField(label=_("Every cadre in post"), required=False)
    sections = ModelMultipleChoiceField(
        label=_("Sections"), queryset=Section.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.MultipleChoiceField(
        label=_("Groups"), choices=DerivedGroup.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    cadres = ModelMultipleChoiceField(
        label=_("Chosen cadres"), queryset=Cadre.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    names = forms.CharField(
        label=_("Named cadres"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("e.g. 张伟、李娜 or ID numbers")}),
        help_text=_("Names or ID numbers separated by spaces, commas or 、 — pasted from Excel is fine."),
    )

    def __init__(self, *args: Any, activity=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The 科室 and cadres of the organising unit and the units below it.
        sections = Section.objects.filter(is_active=True)
        cadres = Cadre.objects.active()
        if activity is not None:
            units = Unit.objects.subtree(activity.unit).values("pk")
            sections, cadres = sections.filter(unit_id__in=units), cadres.filter(unit_id__in=units)
        self.fields["sections"].queryset = sections.order_by("sort_order", "name")
        self.fields["tags"].queryset = Tag.objects.order_by("name")
        self.fields["cadres"].queryset = cadres
        self.named: list[Cadre] = []

    def clean_names(self) -> str:
        text = self.cleaned_data["names"]
        self.named, errors = resolve_cadres(text)
        if errors:
            raise forms.ValidationError(errors)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = (
            data.get("everyone")
            or data.get("sections")
            or data.get("groups")
            or data.get("tags")
            or data.get("cadres")
            or self.named
        )
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose who to enrol: everyone, sections, groups, tags or named cadres."))
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "everyone": bool(data.get("everyone")),
            "sections": list(data.get("sections") or []),
            "groups": list(data.get("groups") or []),
            "tags": list(data.get("tags") or []),
            "cadres": list(dict.fromkeys([*(data.get("cadres") or []), *self.named])),
        }


def _sessions_field(sessions: list[Session]) -> forms.TypedMultipleChoiceField:
    """The sittings of one activity, ticked by date and time; built from the sessions in hand (no query)."""
    return forms.TypedMultipleChoiceField(
        label=_("Sessions taught"),
        choices=[(s.pk, f"{s.date:%Y-%m-%d} {s.start_time:%H:%M}–{s.end_time:%H:%M}") for s in sessions],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who taught which sitting: the lecture is credited for these, and they do not count as attended."),
    )


class SessionsTaughtMixin:
    """``cleaned_data["sessions"]``: the Session rows ticked, from the activity's sessions passed in."""

    def chosen_sessions(self) -> list[Session]:
        ids = set(self.cleaned_data.get("sessions") or [])
        return [session for session in self.activity_sessions if session.pk in ids]


class LecturerSessionsForm(SessionsTaughtMixin, BootstrapFormMixin, forms.Form):
    """Which sittings of the activity a lecturer teaches."""

    def __init__(self, *args: Any, sessions: list[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity_sessions = sessions
        self.fields["sessions"] = _sessions_field(sessions)


class LecturerForm(SessionsTaughtMixin, BootstrapFormMixin, forms.Form):
    """A lecturer from the roster (by name or ID number) or from outside, and the sittings they teach."""

    def __init__(self, *args: Any, sessions: list[Session] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity_sessions = sessions or []
        if len(self.activity_sessions) > 1:  # one sitting: its lecturers teach it
            self.fields["sessions"] = _sessions_field(self.activity_sessions)

    cadre = forms.CharField(
        label=_("Cadre from the roster"),
        required=False,
        max_length=30,
        help_text=_("Name or ID number of a cadre in post."),
    )
    outside_name = forms.CharField(label=_("or an outside lecturer"), required=False, max_length=50)
    affiliation = forms.CharField(label=_("affiliation and title"), required=False, max_length=100)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        text, outside = (data.get("cadre") or "").strip(), (data.get("outside_name") or "").strip()
        if bool(text) == bool(outside):
            raise forms.ValidationError(_("Choose a cadre or write an outside lecturer's name, not both."))
        data["cadre_obj"] = None
        if text:
            found, errors = resolve_cadres(text)
            if errors:
                self.add_error("cadre", errors)
            elif len(found) != 1:
                self.add_error("cadre", _("Give one cadre."))
            else:
                data["cadre_obj"] = found[0]
        return data


class MaterialForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("Up to %(size)s MB: %(types)s.")
        % {"size": MATERIAL_MAX_BYTES // (1024 * 1024), "types": " ".join(sorted(e[1:] for e in MATERIAL_TYPES))},
    )
    name = forms.CharField(
        label=_("Name shown"), required=False, max_length=200, help_text=_("Leave empty to use the file's name.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(sorted(MATERIAL_TYPES))

    def clean_file(self):
        file = self.cleaned_data["file"]
        validate_material(file)
        return file


class ActivityFilterForm(FilterFormMixin, BootstrapFormMixin, forms.Form):
    """The filter bar of the activity list; queries.filter_activities does the filtering."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, place or description")}),
    )
    classroom = forms.ChoiceField(label=_("classroom"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    topic = forms.ChoiceField(label=_("topic module"), required=False)
    month = forms.CharField(label=_("Month"), required=False, widget=forms.TextInput(attrs={"type": "month"}))
    organiser = forms.ChoiceField(label=_("organising section"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        self.fields["classroom"].choices = any_ + list(Classroom.choices)
        kinds = kind_choices()
        self.fields["kind"].choices = any_ + [(label, [(str(pk), n) for pk, n in items]) for label, items in kinds[1:]]
        self.fields["topic"].choices = any_ + [
            (str(pk), name) for pk, name in TopicModule.objects.values_list("pk", "name")
        ]
        self.fields["organiser"].choices = any_ + [
            (str(pk), name)
            for pk, name in Section.objects.filter(organised_activities__isnull=False)
            .distinct()
            .order_by("sort_order", "name")
            .values_list("pk", "name")
        ]

    @staticmethod
    def applied_month(value: str) -> str:
        return value if parse_month(value) else ""  # the list ignores other months


class KindForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ActivityKind
        fields = [
            "name",
            "classroom",
            "bucket",
            "unit",
            "is_study_session",
            "is_class",
            "opens_evaluation",
            "training_type",
            "sort_order",
            "is_active",
        ]
        help_texts = {
            "sort_order": _("Smaller numbers come first in lists."),
            "is_active": _("A kind no longer in use is not offered for new activities; its activities stay."),
        }
        error_messages = {"name": {"unique": _("A kind with this name already exists.")}}

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class TopicForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TopicModule
        fields = ["name", "sort_order", "is_active"]
        help_texts = {
            "sort_order": _("Smaller numbers come first in lists."),
            "is_active": _("A module no longer in use is not offered for new activities; its activities stay."),
        }
        error_messages = {"name": {"unique": _("A topic module with this name already exists.")}}

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
