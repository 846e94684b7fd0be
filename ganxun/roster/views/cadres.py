"""The roster pages: list with search and filters, the cadre's page (future training archive), create and edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, UpdateView
from django_htmx.http import push_url

from ganxun.audit.models import Action, AuditEvent
from ganxun.audit.services import audit_record
from ganxun.core.concurrency import EditConflictMixin
from ganxun.core.lists import clean_url, list_querystring

from ..filters import filter_cadres
from ..forms import CadreFilterForm, CadreForm, CadreStatusForm
from ..hooks import cadre_parts
from ..models import Cadre, CadrePeriod, Section, Tag
from ..permissions import can_browse_roster, can_edit_cadre, can_see_full_personal_data
from ..services import cadre_create, cadre_set_status, cadre_update

PAGE_SIZE = 50
HISTORY_SIZE = 20


@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    """The roster: search, filters and paging; with HTMX only the table is sent back."""
    user = request.user
    if not can_browse_roster(user):
        raise PermissionDenied
    cadres = filter_cadres(Cadre.objects.visible_to(user), request.GET, user=user)
    cadres = cadres.select_related("section").prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    page = Paginator(cadres, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = list_querystring(request.GET)
    context = {
        "form": CadreFilterForm(request.GET, user=user),
        "page": page,
        "querystring": querystring,
        "can_create": Section.objects.editable_by(user).exists(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return push_url(render(request, "roster/cadre_list.html#table", context), clean_url(request, querystring))
    return render(request, "roster/cadre_list.html", context)


def _history(user, cadre: Cadre):
    return AuditEvent.objects.visible_to(user).filter(object_type="cadre", object_id=str(cadre.pk))[:HISTORY_SIZE]


def _periods(cadre: Cadre) -> list[CadrePeriod]:
    """The history of service, latest first, each with the last day it was in force (None: in force today)."""
    periods = list(cadre.periods.select_related("unit", "section").order_by("-valid_from"))
    for period in periods:
        period.last_day = period.valid_to - dt.timedelta(days=1) if period.valid_to else None
    return periods


def _detail_context(request: HttpRequest, cadre: Cadre, status_form: CadreStatusForm | None = None) -> dict[str, Any]:
    user = request.user
    may_edit = can_edit_cadre(user, cadre)
    if may_edit and status_form is None:
        status_form = CadreStatusForm(initial={"status": cadre.status})
    return {
        "cadre": cadre,
        "can_reveal": can_see_full_personal_data(user, cadre),
        "can_edit": may_edit,
        "status_form": status_form if may_edit else None,
        "history": _history(user, cadre) if user.is_admin else None,
        "tags": list(cadre.tags.order_by("name")),
        "periods": _periods(cadre),
        "parts": [part for function in cadre_parts for part in function(user, cadre)],  # the apps above: hooks.py
    }


@require_GET
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadre's page, printable; the ID number and phone masked for everyone until 显示完整."""
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("section"), pk=pk)
    return render(request, "roster/cadre_detail.html", _detail_context(request, cadre))


@never_cache
@require_POST
def cadre_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """显示完整: the full ID number and phone, for an administrator or the cadre themself, recorded in the audit.

    A POST because it writes the audit event.  With HTMX only the personal-data block is swapped in; without
    JavaScript the whole page comes back with the numbers shown.  Never cached.
    """
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("section"), pk=pk)
    if not can_see_full_personal_data(request.user, cadre):
        raise PermissionDenied
    audit_record(
        actor=request.user,
        action=Action.REVEAL,
        obj=cadre,
        summary=_("Full ID number and mobile phone shown"),
    )
    if request.htmx:
        return render(request, "roster/cadre_detail.html#personal", {"cadre": cadre, "revealed": True})
    return render(request, "roster/cadre_detail.html", {**_detail_context(request, cadre), "revealed": True})


@require_POST
def cadre_status(request: HttpRequest, pk: int) -> HttpResponse:
    """在职 / 调离 / 退休: by an admin or the head of the cadre's 科室; a cadre is never deleted."""
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("section"), pk=pk)
    if not can_edit_cadre(request.user, cadre):
        raise PermissionDenied
    form = CadreStatusForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, cadre, status_form=form)
        return render(request, "roster/cadre_detail.html", context, status=400)
    old = cadre.get_status_display()
    cadre_set_status(
        actor=request.user,
        cadre=cadre,
        status=form.cleaned_data["status"],
        note=form.cleaned_data["note"],
        effective=form.cleaned_data["effective"],
    )
    if old == cadre.get_status_display():
        messages.info(request, _("The status was already “%(status)s”.") % {"status": old})
    else:
        messages.success(
            request,
            _("%(name)s: status changed from “%(old)s” to “%(new)s”.")
            % {"name": cadre.name, "old": old, "new": cadre.get_status_display()},
        )
    return redirect(cadre)


class CadreFormViewMixin:
    """Shared by create and edit: the form knows the user, the service does the write."""

    model = Cadre
    form_class = CadreForm
    template_name = "roster/cadre_form.html"
    request: HttpRequest

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()  # type: ignore[misc]
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form: CadreForm) -> HttpResponse:
        try:
            self.object = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        messages.success(self.request, self.success_message % {"name": self.object.name})
        return HttpResponseRedirect(self.object.get_absolute_url())

    def save(self, form: CadreForm) -> Cadre:
        raise NotImplementedError


class CadreCreateView(CadreFormViewMixin, CreateView):
    success_message = gettext_lazy("%(name)s was added to the roster.")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not Section.objects.editable_by(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def save(self, form: CadreForm) -> Cadre:
        return cadre_create(actor=self.request.user, tags=list(form.cleaned_data["tags"]), **form.service_fields())


class CadreUpdateView(EditConflictMixin, CadreFormViewMixin, UpdateView):
    success_message = gettext_lazy("The changes to %(name)s were saved.")

    def get_queryset(self):
        return Cadre.objects.visible_to(self.request.user).select_related("section")

    def get_object(self, queryset=None) -> Cadre:
        cadre = super().get_object(queryset)
        if not can_edit_cadre(self.request.user, cadre):
            raise PermissionDenied
        self.original_name = cadre.name  # the form may overwrite cadre.name with what was typed
        return cadre

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs["original_name"] = self.original_name
        return super().get_context_data(**kwargs)

    def save(self, form: CadreForm) -> Cadre:
        return cadre_update(
            actor=self.request.user,
            cadre=self.object,
            tags=list(form.cleaned_data["tags"]),
            effective=form.cleaned_data["effective"],
            note=form.cleaned_data["change_note"],
            **form.service_fields(),
        )
