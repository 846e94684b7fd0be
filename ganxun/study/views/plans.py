"""The year's plan of 中心组 topics: the administrators' pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import require_admin
from ganxun.core.concurrency import EditConflictMixin

from .. import services
from ..forms import PlanForm, TopicForm
from ..models import PlanTopic, StudyPlan
from .common import checked_year, unit_of


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, year: int) -> HttpResponse:
    """Start the year's plan of the unit shown (an existing one is edited instead)."""
    require_admin(request.user)
    unit = unit_of(request)
    checked_year(year)
    existing = StudyPlan.objects.editable_by(request.user).filter(unit=unit, year=year).first()
    if existing is not None:
        return redirect("study:plan_update", existing.pk)
    form = PlanForm(
        request.POST or None,
        initial={"title": f"{year}年理论学习中心组学习计划"},
        instance=StudyPlan(unit=unit, year=year),
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, unit=unit, year=year, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The study plan was saved; add its topics."))
            return redirect("study:topic_create", plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "study/plan_form.html", {"form": form, "year": year, "unit": unit}, status=status)


class AdminFormMixin:
    request: HttpRequest
    object: Any

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def form_valid(self, form) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, self.success_message)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.get_success_url())  # type: ignore[attr-defined]


def _archive_url(plan: StudyPlan) -> str:
    return f"{reverse('study:archive', args=[plan.year])}?unit={plan.unit_id}"


class PlanUpdateView(EditConflictMixin, AdminFormMixin, UpdateView):
    model = StudyPlan
    form_class = PlanForm
    template_name = "study/plan_form.html"
    success_message = gettext_lazy("The study plan was saved.")

    def get_queryset(self):
        return StudyPlan.objects.editable_by(self.request.user).select_related("unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(year=self.object.year, unit=self.object.unit, topics=self.object.topics.all())
        return context

    def save(self, form: PlanForm) -> StudyPlan:
        return services.plan_update(actor=self.request.user, plan=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _archive_url(self.object)


class TopicCreateView(AdminFormMixin, CreateView):
    model = PlanTopic
    form_class = TopicForm
    template_name = "study/topic_form.html"
    success_message = gettext_lazy("The topic was added.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        self.plan = get_object_or_404(
            StudyPlan.objects.editable_by(request.user).select_related("unit"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "plan": self.plan}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plan=self.plan, topics=self.plan.topics.all(), **kwargs)

    def save(self, form: TopicForm) -> PlanTopic:
        return services.topic_create(actor=self.request.user, plan=self.plan, **form.cleaned_data)

    def get_success_url(self) -> str:
        if "another" in self.request.POST:
            return reverse("study:topic_create", args=[self.plan.pk])
        return _archive_url(self.plan)


class TopicUpdateView(EditConflictMixin, AdminFormMixin, UpdateView):
    model = PlanTopic
    form_class = TopicForm
    template_name = "study/topic_form.html"
    success_message = gettext_lazy("The topic was saved.")

    def get_queryset(self):
        plans = StudyPlan.objects.editable_by(self.request.user)
        return PlanTopic.objects.filter(plan__in=plans).select_related("plan__unit")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "plan": self.object.plan}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(plan=self.object.plan, **kwargs)

    def save(self, form: TopicForm) -> PlanTopic:
        return services.topic_update(actor=self.request.user, plan_topic=self.object, **form.cleaned_data)

    def get_success_url(self) -> str:
        return _archive_url(self.object.plan)


@require_POST
def topic_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    plans = StudyPlan.objects.editable_by(request.user)
    topic = get_object_or_404(PlanTopic.objects.filter(plan__in=plans).select_related("plan"), pk=pk)
    services.topic_delete(actor=request.user, plan_topic=topic)
    messages.success(request, _("The topic was deleted."))
    return redirect(_archive_url(topic.plan))
