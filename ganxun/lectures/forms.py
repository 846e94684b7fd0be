"""The forms of 杨房课堂 · 月末讲坛: a scheduled lecture, a pool member, a day of the administrator's calendar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin
from ganxun.roster.models import Cadre
from ganxun.training.models import Activity, TopicModule

from .models import CalendarDay, LecturerKind, LecturerProfile, ScheduledLecture

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LectureForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ScheduledLecture
        fields = ["date", "moved_reason", "topic", "title", "lecturers", "activity", "note"]
        widgets = {"date": DATE_INPUT, "lecturers": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lecture: ScheduledLecture = self.instance
        self.fields["topic"].queryset = TopicModule.objects.filter(Q(is_active=True) | Q(pk=lecture.topic_id or 0))
        chosen = list(lecture.lecturers.values_list("pk", flat=True)) if lecture.pk else []
        self.fields["lecturers"].queryset = (
            LecturerProfile.objects.filter(unit_id=lecture.series.unit_id)
            .filter(Q(active=True) | Q(pk__in=chosen))
            .select_related("cadre")
            .order_by("kind", "pk")
        )
        self.fields["activity"].queryset = (
            Activity.objects.editable_by(user).filter(sessions__date__year=lecture.year).distinct().order_by("-pk")
        )
        self.fields["moved_reason"].help_text = _("Needed when the date is not the default %(date)s.") % {
            "date": f"{lecture.default_date:%Y-%m-%d}"
        }


class LecturerForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = LecturerProfile
        fields = ["kind", "cadre", "outside_name", "organisation", "topics", "active", "note"]
        widgets = {"topics": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.unit_id = self.instance.unit_id or unit_id
        self.fields["cadre"].queryset = Cadre.objects.filter(unit_id=self.instance.unit_id).order_by("name")
        self.fields["cadre"].help_text = _("A cadre of the roster; leave empty for an outside lecturer.")
        self.fields["topics"].queryset = TopicModule.objects.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == LecturerKind.OUTSIDE and data.get("cadre"):
            self.add_error("cadre", _("An outside lecturer is not a cadre of the roster: write the name instead."))
        return data


class CalendarDayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]
        widgets = {"date": DATE_INPUT}


class CalendarYearForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    complete = forms.BooleanField(label=_("table complete"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=200)
