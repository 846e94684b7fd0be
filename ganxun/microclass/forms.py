"""The 微课堂's forms: a course, a lesson (its file within the upload limit), an internal lecturer's recording."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.excel import size_message
from ganxun.core.forms import BootstrapFormMixin
from ganxun.training.models import Activity, Session

from .models import DOCUMENT_TYPES, VIDEO_TYPES, Course, Lesson, lesson_kind_of

ACCEPT = ",".join(DOCUMENT_TYPES + VIDEO_TYPES)


def lesson_max_bytes() -> int:
    """The largest lesson file accepted (a video of a lecture is large): MICROCLASS_UPLOAD_MAX_BYTES, 500 MB."""
    return int(getattr(settings, "MICROCLASS_UPLOAD_MAX_BYTES", 500 * 1024 * 1024))


class CourseForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "description", "completion_percent", "published", "open_to_lecturers"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


def _clean_lesson_file(form: forms.BaseForm, required: bool):
    upload = form.cleaned_data.get("upload")
    if not upload or upload is False:
        if required:
            raise forms.ValidationError(_("Choose the lesson's file."))
        return None
    if not hasattr(upload, "size"):  # the stored file, unchanged
        return None
    limit = lesson_max_bytes()
    if upload.size > limit:
        raise forms.ValidationError(size_message(upload.size, limit))
    if lesson_kind_of(upload.name) is None:
        raise forms.ValidationError(_("Upload a PDF document or a video (MP4, WebM, Ogg, MOV)."))
    return upload


class LessonForm(BootstrapFormMixin, forms.ModelForm):
    """A lesson's file (a new one replaces the old when editing), its length and its share to complete."""

    # Not named after the model's field: the stored file is no value the form shows or compares (edit conflicts).
    upload = forms.FileField(label=_("file"), required=False)

    field_order = ["title", "upload", "length_seconds", "completion_percent", "sort_order", "session"]

    class Meta:
        model = Lesson
        fields = ["title", "length_seconds", "completion_percent", "sort_order", "session"]

    def __init__(self, *args: Any, user=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["upload"].widget = forms.FileInput(attrs={"accept": ACCEPT, "class": "form-control"})
        self.fields["upload"].required = self.instance.pk is None
        self.fields["upload"].help_text = _("A PDF, or a video the browser plays (MP4, WebM); at most %(mb)s MB.") % {
            "mb": lesson_max_bytes() // 1048576
        }
        self.fields["length_seconds"].widget.attrs["data-length"] = "1"
        self.fields["sort_order"].required = False
        if self.instance.pk is None:
            self.initial["sort_order"] = None  # not the model's 0: empty places it after the last lesson
        self.fields["sort_order"].help_text = _("Empty: after the last lesson.")
        session = self.fields["session"]
        activities = Activity.objects.editable_by(user) if user is not None else Activity.objects.none()
        since = timezone.localdate().replace(year=timezone.localdate().year - 1)
        session.queryset = (
            Session.objects.filter(activity__in=activities, date__gte=since)
            .select_related("activity")
            .order_by("-date", "-start_time")
        )
        session.label_from_instance = lambda s: f"{s.date:%Y-%m-%d} {s.activity.title}"
        session.help_text = _("The lecture (e.g. a 月末讲坛) this lesson is the recording of, if any.")

    def clean_upload(self):
        return _clean_lesson_file(self, required=self.instance.pk is None)


class RecordingForm(BootstrapFormMixin, forms.Form):
    """An internal lecturer's recording of a lecture they gave, published as a lesson."""

    session = forms.ModelChoiceField(label=_("lecture"), queryset=Session.objects.none())
    course = forms.ModelChoiceField(label=_("course"), queryset=Course.objects.none())
    title = forms.CharField(label=_("title"), max_length=200)
    upload = forms.FileField(label=_("file"))
    length_seconds = forms.IntegerField(label=_("length (seconds)"), min_value=1, max_value=4 * 3600)

    def __init__(self, *args: Any, sessions=None, courses=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions if sessions is not None else Session.objects.none()
        self.fields["session"].label_from_instance = lambda s: f"{s.date:%Y-%m-%d} {s.activity.title}"
        self.fields["course"].queryset = courses if courses is not None else Course.objects.none()
        self.fields["upload"].widget.attrs["accept"] = ACCEPT
        self.fields["length_seconds"].widget.attrs["data-length"] = "1"

    def clean_upload(self):
        return _clean_lesson_file(self, required=True)
