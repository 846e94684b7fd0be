from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin
from ganxun.roster.models import Unit

from . import figures as figures_module
from .models import Paragraph
from .prose import check_placeholders
from .services import FIRST_YEAR


class DraftChoiceForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=2100)

    def __init__(self, *args, units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class ParagraphForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Paragraph
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        labels = {"text": _("Text")}
        help_texts = {
            "text": _(
                "Keep the figures' placeholders such as {central_group_sessions}: each is replaced by the figure."
            )
        }

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        known = set(figures_module.SPECS) | set(self.instance.draft.figures)
        try:
            check_placeholders(text, known)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return text
