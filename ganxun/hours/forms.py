"""Forms of the hours pages.  They validate and show errors; the writes go through hours.services."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ganxun.core.forms import BootstrapFormMixin, DateInput
from ganxun.roster.idcard import normalize
from ganxun.roster.models import Cadre, Section, Tier

from . import hooks
from .models import (
    EARLIEST_DATE,
    LATEST_DATE,
    Bucket,
    BucketCap,
    CompletionRule,
    ConversionRule,
    EntryStatus,
    HistoryRule,
    OutsideClass,
    Requirement,
)
from .queries import OFF_TRACK, STANDING_ORDER, WAITING, Standing
from .services.self_reports import Outcome, check_self_report_hours

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Extension -> how the file must begin: a photo of a certificate, or a scan as PDF.
EVIDENCE_TYPES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
SELF_REPORT_BUCKETS = (Bucket.SELF_STUDY, Bucket.ONLINE, Bucket.PRACTICE, Bucket.CENTRALISED)
MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_DATE, MAX_DATE = EARLIEST_DATE, LATEST_DATE
HALF = Decimal("0.5")


def validate_evidence(upload) -> None:
    """PDF, JPG or PNG up to 5 MB, checked by the first bytes and not only by the name."""
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; at most %(limit)s MB may be uploaded."),
            params={"size": f"{math.ceil(upload.size / 104857.6) / 10:.1f}", "limit": EVIDENCE_MAX_BYTES // 1048576},
        )
    suffix = PurePath(upload.name or "").suffix.lower()
    magics = EVIDENCE_TYPES.get(suffix)
    if magics is None:
        raise ValidationError(_("Only PDF, JPG and PNG files are accepted as evidence."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in magics):
        raise ValidationError(_("The file's content does not match its type (%(type)s)."), params={"type": suffix[1:]})


def year_field(label=None, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label or _("year"),
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={"invalid": _("Enter a year such as 2026.")},
        **kwargs,
    )


class SelfReportForm(BootstrapFormMixin, forms.Form):
    """What a cadre reports on their phone: when, how long, what kind, what, and who can vouch for it."""

    date = forms.DateField(label=_("date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("hours"),
        min_value=HALF,
        max_digits=5,
        decimal_places=1,
        help_text=_("In steps of half an hour, e.g. 2 or 2.5; one item holds at most a day's worth."),
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    bucket = forms.ChoiceField(
        label=_("category"),
        choices=[(b.value, b.label) for b in SELF_REPORT_BUCKETS],
        help_text=_("Outside classes you attended on your own count as centralised training."),
    )
    title = forms.CharField(
        label=_("What you did"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. studied the new property management regulations")}),
    )
    evidence = forms.CharField(
        label=_("evidence"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Study notes, the certificate number, the organiser …"),
    )
    witness = forms.CharField(label=_("witness"), max_length=50, help_text=_("Who can confirm it."))
    evidence_file = forms.FileField(
        label=_("evidence file"),
        required=False,
        help_text=_("Optional: a photo or scan, PDF, JPG or PNG, up to 5 MB."),
    )

    platform = forms.ChoiceField(
        label=_("online platform"),
        required=False,
        help_text=_(
            "For online training: the platform you studied on. Platforms whose exports are imported count "
            "by themselves and cannot be reported here."
        ),
    )

    def __init__(self, *args: Any, cadre=None, entry=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cadre, self.entry = cadre, entry  # whose day it is, and the report being corrected (if any)
        platforms = hooks.online_platform_choices()
        if platforms:
            self.fields["platform"].choices = [("", _("Another platform or none")), *platforms]
            self.order_fields(["date", "hours", "bucket", "platform"])
        else:
            del self.fields["platform"]
        self.fields["evidence_file"].widget.attrs["accept"] = ",".join(sorted(EVIDENCE_TYPES))
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        today = timezone.localdate()
        if date > today:
            raise ValidationError(_("The date cannot be in the future."))
        if date.year < today.year - 1:
            raise ValidationError(_("Only this year's and last year's hours can be reported."))
        return date

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if (hours / HALF) % 1:
            raise ValidationError(_("Report hours in steps of half an hour."))
        return hours

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            validate_evidence(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date, hours, bucket = data.get("date"), data.get("hours"), data.get("bucket")
        if date and hours is not None and bucket:
            try:
                check_self_report_hours(
                    cadre=self.cadre,
                    date=date,
                    hours=hours,
                    bucket=bucket,
                    exclude_pk=self.entry.pk if self.entry is not None else None,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class ReviewForm(BootstrapFormMixin, forms.Form):
    """Approve (or confirm), return for changes, or reject; a reason is needed unless approving."""

    APPROVE, RETURN, REJECT = "approve", "return", "reject"
    decision = forms.ChoiceField(
        choices=[(APPROVE, APPROVE), (RETURN, RETURN), (REJECT, REJECT)], widget=forms.HiddenInput
    )
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning or rejecting; the cadre sees it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reason = (data.get("reason") or "").strip()
        if data.get("decision") == self.REJECT and not reason:
            self.add_error("reason", _("Please give the reason for the rejection."))
        if data.get("decision") == self.RETURN and not reason:
            self.add_error("reason", _("Please say what the cadre should change."))
        return data

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE

    @property
    def returned(self) -> bool:
        return self.cleaned_data["decision"] == self.RETURN


class QueueFilterForm(BootstrapFormMixin, forms.Form):
    """The 学时审核 filter bar; a value that makes no sense is dropped, never a server error."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or what was reported")}),
    )
    section = forms.TypedChoiceField(label=_("Section"), coerce=int, empty_value=None, required=False)
    bucket = forms.ChoiceField(label=_("category"), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("hour entry", "Status"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices, not a model lookup: a value out of any range is just not one of them.
        sections = Section.objects.visible_to(user).order_by("sort_order", "name").values_list("pk", "name")
        self.fields["section"].choices = [("", _("All")), *((str(pk), name) for pk, name in sections)]
        self.fields["bucket"].choices = [("", _("All"))] + [(b.value, b.label) for b in SELF_REPORT_BUCKETS]
        self.fields["status"].choices = [(WAITING, _("Waiting for me")), *EntryStatus.choices]
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update(min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat())

    def clean_date_from(self):
        return self._sane(self.cleaned_data.get("date_from"))

    def clean_date_to(self):
        return self._sane(self.cleaned_data.get("date_to"))

    @staticmethod
    def _sane(value: dt.date | None) -> dt.date | None:
        if value is not None and not (MIN_DATE <= value <= MAX_DATE):
            raise ValidationError(
                _("Choose a date between %(first)s and %(last)s.") % {"first": MIN_DATE, "last": MAX_DATE}
            )
        return value

    def filters(self) -> dict[str, Any]:
        """The values that passed (a bad one is left out, so a stale or edited link still lists)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    @property
    def has_filters(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name != "status")


class BatchForm(forms.Form):
    """Many reports, one outcome, one reason recorded on each."""

    MAX = 200
    entries = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    outcome = forms.ChoiceField(choices=[(o.value, o.value) for o in Outcome])
    reason = forms.CharField(required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any key the database can hold is a choice; which of them the user may act on is the service's to say.
        ids = [v for v in self.data.getlist("entries") if v.isascii() and v.isdigit() and len(v) <= 18]
        self.fields["entries"].choices = [(v, v) for v in ids]

    def clean_entries(self) -> list[int]:
        entries = self.cleaned_data["entries"]
        if len(entries) > self.MAX:
            raise ValidationError(_("Choose at most %(count)s reports at a time.") % {"count": self.MAX})
        return entries

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == Outcome.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Please say what the cadre should change."))
        return data


class ConstraintOnFieldMixin:
    """A model constraint's error shown under the field it is about, not above the form."""

    constraint_field = ""

    def validate_constraints(self) -> None:
        # The rule's unit is set by the view, not typed in: its constraints are checked here all the same.
        exclude = self._get_validation_exclusions() - {"org_unit"}  # type: ignore[attr-defined]
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            for message in errors.pop(NON_FIELD_ERRORS, []):
                self.add_error(self.constraint_field or None, message)  # type: ignore[attr-defined]
            if errors:
                self._update_errors(ValidationError(errors))  # type: ignore[attr-defined]


class ConversionRuleForm(ConstraintOnFieldMixin, BootstrapFormMixin, forms.ModelForm):
    constraint_field = "unit"
    year = year_field()

    class Meta:
        model = ConversionRule
        fields = ["year", "unit", "per", "hours", "rounding", "per_item_cap"]
        help_texts = {
            "hours": _("Hours given for the quantity above, e.g. 1 for 30 online minutes."),
            "per_item_cap": _("At most this many hours for one item; empty for no cap."),
        }


class RequirementForm(ConstraintOnFieldMixin, BootstrapFormMixin, forms.ModelForm):
    constraint_field = "end_year"
    start_year = year_field(_("first year"))
    end_year = year_field(_("last year"), help_text=_("The same as the first year for a yearly requirement."))
    buckets = forms.MultipleChoiceField(
        label=_("categories that count"),
        choices=Bucket.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category counts."),
    )

    class Meta:
        model = Requirement
        fields = ["name", "tier", "start_year", "end_year", "hours", "buckets"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", _("Every cadre")), *list(self.fields["tier"].choices)[1:]]


class BucketCapForm(ConstraintOnFieldMixin, BootstrapFormMixin, forms.ModelForm):
    constraint_field = "bucket"
    year = year_field()

    class Meta:
        model = BucketCap
        fields = ["year", "bucket", "cap", "carry_over"]
        help_texts = {"cap": _("At most this many hours of the category count in the year; the rest does not.")}


class HistoryRuleForm(ConstraintOnFieldMixin, BootstrapFormMixin, forms.ModelForm):
    constraint_field = "year"
    year = year_field()

    class Meta:
        model = HistoryRule
        fields = ["year", "join_policy", "leave_policy", "promotion_makeup_years"]


class CompletionRuleForm(ConstraintOnFieldMixin, BootstrapFormMixin, forms.ModelForm):
    constraint_field = "missed_share_denominator"
    year = year_field()

    class Meta:
        model = CompletionRule
        fields = ["year", "missed_share_numerator", "missed_share_denominator"]


class RulesCopyForm(BootstrapFormMixin, forms.Form):
    from_year = year_field(_("Copy from"))
    to_year = year_field(_("Copy to"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("from_year") and data.get("from_year") == data.get("to_year"):
            self.add_error("to_year", _("Choose another year than the one copied from."))
        return data


class ComplianceFilterForm(BootstrapFormMixin, forms.Form):
    """Year, 科室, tier and standing of the compliance pages; a value that makes no sense is ignored.

    ``behind=1`` is what the pages linked to before the standing filter: it still means not on track.
    """

    year = year_field(_("year"), required=False)
    section = forms.TypedChoiceField(label=_("section"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=_("tier"), required=False, choices=[("", _("All tiers")), *Tier.choices])
    standing = forms.ChoiceField(
        label=_("standing"),
        required=False,
        choices=[
            ("", _("All standings")),
            (OFF_TRACK, _("Behind or not met")),
            *[(s, Standing(s).label) for s in STANDING_ORDER],
        ],
    )
    behind = forms.BooleanField(label=_("Not on track only"), required=False)

    def __init__(self, *args: Any, sections: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("All sections")), *[(s.pk, s.name) for s in sections]]
        if self.is_bound:
            self.is_valid()  # bad values drop out of cleaned_data one by one; the good ones still apply
        else:
            self.cleaned_data = {}

    def year_or_default(self) -> int:
        return self.cleaned_data.get("year") or timezone.localdate().year

    def chosen_section(self) -> int | None:
        return self.cleaned_data.get("section")

    def chosen_tier(self) -> str:
        return self.cleaned_data.get("tier") or ""

    def chosen_standing(self) -> str:
        return self.cleaned_data.get("standing") or (OFF_TRACK if self.cleaned_data.get("behind") else "")

    def behind_only(self) -> bool:
        return self.chosen_standing() == OFF_TRACK

    def querystring(self, **changes: Any) -> str:
        """The filters in use (the year always), with ``changes`` applied; for links and the export."""
        params = {
            "year": self.year_or_default(),
            "section": self.chosen_section(),
            "tier": self.chosen_tier(),
            "standing": self.chosen_standing(),
            **changes,
        }
        return urlencode({key: value for key, value in params.items() if value not in (None, "")})


class OutsideClassForm(ConstraintOnFieldMixin, BootstrapFormMixin, forms.ModelForm):
    constraint_field = "end_date"

    class Meta:
        model = OutsideClass
        fields = ["title", "organiser", "start_date", "end_date", "hours", "bucket", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class ParticipantsForm(BootstrapFormMixin, forms.Form):
    """Who attended: ID numbers or names, one per line, each found on the roster or named as a bad line."""

    people = forms.CharField(
        label=_("Participants"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "310110198503120012\n张晓明"}),
        help_text=_("One per line: an ID number, or a name when only one cadre has it."),
    )
    evidence = forms.CharField(
        label=_("evidence"),
        required=False,
        max_length=2000,
        help_text=_("e.g. the certificate numbers or the organiser's notice."),
    )

    def __init__(self, *args: Any, cadres, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cadres = cadres

    def clean_people(self) -> list[Cadre]:
        lines = [(n, line.strip()) for n, line in enumerate(self.cleaned_data["people"].splitlines(), 1)]
        lines = [(n, line) for n, line in lines if line]
        if len(lines) > 500:
            raise ValidationError(_("At most 500 lines at a time."))
        numbers = {normalize(line) for _n, line in lines}
        by_number = {c.id_number: c for c in self.cadres.filter(id_number__in=numbers)}
        names = [line for _n, line in lines if normalize(line) not in by_number]
        by_name: dict[str, list[Cadre]] = {}
        for cadre in self.cadres.filter(name__in=names):
            by_name.setdefault(cadre.name, []).append(cadre)
        found: dict[int, Cadre] = {}
        errors = []
        for number, line in lines:
            cadre = by_number.get(normalize(line))
            matches = [cadre] if cadre else by_name.get(line, [])
            if len(matches) == 1:
                found[matches[0].pk] = matches[0]
            elif not matches:
                errors.append(
                    ValidationError(
                        _("Line %(line)s: no cadre “%(text)s” on the roster."), params={"line": number, "text": line}
                    )
                )
            else:
                errors.append(
                    ValidationError(
                        _("Line %(line)s: %(count)s cadres are called “%(text)s”; write the ID number instead."),
                        params={"line": number, "text": line, "count": len(matches)},
                    )
                )
        if errors:
            raise ValidationError(errors)
        return list(found.values())
