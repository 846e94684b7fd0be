"""The study record's forms: a piece of self-study, the year's plan and its topics, and the lists' filter bar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, DateInput, FilterFormMixin

from .models import PlanTopic, SelfStudy, StudyPlan
from .services import leaders_for

# An attachment of a self-study: notes, a scan of the book's page, a photo.
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "txt", "jpg", "jpeg", "png", "xls", "xlsx", "ppt", "pptx")


class SelfStudyForm(BootstrapFormMixin, forms.ModelForm):
    """An administrator picks the leader; a leader enters their own (no choice).  The attachment is a new upload
    (or removing the one kept), not the stored file itself: a file is no value two people can edit over."""

    new_attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("Notes, a scan or a photo; replaces the one kept.")
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attachment"), required=False, initial=False)

    class Meta:
        model = SelfStudy
        fields = [
            "cadre",
            "start_date",
            "end_date",
            "material",
            "title",
            "author",
            "pages",
            "hours",
            "notes",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_attachment"].validators.append(_attachment_check)
        if not self.instance.attachment:
            del self.fields["remove_attachment"]
        if self.instance.pk or not user.is_admin:
            del self.fields["cadre"]  # the record's leader does not change; a leader enters their own
        else:
            self.fields["cadre"].queryset = leaders_for(user).select_related("section").order_by("name")
            self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.post or c.section.name}）"

    def fields_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("cadre", None)
        upload, remove = data.pop("new_attachment", None), data.pop("remove_attachment", False)
        data["attachment"] = upload if upload else (False if remove else None)
        return data


def _attachment_check(upload) -> None:
    if upload is None or not hasattr(upload, "size"):
        return
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(_("The attachment may be at most 20 MB."))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        raise forms.ValidationError(
            _("Attach a file of one of these kinds: %(kinds)s.") % {"kinds": "、".join(ATTACHMENT_EXTENSIONS)}
        )


class PlanForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = StudyPlan
        fields = ["title", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True  # the Word document's plan is named


class TopicForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PlanTopic
        fields = ["number", "topic", "month", "lead", "note"]

    def __init__(self, *args: Any, plan: StudyPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if not self.instance.pk and not self.initial.get("number"):
            numbers = [t.number for t in plan.topics.all()]
            self.initial["number"] = max(numbers, default=0) + 1

    def validate_unique(self) -> None:
        self.instance.plan = self.plan
        super().validate_unique()


def year_choices() -> list[tuple[str, str]]:
    this = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this + 1, this - 10, -1)]


class SelfStudyFilterForm(FilterFormMixin, BootstrapFormMixin, forms.Form):
    year = forms.ChoiceField(label=_("Year"), required=False)
    cadre = forms.ChoiceField(label=_("Leader"), required=False)

    def __init__(self, *args: Any, leaders, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *year_choices()]
        self.fields["cadre"].choices = [("", _("All leaders")), *((str(c.pk), c.name) for c in leaders)]
