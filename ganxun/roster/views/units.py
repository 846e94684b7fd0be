"""Units (单位): the tree, for administrators; each edits the units below the one their role is held in."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import require_admin
from ganxun.core.concurrency import EditConflictMixin

from ..forms import UnitForm
from ..models import Status, Unit
from ..services import unit_create, unit_update
from .sections import ServiceFormMixin


def tree_order(units: list[Unit]) -> list[Unit]:
    """The units depth-first, each unit's children by sort order and name; ``indent`` is the depth below the
    topmost unit shown (an admin's own unit is their tree's top)."""
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {unit.pk for unit in units}
    for unit in units:
        by_parent.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
    ordered: list[Unit] = []

    def visit(parent: int | None, level: int) -> None:
        for unit in sorted(by_parent.get(parent, []), key=lambda u: (u.sort_order, u.name)):
            unit.indent = level
            ordered.append(unit)
            visit(unit.pk, level + 1)

    visit(None, 0)
    return ordered


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """The units the admin's role reaches, as a tree, with their 科室 and cadres in post."""
    require_admin(request.user)
    units = (
        Unit.objects.visible_to(request.user)
        .annotate(
            section_count=Count("sections", distinct=True),
            cadre_count=Count("cadres", filter=Q(cadres__status=Status.ACTIVE), distinct=True),
        )
        .select_related("parent")
    )
    editable = set(Unit.objects.editable_by(request.user).values_list("pk", flat=True))
    rows = tree_order(list(units))
    for unit in rows:
        unit.can_edit = unit.pk in editable
    return render(request, "roster/unit_list.html", {"units": rows})


class UnitFormMixin(ServiceFormMixin):
    model = Unit
    form_class = UnitForm
    template_name = "roster/unit_form.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_success_url(self) -> str:
        return reverse("roster:unit_list")


class UnitCreateView(UnitFormMixin, CreateView):
    success_message = _("Unit “%(name)s” was created.")

    def get_initial(self) -> dict[str, Any]:
        return {**super().get_initial(), "parent": self.request.user.unit_scope}

    def save(self, form: UnitForm) -> Unit:
        return unit_create(actor=self.request.user, **form.cleaned_data)


class UnitUpdateView(EditConflictMixin, UnitFormMixin, UpdateView):
    success_message = _("Unit “%(name)s” was saved.")

    def get_queryset(self):
        return Unit.objects.editable_by(self.request.user)

    def save(self, form: UnitForm) -> Unit:
        return unit_update(actor=self.request.user, unit=self.object, **form.cleaned_data)
