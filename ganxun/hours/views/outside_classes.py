"""Outside classes (党校, 中青班 …): the list, the class with its participants, create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import CreateView, UpdateView

from ganxun.core.access import ServiceFormMixin, require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.roster.models import Cadre

from ..forms import OutsideClassForm, ParticipantsForm
from ..models import LedgerEntry, OutsideClass, Source
from ..services import (
    outside_class_add_participants,
    outside_class_create,
    outside_class_remove_participant,
    outside_class_update,
)
from ..services.outside_classes import FIELDS

PAGE_SIZE = 30


@require_GET
def outside_class_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    classes = OutsideClass.objects.order_by("-start_date", "-pk")
    page = Paginator(classes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hours/outside_class_list.html", {"page": page, "querystring": ""})


def _detail(request: HttpRequest, outside_class: OutsideClass, form: ParticipantsForm | None, status: int = 200):
    entries = (
        LedgerEntry.objects.visible_to(request.user)
        .filter(source=Source.OUTSIDE_CLASS, source_id=outside_class.pk)
        .select_related("cadre", "cadre__section")
        .order_by("cadre__section__sort_order", "cadre__name", "pk")
    )
    context = {
        "outside_class": outside_class,
        "entries": entries,
        "form": form or ParticipantsForm(cadres=Cadre.objects.none()),
    }
    return render(request, "hours/outside_class_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def outside_class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The class and who attended it; POST adds participants (each counted once)."""
    require_admin(request.user)
    outside_class = get_object_or_404(OutsideClass, pk=pk)
    if request.method == "GET":
        return _detail(request, outside_class, None)
    form = ParticipantsForm(request.POST, cadres=Cadre.objects.visible_to(request.user))
    if not form.is_valid():
        return _detail(request, outside_class, form, status=400)
    try:
        entries = outside_class_add_participants(
            actor=request.user,
            outside_class=outside_class,
            cadres=form.cleaned_data["people"],
            evidence=form.cleaned_data["evidence"],
        )
    except ValidationError as error:
        form.add_error(None, error)  # a dict error lands on its field; the class is left as it was
        return _detail(request, outside_class, form, status=400)
    messages.success(
        request, _("%(count)s participants counted for “%(title)s”.") % {"count": len(entries), "title": outside_class}
    )
    return redirect(outside_class)


@require_POST
def outside_class_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """The cadre (POST ``cadre``) did not attend: their entry is withdrawn (kept, rejected, with the reason)."""
    require_admin(request.user)
    outside_class = get_object_or_404(OutsideClass, pk=pk)
    cadre_pk = request.POST.get("cadre", "")
    if not (cadre_pk.isascii() and cadre_pk.isdigit() and len(cadre_pk) <= 18):  # a key the database can hold
        return HttpResponseBadRequest(_("Choose the cadre to remove."))
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user), pk=cadre_pk)
    try:
        outside_class_remove_participant(
            actor=request.user, outside_class=outside_class, cadre=cadre, reason=request.POST.get("reason", "")[:300]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(outside_class)
    messages.success(request, _("%(name)s no longer counts for this class.") % {"name": cadre.name})
    return redirect(outside_class)


class OutsideClassFormView(ServiceFormMixin):
    model = OutsideClass
    form_class = OutsideClassForm
    template_name = "hours/outside_class_form.html"
    success_message = gettext_lazy("Outside class “%(name)s” was saved.")

    def fields_of(self, form) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in FIELDS}

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()  # type: ignore[attr-defined]


class OutsideClassCreateView(OutsideClassFormView, CreateView):
    def save(self, form) -> OutsideClass:
        return outside_class_create(actor=self.request.user, **self.fields_of(form))


class OutsideClassUpdateView(EditConflictMixin, OutsideClassFormView, UpdateView):
    def save(self, form) -> OutsideClass:
        return outside_class_update(actor=self.request.user, outside_class=self.object, **self.fields_of(form))
