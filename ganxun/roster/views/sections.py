"""科室 and tags: lists for those who may see them, create and edit for administrators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import ServiceFormMixin as CoreServiceFormMixin
from ganxun.core.concurrency import EditConflictMixin

from ..forms import SectionForm, TagForm
from ..models import Cadre, DerivedGroup, Section, Status, Tag
from ..permissions import can_browse_roster
from ..services import section_create, section_update, tag_create, tag_update

PAGE_SIZE = 50
ACTIVE = Q(cadres__status=Status.ACTIVE)


@require_GET
def section_list(request: HttpRequest) -> HttpResponse:
    """All 科室 with their head counts for admins; a section head sees their own."""
    if not can_browse_roster(request.user):
        raise PermissionDenied
    sections = list(
        Section.objects.visible_to(request.user)
        .annotate(active_count=Count("cadres", filter=ACTIVE), total_count=Count("cadres"))
        .select_related("unit")
        .order_by("-is_active", "unit__path", "sort_order", "name")
    )
    # The unit column only when the 科室 shown belong to more than one unit (no query of its own).
    show_unit = len({section.unit_id for section in sections}) > 1
    return render(request, "roster/section_list.html", {"sections": sections, "show_unit": show_unit})


@require_GET
def section_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 科室: its figures at a glance and its cadres in post."""
    if not can_browse_roster(request.user):
        raise PermissionDenied
    section = get_object_or_404(Section.objects.visible_to(request.user), pk=pk)
    cadres = Cadre.objects.visible_to(request.user).filter(section=section).active()
    groups = [
        (DerivedGroup(g).label, g, cadres.in_group(g).count())
        for g in (DerivedGroup.SECTION_HEAD, DerivedGroup.NEW_RECRUIT, DerivedGroup.YOUNG, DerivedGroup.PARTY_MEMBER)
    ]
    rows = cadres.select_related("section").prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "section": section,
        "groups": groups,
        "page": page,
        "left_count": Cadre.objects.visible_to(request.user)
        .filter(section=section)
        .exclude(status=Status.ACTIVE)
        .count(),
    }
    return render(request, "roster/section_detail.html", context)


class ServiceFormMixin(CoreServiceFormMixin):
    """Sections and tags are the bureau's reference data: only administrators change them."""

    success_url_name = ""

    def get_success_url(self) -> str:
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The name as saved: after a failed edit the object holds what was typed in.
        object_ = getattr(self, "object", None)
        if object_ is not None and object_.pk:
            kwargs["original_name"] = type(object_).objects.values_list("name", flat=True).get(pk=object_.pk)
        return super().get_context_data(**kwargs)  # type: ignore[misc]

    def save(self, form):
        raise NotImplementedError


class SectionCreateView(ServiceFormMixin, CreateView):
    model = Section
    form_class = SectionForm
    success_message = _("Section “%(name)s” was created.")
    success_url_name = "roster:section_list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form: SectionForm) -> Section:
        return section_create(actor=self.request.user, **form.cleaned_data)


class SectionUpdateView(EditConflictMixin, ServiceFormMixin, UpdateView):
    model = Section
    form_class = SectionForm
    success_message = _("Section “%(name)s” was saved.")

    def get_queryset(self):
        return Section.objects.editable_by(self.request.user)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def save(self, form: SectionForm) -> Section:
        return section_update(actor=self.request.user, section=self.object, **form.cleaned_data)


@require_GET
def tag_list(request: HttpRequest) -> HttpResponse:
    if not request.user.is_admin:
        raise PermissionDenied
    tags = Tag.objects.annotate(active_count=Count("cadres", filter=ACTIVE)).order_by("name")
    return render(request, "roster/tag_list.html", {"tags": tags})


class TagCreateView(ServiceFormMixin, CreateView):
    model = Tag
    form_class = TagForm
    success_message = _("Tag “%(name)s” was created.")
    success_url_name = "roster:tag_list"

    def save(self, form: TagForm) -> Tag:
        return tag_create(actor=self.request.user, **form.cleaned_data)


class TagUpdateView(EditConflictMixin, ServiceFormMixin, UpdateView):
    model = Tag
    form_class = TagForm
    success_message = _("Tag “%(name)s” was saved.")
    success_url_name = "roster:tag_list"

    def save(self, form: TagForm) -> Tag:
        return tag_update(actor=self.request.user, tag=self.object, **form.cleaned_data)
