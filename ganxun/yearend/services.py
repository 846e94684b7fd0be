"""Writing the year-end report's drafts: create one with the default prose and the figures computed, edit a
paragraph's prose (its placeholders checked), regenerate the figures keeping the prose.  Every write audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from . import figures as figures_module
from .models import Draft, Paragraph
from .prose import check_placeholders, default_paragraphs, snapshot

FIRST_YEAR = 2000


def check_year(year: int) -> int:
    """A year the report can be written for: from 2000 to next year."""
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= last:
        raise ValidationError(
            _("There is no year %(year)s to report on: enter a year from %(first)s to %(last)s.")
            % {"year": year, "first": FIRST_YEAR, "last": last},
            code="year",
        )
    return year


def fresh_figures(*, year: int, unit) -> tuple[dict[str, dict], dt.datetime]:
    """The figures computed now, as a draft stores them, and the moment."""
    return snapshot(figures_module.compute(year=year, unit=unit)), timezone.now()


def _values(stored: dict[str, dict]) -> dict:
    return {key: figure.get("value") for key, figure in stored.items()}


@transaction.atomic
def draft_create(*, actor, unit, year: int) -> Draft:
    """The unit's draft for the year with the default prose and the figures computed now; an existing one is
    returned as it is."""
    check_year(year)
    existing = Draft.objects.filter(unit=unit, year=year).first()
    if existing is not None:
        return existing
    stored, computed_at = fresh_figures(year=year, unit=unit)
    try:
        with transaction.atomic():
            draft = Draft.objects.create(unit=unit, year=year, figures=stored, computed_at=computed_at)
    except IntegrityError:  # created meanwhile by someone else
        return Draft.objects.get(unit=unit, year=year)
    Paragraph.objects.bulk_create(
        Paragraph(draft=draft, position=position, kind=kind, text=text)
        for position, (kind, text) in enumerate(default_paragraphs(unit.name, year), start=1)
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=draft,
        after={"unit": unit.name, "year": year, "figures": _values(stored)},
        summary=_("Year-end report draft created"),
    )
    return draft


@transaction.atomic
def draft_regenerate(*, actor, draft: Draft) -> Draft:
    """The figures computed again from the records as they are now; the prose is kept."""
    draft = Draft.objects.select_for_update().select_related("unit").get(pk=draft.pk)
    before = _values(draft.figures)
    draft.figures, draft.computed_at = fresh_figures(year=draft.year, unit=draft.unit)
    draft.save(update_fields=["figures", "computed_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=draft,
        before={"figures": before},
        after={"figures": _values(draft.figures)},
        summary=_("Year-end report figures recomputed"),
    )
    return draft


@transaction.atomic
def paragraph_update(*, actor, paragraph: Paragraph, text: str) -> Paragraph:
    """The paragraph's prose replaced; every placeholder must name a figure."""
    text = text.strip()
    if not text:
        raise ValidationError(_("A paragraph cannot be empty."), code="required")
    paragraph = Paragraph.objects.select_for_update(of=("self",)).select_related("draft").get(pk=paragraph.pk)
    check_placeholders(text, known=set(figures_module.SPECS) | set(paragraph.draft.figures))
    before = paragraph.text
    if text == before:
        return paragraph
    paragraph.text = text
    paragraph.save(update_fields=["text"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=paragraph,
        before={"text": before},
        after={"text": text},
        summary=_("Year-end report paragraph edited"),
    )
    return paragraph
