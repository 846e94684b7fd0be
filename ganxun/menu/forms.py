"""The forms of 培训菜单: a post family with its post names, a topic it needs, the activity to enrol the gap into."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ganxun.core.forms import BootstrapFormMixin
from ganxun.training.models import TopicModule

from .models import Need, PostFamily

SPLIT = re.compile(r"[、,，;；\n]+")


class PostFamilyForm(BootstrapFormMixin, forms.ModelForm):
    """A post family and, in one box, the post names it holds (separated by 、, commas or lines)."""

    posts = forms.CharField(
        label=_("posts"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The posts (职务) as the roster writes them, separated by 、 or commas, e.g. 科员、副主任科员."),
    )

    class Meta:
        model = PostFamily
        fields = ["name", "sort_order", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["posts"].initial = "、".join(
                self.instance.posts.order_by("name").values_list("name", flat=True)
            )

    def post_names(self) -> list[str]:
        return [part for part in SPLIT.split(self.cleaned_data.get("posts", "")) if part.strip()]


class NeedForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["topic", "requirement", "every_years", "note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = TopicModule.objects.filter(is_active=True)
        self.fields["every_years"].widget.attrs.update({"min": 1, "max": 10})


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        next_date = getattr(obj, "next_date", None)
        if next_date is None:
            return obj.title
        return _("%(title)s (from %(date)s, %(unit)s)") % {
            "title": obj.title,
            "date": f"{next_date.month}月{next_date.day}日",
            "unit": obj.unit.name,
        }


class EnrolForm(BootstrapFormMixin, forms.Form):
    activity = ActivityChoiceField(label=_("activity"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, activities=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
