"""The forms of the practice pages: each record's entry and edit form, the merge of two places, leaving a team,
and evidence.  The forms only read and check the input; the views write through ``practice.services``.

The cadre a record is about is chosen among those the user may enter records for (``Cadre.objects.editable_by``:
an administrator their units' cadres, a 科室负责人 their 科室's), so a record of someone else cannot be entered.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, DateInput
from ganxun.roster.models import Cadre, Unit

from ..models import (
    PARENT_KINDS,
    Campaign,
    CommunityReport,
    Evidence,
    Place,
    PlaceKind,
    Secondment,
    Stint,
    Team,
    TeamMembership,
    Visit,
)

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx", ".xls", ".xlsx")


class CadreChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cadre: Cadre) -> str:
        return f"{cadre.name}（{cadre.section.name}）" if cadre.section_id else cadre.name


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place: Place) -> str:
        return f"{place.full_name}（{place.get_kind_display()}）"


def _places(kinds=None):
    places = Place.objects.live().select_related("parent__parent")
    return places.filter(kind__in=kinds) if kinds is not None else places


class UserFormMixin(BootstrapFormMixin):
    """The forms that offer only what the user may choose take ``user``."""

    def __init__(self, *args: Any, user=None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)


class CadreRecordForm(UserFormMixin, forms.ModelForm):
    """The cadre among those the user may enter records for; on an existing record the cadre stays."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        field.queryset = (
            Cadre.objects.editable_by(self.user).select_related("section").order_by("section__sort_order", "name")
        )
        if self.instance.pk:
            field.disabled = True
            field.queryset = Cadre.objects.filter(pk=self.instance.cadre_id).select_related("section")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot come before the start date."))
        return data


class PlaceForm(BootstrapFormMixin, forms.ModelForm):
    parent = PlaceChoiceField(label=_("part of"), queryset=Place.objects.none(), required=False)

    class Meta:
        model = Place
        fields = ["name", "kind", "parent", "note"]
        help_texts = {"parent": _("A 小区 under its 居委, a 居委 under its 街道, where known.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = _places({PlaceKind.STREET, PlaceKind.COMMITTEE})
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, parent = data.get("kind"), data.get("parent")
        if kind and parent is not None and parent.kind not in PARENT_KINDS.get(kind, frozenset()):
            self.add_error(
                "parent",
                _("A %(kind)s cannot be part of a %(parent)s.")
                % {"kind": PlaceKind(kind).label, "parent": parent.get_kind_display()},
            )
        return data


class PlaceMergeForm(BootstrapFormMixin, forms.Form):
    """Two places that are one: which other place, and which of the two is kept."""

    KEEP_THIS, KEEP_OTHER = "this", "other"

    other = PlaceChoiceField(label=_("The same place as"), queryset=Place.objects.none())
    keep = forms.ChoiceField(
        label=_("Keep"),
        choices=[(KEEP_THIS, _("This place")), (KEEP_OTHER, _("The other place"))],
        widget=forms.RadioSelect,
        initial=KEEP_OTHER,
    )

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        self.fields["other"].queryset = _places({place.kind}).exclude(pk=place.pk)  # only the same kind merges

    def kept_and_merged(self) -> tuple[Place, Place]:
        other = self.cleaned_data["other"]
        if self.cleaned_data["keep"] == self.KEEP_THIS:
            return self.place, other
        return other, self.place


class CampaignForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "unit", "start_date", "end_date", "description"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(self.user).order_by("path")
        if not self.instance.pk and self.user is not None and self.user.unit_scope is not None:
            self.fields["unit"].initial = self.user.unit_scope.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot come before the start date."))
        return data


class StintForm(CadreRecordForm):
    cadre = CadreChoiceField(label=_("cadre"), queryset=Cadre.objects.none())
    place = PlaceChoiceField(label=_("place"), queryset=Place.objects.none())

    class Meta:
        model = Stint
        fields = ["cadre", "place", "role", "task", "start_date", "end_date", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = _places()


class CommunityReportForm(CadreRecordForm):
    cadre = CadreChoiceField(
        label=_("cadre"),
        queryset=Cadre.objects.none(),
        help_text=_("Only a party member (or probationary member) on the date can report."),
    )
    place = PlaceChoiceField(label=_("residents' committee"), queryset=Place.objects.none())

    class Meta:
        model = CommunityReport
        fields = ["cadre", "place", "date", "service", "party_branch", "note"]
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = _places({PlaceKind.COMMITTEE})


class TeamForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "unit", "formed_on", "dissolved_on", "description"]
        widgets = {
            "formed_on": DateInput(),
            "dissolved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(self.user).order_by("path")
        if not self.instance.pk and self.user is not None and self.user.unit_scope is not None:
            self.fields["unit"].initial = self.user.unit_scope.pk

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("formed_on"), data.get("dissolved_on")
        if start and end and end < start:
            self.add_error("dissolved_on", _("A team cannot be dissolved before it is formed."))
        return data


class TeamMembershipForm(CadreRecordForm):
    cadre = CadreChoiceField(label=_("cadre"), queryset=Cadre.objects.none())

    class Meta:
        model = TeamMembership
        fields = ["cadre", "role", "joined_on", "left_on", "note"]
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}
        help_texts = {"left_on": _("The first day no longer in the team; empty while still a member.")}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left <= joined:
            self.add_error("left_on", _("The leaving date must come after the joining date."))
        return data


class LeaveForm(BootstrapFormMixin, forms.Form):
    left_on = forms.DateField(
        label=_("left on"),
        widget=DateInput(),
        help_text=_("The first day no longer in the team."),
    )

    def __init__(self, *args: Any, membership: TeamMembership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_left_on(self):
        day = self.cleaned_data["left_on"]
        if day <= self.membership.joined_on:
            raise forms.ValidationError(_("The leaving date must come after the joining date."))
        return day


class SecondmentForm(CadreRecordForm):
    cadre = CadreChoiceField(label=_("cadre"), queryset=Cadre.objects.none())
    place = PlaceChoiceField(label=_("place"), queryset=Place.objects.none(), required=False)

    class Meta:
        model = Secondment
        fields = [
            "cadre",
            "kind",
            "region",
            "place",
            "host_unit",
            "post",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "note",
        ]
        widgets = {name: DateInput() for name in ("planned_start", "planned_end", "actual_start", "actual_end")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = _places({PlaceKind.AID_SITE, PlaceKind.OTHER})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("planned_start") and data.get("planned_end") and data["planned_end"] < data["planned_start"]:
            self.add_error("planned_end", _("The planned end cannot come before the planned start."))
        if data.get("actual_end") and not data.get("actual_start"):
            self.add_error("actual_start", _("The actual end needs an actual start and cannot come before it."))
        elif data.get("actual_end") and data["actual_end"] < data["actual_start"]:
            self.add_error("actual_end", _("The actual end needs an actual start and cannot come before it."))
        return data


class VisitForm(CadreRecordForm):
    cadre = CadreChoiceField(label=_("cadre"), queryset=Cadre.objects.none())
    place = PlaceChoiceField(label=_("place"), queryset=Place.objects.none(), required=False)

    class Meta:
        model = Visit
        fields = ["cadre", "kind", "place", "destination", "start_date", "end_date", "task", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {"destination": _("When the place is not in the register.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = _places()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("place") and not (data.get("destination") or "").strip():
            self.add_error("destination", _("Choose a place or write the destination."))
        return data


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("file"), required=False)
    note = forms.CharField(label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(EVIDENCE_TYPES)
        self.fields["file"].help_text = _("PDF, image, Word or Excel, at most 10 MB.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            if upload.size > EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 10 MB."))
            if not upload.name.lower().endswith(EVIDENCE_TYPES):
                raise forms.ValidationError(_("Upload a PDF, an image, a Word or an Excel file."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("file") and not (data.get("note") or "").strip():
            raise forms.ValidationError(Evidence._meta.constraints[0].violation_error_message)
        return data
