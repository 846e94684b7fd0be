"""Forms of the roster pages.  They validate and show errors; the writes go through roster.services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin, DateInput, FilterFormMixin, ModelMultipleChoiceField

from .filters import ALL_STATUSES
from .history import effective_error
from .idcard import normalize
from .models import Cadre, DerivedGroup, PoliticalStatus, Section, Status, Tag, Tier, Unit, home_unit_id
from .services import CADRE_FIELDS

_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９－＋", "0123456789-+")


DATE_FIELDS = ("birth_date", "work_start_date", "hire_date", "probation_end", "rank_date")


class CadreForm(BootstrapFormMixin, forms.ModelForm):
    """Create or edit a cadre.  What a user may change depends on who they are (see __init__)."""

    # The groups the page shows the fields in.
    FIELDSETS = (
        (_("Personal details"), ("name", "gender", "birth_date", "id_number", "id_number_masked", "phone")),
        (_("Post and rank"), ("section", "post", "rank", "leadership_level", "rank_date", "effective", "change_note")),
        (_("Political status"), ("political_status", "democratic_party", "party_branch")),
        (_("Employment"), ("work_start_date", "hire_date", "probation_end")),
        (_("Tags"), ("tags",)),
    )

    class Meta:
        model = Cadre
        fields = [*CADRE_FIELDS, "tags"]
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS},
            "tags": forms.CheckboxSelectMultiple,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18, "spellcheck": "false"}),
        }
        help_texts = {
            "probation_end": _("Left empty, it is set to one year after the hire date."),
            "leadership_level": _("Only for cadres holding a leadership post."),
            "party_branch": _("For party members: the branch they belong to."),
            "democratic_party": _("For a democratic party member: which party."),
        }
        error_messages = {
            "id_number": {"unique": _("A cadre with this ID number is already on the roster.")},
        }
        field_classes = {"tags": ModelMultipleChoiceField}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        sections = Section.objects.editable_by(user)
        current = self.instance.section_id if editing else None
        self.fields["section"].queryset = sections.filter(Q(is_active=True) | Q(pk=current)).order_by(
            "sort_order", "name"
        )
        self.fields["tags"].queryset = Tag.objects.order_by("name")
        self.fields["tags"].required = False

        for name in ("rank", "leadership_level", "democratic_party"):
            self.fields[name].choices = [("", _("None")), *self.fields[name].choices[1:]]
        if not user.is_admin:
            # A section head works inside their own 科室 and cannot move anyone out of it.
            self.fields["section"].disabled = True
            self.fields["section"].help_text = _("Only an administrator can move a cadre to another section.")
            if not editing:
                self.initial["section"] = user.section_id_scope
        if editing:
            self._mask_personal_data(user)
            self.fields["effective"] = EffectiveDateField(
                help_text=_("When a change of section, post, rank or leadership level takes effect (default today).")
            )
            self.fields["change_note"] = forms.CharField(
                label=_("Reason for the change"),
                required=False,
                max_length=200,
                help_text=_("Kept in the history of service, e.g. promoted, transferred in."),
            )
            for name in ("effective", "change_note"):  # added after the mixin styled the others
                self.fields[name].widget.attrs["class"] = "form-control"

    def _mask_personal_data(self, user) -> None:
        """The ID number and phone are never put in the page in full (显示完整 on the cadre's page shows them,
        audited): a new value typed replaces them, an empty field keeps them.  Only an administrator may change
        the ID number; below, it is shown masked and cannot be changed."""
        masked_help = _("Shown masked. Type a new one to replace it; leave empty to keep it.")
        if user.is_admin:
            self.initial["id_number"] = ""
            self.fields["id_number"].required = False
            self.fields["id_number"].widget.attrs["placeholder"] = self.instance.id_number_masked
            self.fields["id_number"].help_text = masked_help
        else:
            del self.fields["id_number"]
            self.fields["id_number_masked"] = forms.CharField(
                label=_("ID number"),
                required=False,
                disabled=True,
                initial=self.instance.id_number_masked,
                help_text=_("Only an administrator can change the ID number."),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.initial["phone"] = ""
        self.fields["phone"].widget.attrs["placeholder"] = self.instance.phone_masked
        self.fields["phone"].help_text = _("Leave empty to keep the current number.")

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields this user sees, in the groups the page shows them in."""
        return [(title, [self[name] for name in names if name in self.fields]) for title, names in self.FIELDSETS]

    def clean_id_number(self) -> str:
        number = normalize(self.cleaned_data.get("id_number") or "")
        if not number and self.instance.pk:
            return self.instance.id_number  # shown masked: empty means unchanged
        if not number:
            raise forms.ValidationError(self.fields["id_number"].error_messages["required"], code="required")
        return number

    def add_error(self, field: str | None, error: Any) -> None:
        """Below administrators, an ID number already on the roster (maybe in another 科室) is not named as such.

        Every error reaches the form through here (the form's own check, the service's full_clean), so a
        section head can neither create nor edit their way to learning whether a number exists elsewhere.
        """
        if not self.user.is_admin:
            field, error = self._without_existing_id_number(field, error)
        super().add_error(field, error)

    def _without_existing_id_number(self, field: str | None, error: Any) -> tuple[str | None, Any]:
        error = error if isinstance(error, forms.ValidationError) else forms.ValidationError(error)
        by_field = error.error_dict if hasattr(error, "error_dict") else {field or NON_FIELD_ERRORS: error.error_list}
        taken = [e for e in by_field.get("id_number", []) if e.code == "unique"]
        if not taken:
            return field, error
        kept = {name: [e for e in errors if e not in taken] for name, errors in by_field.items()}
        kept = {name: errors for name, errors in kept.items() if errors}
        refusal = (
            _("These changes cannot be saved. Please contact the training administrator.")
            if self.instance.pk
            else _("This cadre cannot be added. Please contact the training administrator.")
        )
        kept.setdefault(NON_FIELD_ERRORS, []).append(forms.ValidationError(refusal, code="refused"))
        return None, forms.ValidationError(kept)

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").translate(_FULL_WIDTH_DIGITS).strip()
        if not phone and self.instance.pk:
            return self.instance.phone  # shown masked: empty means unchanged
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of digits only, e.g. 13912345678."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hired, probation_end = data.get("hire_date"), data.get("probation_end")
        if hired and probation_end and probation_end < hired:
            self.add_error("probation_end", _("The probation cannot end before the hire date."))
        if data.get("democratic_party") and data.get("political_status") != PoliticalStatus.DEMOCRATIC_PARTY:
            self.add_error("democratic_party", _("Only a member of a democratic party belongs to one."))
        born = data.get("birth_date")
        for name in ("work_start_date", "hire_date", "rank_date"):
            if born and data.get(name) and data[name] <= born:
                self.add_error(name, _("This date must be after the birth date."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """The values to pass to cadre_create / cadre_update: only what this user may set."""
        # A disabled field (a section head's 科室) holds its initial value, never what was posted.
        return {name: self.cleaned_data[name] for name in CADRE_FIELDS if name in self.fields}


class EffectiveDateField(forms.DateField):
    """生效日期: the day a dated change takes effect; today by default, never after today."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Effective date"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)
        self.initial = timezone.localdate

    def clean(self, value: Any) -> Any:
        day = super().clean(value) or timezone.localdate()
        message = effective_error(day)
        if message:
            raise forms.ValidationError(message)
        return day


class CadreStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Status.choices)
    effective = EffectiveDateField(help_text=_("The day of the transfer, retirement … (default today)."))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. transferred to the district housing office")}),
    )


class CadreFilterForm(FilterFormMixin, BootstrapFormMixin, forms.Form):
    """The filter bar of the roster list; filter_cadres does the filtering, this form only renders it."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, pinyin initials or last digits of the ID number")}
        ),
    )
    section = forms.ChoiceField(label=_("section"), required=False)
    group = forms.ChoiceField(label=_("Group"), required=False)
    tag = forms.ChoiceField(label=_("tag"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    political_status = forms.ChoiceField(label=_("political status"), required=False)
    status = forms.ChoiceField(label=_("status"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_ = [("", _("All"))]
        sections = Section.objects.visible_to(user).order_by("sort_order", "name").values_list("pk", "name")
        self.fields["section"].choices = any_ + [(str(pk), name) for pk, name in sections]
        self.fields["group"].choices = any_ + list(DerivedGroup.choices)
        self.fields["tag"].choices = any_ + [(str(pk), name) for pk, name in Tag.objects.values_list("pk", "name")]
        self.fields["tier"].choices = any_ + list(Tier.choices)
        self.fields["political_status"].choices = any_ + list(PoliticalStatus.choices)
        # No status in the query means "in post"; the whole history is one choice away.
        self.fields["status"].choices = (
            [("", Status.ACTIVE.label)]
            + [(value, label) for value, label in Status.choices if value != Status.ACTIVE]
            + [(ALL_STATUSES, _("All"))]
        )
        if not user.is_admin:
            del self.fields["section"]


class UnitForm(BootstrapFormMixin, forms.ModelForm):
    """A unit; its parent is chosen among the units the admin's role reaches (never the unit's own subtree)."""

    class Meta:
        model = Unit
        fields = ["name", "code", "kind", "parent", "sort_order", "is_active"]
        help_texts = {"sort_order": _("Smaller numbers come first in lists.")}

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Unit.objects.visible_to(user)
        if self.instance.pk:
            parents = parents.exclude(pk__in=Unit.objects.subtree(self.instance).values("pk"))
        self.fields["parent"].queryset = parents.order_by("path")
        if user.unit_scope is not None:  # held in a unit: new units go below it, never beside or above
            self.fields["parent"].required = True
        else:
            self.fields["parent"].empty_label = _("None (a top-level unit)")

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()


def section_unit_choices(user):
    """The units a 科室 may be placed in by this user: those their role reaches, in use."""
    return Unit.objects.visible_to(user).filter(is_active=True).order_by("path")


class SectionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["unit", "name", "sort_order", "is_active"]
        help_texts = {
            "sort_order": _("Smaller numbers come first in lists."),
            "is_active": _(
                "A section no longer in use is hidden from new cadres; its cadres and history stay. "
                "Sections are never deleted."
            ),
        }
        error_messages = {"name": {"unique": _("A section with this name already exists.")}}

    def __init__(self, *args: Any, user=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = section_unit_choices(user) if user is not None else Unit.objects.filter(is_active=True)
        if self.instance.pk:  # a new 科室 already holds the default unit: not a choice of its own
            units = units | Unit.objects.filter(pk=self.instance.unit_id)
        self.fields["unit"].queryset = units.distinct().order_by("path")
        if not self.instance.pk and not self.is_bound:
            own = getattr(user, "unit_scope", None)
            self.initial.setdefault("unit", own.pk if own is not None else home_unit_id())
        self.only_unit = None
        choices = list(self.fields["unit"].queryset[:2])
        if len(choices) == 1:  # a single bureau never names the unit: the one there is
            self.only_unit = choices[0]
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].required = False

    def clean_unit(self):
        return self.cleaned_data.get("unit") or self.only_unit or self.instance.unit

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        # Names are unique within the unit (cleaned before the name: it comes first).
        unit = self.cleaned_data.get("unit")
        unit_id = unit.pk if unit is not None else self.instance.unit_id
        same = Section.objects.filter(unit_id=unit_id, name=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(_("A section with this name already exists."))
        return name


class TagForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "description"]
        error_messages = {"name": {"unique": _("A tag with this name already exists.")}}

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()
