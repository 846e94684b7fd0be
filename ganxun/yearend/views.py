"""The year-end report's pages: the drafts a user may open and the choice of unit and year, a draft with its figures
(each linked to the records it counts), a paragraph's inline edit, regenerating the figures, the Word document.

Administrators of the unit write; 领导干部 read; 科室负责人 and cadres are refused (403) before anything is looked up.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import UpdateView

from ganxun.core.access import require_admin
from ganxun.core.concurrency import EditConflictMixin
from ganxun.roster.models import Unit
from ganxun.study.models import is_leader

from . import services
from .forms import DraftChoiceForm, ParagraphForm
from .models import Draft, Paragraph
from .prose import breakdown, fill_html, placeholders, rows, shown
from .word import report_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def require_reader(user) -> None:
    """Administrators and 领导干部."""
    if not (user.is_authenticated and user.is_active and (user.is_admin or is_leader(user))):
        raise PermissionDenied


def _choice_form(request: HttpRequest, data=None) -> DraftChoiceForm:
    units = Unit.objects.visible_to(request.user).filter(is_active=True)
    initial = {"unit": request.user.unit_scope, "year": timezone.localdate().year}
    return DraftChoiceForm(data, units=units, initial=initial)


def _list(request: HttpRequest, form: DraftChoiceForm | None, status: int = 200) -> HttpResponse:
    drafts = Draft.objects.visible_to(request.user).select_related("unit")
    return render(request, "yearend/draft_list.html", {"drafts": drafts, "form": form}, status=status)


@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    require_reader(request.user)
    return _list(request, _choice_form(request) if request.user.is_admin else None)


@require_POST
def draft_create(request: HttpRequest) -> HttpResponse:
    """Open the unit's draft for the year, writing it with the default prose if there is none."""
    require_admin(request.user)
    form = _choice_form(request, request.POST)
    if form.is_valid():
        try:
            draft = services.draft_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("year", error)
        else:
            return redirect("yearend:draft_detail", draft.pk)
    return _list(request, form, status=400)


def _draft(request: HttpRequest, pk: int) -> Draft:
    return get_object_or_404(Draft.objects.visible_to(request.user).select_related("unit"), pk=pk)


def _shown_paragraphs(draft: Draft) -> list[Paragraph]:
    paragraphs = list(draft.paragraphs.all())
    for paragraph in paragraphs:
        paragraph.html = fill_html(paragraph.text, draft.figures)
    return paragraphs


@require_GET
def draft_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    draft = _draft(request, pk)
    paragraphs = _shown_paragraphs(draft)
    used = {key for p in paragraphs for key in placeholders(p.text)}
    figures = [
        (row, breakdown(row.value, row.unit) if isinstance(row.value, dict) else f"{shown(row.value)}{row.unit}")
        for row in rows(draft.figures)
    ]
    context = {
        "draft": draft,
        "paragraphs": paragraphs,
        "figures": figures,
        "unused": [row for row, _value in figures if row.key not in used],
        "may_edit": request.user.is_admin,
    }
    return render(request, "yearend/draft_detail.html", context)


@require_POST
def draft_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    draft = _draft(request, pk)
    services.draft_regenerate(actor=request.user, draft=draft)
    messages.success(request, _("The figures were computed again from the records; the text was kept."))
    return redirect("yearend:draft_detail", draft.pk)


@require_GET
def draft_word(request: HttpRequest, pk: int) -> HttpResponse:
    require_reader(request.user)
    draft = _draft(request, pk)
    content = report_docx(
        unit_name=draft.unit.name,
        year=draft.year,
        paragraphs=[(p.kind, p.text) for p in draft.paragraphs.all()],
        figures=draft.figures,
        computed_at=draft.computed_at,
    )
    response = HttpResponse(content, content_type=DOCX)
    filename = f"{draft.unit.code}_{draft.year}_yearend.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _ParagraphSave:
    """The save behind the version check: the audited service, then the paragraph (htmx) or the draft's page."""

    request: HttpRequest
    object: Paragraph

    def form_valid(self, form) -> HttpResponse:
        try:
            paragraph = services.paragraph_update(
                actor=self.request.user, paragraph=self.object, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error("text", error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        if self.request.htmx:
            paragraph.html = fill_html(paragraph.text, paragraph.draft.figures)
            return render(
                self.request,
                "yearend/_paragraph.html",
                {"paragraph": paragraph, "draft": paragraph.draft, "may_edit": True},
            )
        messages.success(self.request, _("The paragraph was saved."))
        return HttpResponseRedirect(f"{reverse('yearend:draft_detail', args=[paragraph.draft_id])}#p-{paragraph.pk}")


class ParagraphUpdateView(EditConflictMixin, _ParagraphSave, UpdateView):
    """A paragraph's prose: inline (htmx swaps the paragraph for the form and back) or as a page of its own."""

    model = Paragraph
    form_class = ParagraphForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Paragraph.objects.filter(draft__in=Draft.objects.visible_to(self.request.user)).select_related(
            "draft__unit"
        )

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["yearend/_paragraph_form.html"]
        return ["yearend/paragraph_form.html"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            draft=self.object.draft,
            paragraph=self.object,
            known=[(row.key, row.label) for row in rows(self.object.draft.figures)],
        )
        return context

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        if self.request.htmx and response.status_code in (400, 409):
            response.status_code = 200  # htmx swaps only a 2xx: the form comes back in place with its notice
        return response

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)
