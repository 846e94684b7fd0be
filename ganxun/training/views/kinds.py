"""Activity kinds and topic modules: the reference lists admins keep.  Taken out of use, never deleted."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import ServiceFormMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin

from ..forms import KindForm, TopicForm
from ..models import ActivityKind, Classroom, TopicModule
from ..services import kind_create, kind_update, topic_create, topic_update


@require_GET
def kind_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    kinds = ActivityKind.objects.annotate(activity_count=Count("activities")).order_by(
        "classroom", "-is_active", "sort_order", "name"
    )
    groups = [(label, [k for k in kinds if k.classroom == value]) for value, label in Classroom.choices]
    return render(request, "training/kind_list.html", {"groups": groups})


class NamedFormMixin(ServiceFormMixin):
    """The name as saved, for the title, even after a failed edit."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        object_ = getattr(self, "object", None)
        if object_ is not None and object_.pk:
            kwargs["original_name"] = type(object_).objects.values_list("name", flat=True).get(pk=object_.pk)
        return super().get_context_data(**kwargs)  # type: ignore[misc]


class KindCreateView(NamedFormMixin, CreateView):
    model = ActivityKind
    form_class = KindForm
    template_name = "training/kind_form.html"
    success_message = _("Activity kind “%(name)s” was created.")

    def save(self, form: KindForm) -> ActivityKind:
        return kind_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("training:kind_list")


class KindUpdateView(EditConflictMixin, NamedFormMixin, UpdateView):
    model = ActivityKind
    form_class = KindForm
    template_name = "training/kind_form.html"
    success_message = _("Activity kind “%(name)s” was saved.")

    def save(self, form: KindForm) -> ActivityKind:
        return kind_update(actor=self.request.user, kind=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("training:kind_list")


@require_GET
def topic_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    topics = TopicModule.objects.annotate(activity_count=Count("activities")).order_by(
        "-is_active", "sort_order", "name"
    )
    return render(request, "training/topic_list.html", {"topics": topics})


class TopicCreateView(NamedFormMixin, CreateView):
    model = TopicModule
    form_class = TopicForm
    template_name = "training/topic_form.html"
    success_message = _("Topic module “%(name)s” was created.")

    def save(self, form: TopicForm) -> TopicModule:
        return topic_create(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("training:topic_list")


class TopicUpdateView(EditConflictMixin, NamedFormMixin, UpdateView):
    model = TopicModule
    form_class = TopicForm
    template_name = "training/topic_form.html"
    success_message = _("Topic module “%(name)s” was saved.")

    def save(self, form: TopicForm) -> TopicModule:
        return topic_update(actor=self.request.user, topic=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("training:topic_list")
