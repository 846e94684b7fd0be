"""Merit competition pages (立功竞赛): the list and its export, the competition with its criteria and entries, the
scoring sheet per judge, the ranking, publication, corrections and awards.

Who: the administrators whose role reaches the organising unit run a competition; a judge named on it fills their
own sheet; everyone else reads what ``Competition.objects.visible_to`` lets them, and of its entries a 科室负责人
their 科室's and a cadre their own (``entries_visible_to``).  Another unit's competition is a 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from ganxun.core.access import require_admin
from ganxun.core.excel import safe_cell, workbook_response
from ganxun.core.lists import clean_url, list_querystring
from ganxun.core.params import query_id

from ..forms.competitions import (
    AGREED,
    AwardForm,
    AwardsByRankForm,
    CompetitionFilter,
    CompetitionForm,
    CorrectionForm,
    CriterionForm,
    EntryForm,
    EntryKind,
    RevokeForm,
    ScoreValueField,
)
from ..models import Award, AwardMethod, Competition, CompetitionEntry, Criterion, Score
from ..services import competitions as services
from ..services.competitions import can_manage, entries_visible_to, is_judge, judge_name

PAGE_SIZE = 30
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


# --- Finding a competition the user may reach -----------------------------------------------------------------------


def visible_competitions(user):
    """The one chokepoint (``Competition.objects.visible_to``: it takes in the competitions the user judges)."""
    return Competition.objects.visible_to(user)


def _visible(request: HttpRequest, pk: int) -> Competition:
    return get_object_or_404(visible_competitions(request.user).select_related("unit", "campaign"), pk=pk)


def _managed(request: HttpRequest, pk: int) -> Competition:
    """A competition the administrator runs; refused (403) before the lookup for anyone who runs none."""
    require_admin(request.user)
    return get_object_or_404(Competition.objects.editable_by(request.user).select_related("unit", "campaign"), pk=pk)


# --- The list ---------------------------------------------------------------------------------------------------------


def _listed(request: HttpRequest):
    filterset = CompetitionFilter(request.GET, queryset=visible_competitions(request.user), user=request.user)
    competitions = (
        filterset.qs.select_related("unit", "campaign")
        .annotate(
            entry_count=Count("entries", distinct=True),
            criterion_count=Count("criteria", distinct=True),
            award_count=Count("awards", distinct=True),
        )
        .order_by("-year", "name", "pk")
    )
    return filterset, competitions


@require_GET
def competition_list(request: HttpRequest) -> HttpResponse:
    filterset, competitions = _listed(request)
    page = Paginator(competitions, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = list_querystring(request.GET)
    context = {
        "form": filterset.form,
        "page": page,
        "querystring": querystring,
        "can_create": request.user.is_admin,
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "practice/competitions/competition_list.html#table", context)
        return push_url(response, clean_url(request, querystring))
    return render(request, "practice/competitions/competition_list.html", context)


def _header_row(sheet, headers: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, text)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cells.append(cell)
    return cells


def _cell(sheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, safe_cell(value))
    if isinstance(value, Decimal):
        cell.number_format = "0.00"
    return cell


@require_GET
def competition_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as .xlsx (a streaming workbook)."""
    _filterset, competitions = _listed(request)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Merit competitions"))
    sheet.freeze_panes = "A2"
    headers = [
        _("Competition"),
        _("Year"),
        _("Organising unit"),
        _("Campaign"),
        _("Start date"),
        _("End date"),
        _("Criteria"),
        _("Entries"),
        _("Awards"),
        _("Ranking"),
    ]
    sheet.append(_header_row(sheet, headers))
    for c in competitions.iterator(chunk_size=500):
        published = timezone.localtime(c.published_at).strftime("%Y-%m-%d %H:%M") if c.published_at else ""
        values = [
            c.name,
            c.year,
            c.unit.name,
            c.campaign.name if c.campaign_id else "",
            c.start_date,
            c.end_date,
            c.criterion_count,
            c.entry_count,
            c.award_count,
            _("Published %(when)s") % {"when": published} if published else _("Not published"),
        ]
        sheet.append([_cell(sheet, v) for v in values])
    filename = f"{_('Merit competitions')}_{timezone.localdate():%Y%m%d}.xlsx"
    return workbook_response(workbook, filename)


# --- Create and edit --------------------------------------------------------------------------------------------------


def _form_page(request, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, f"practice/competitions/{template}", context, status=status)


@require_http_methods(["GET", "POST"])
def competition_create(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = CompetitionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit, judges = data.pop("unit"), data.pop("judges")
        try:
            competition = services.competition_create(actor=request.user, unit=unit, judges=judges, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Competition “%(name)s” was saved.") % {"name": competition})
            return redirect(competition)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "competition_form.html", {"form": form, "competition": None}, status)


@require_http_methods(["GET", "POST"])
def competition_update(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _managed(request, pk)
    form = CompetitionForm(request.POST or None, instance=competition, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("unit", None)
        judges = data.pop("judges")
        try:
            services.competition_update(actor=request.user, competition=competition, judges=judges, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Competition “%(name)s” was saved.") % {"name": competition})
            return redirect(competition)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "competition_form.html", {"form": form, "competition": competition}, status)


# --- The competition's page -------------------------------------------------------------------------------------------


@require_GET
def competition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _visible(request, pk)
    user = request.user
    manages = can_manage(user, competition)
    entries = (
        entries_visible_to(user, competition)
        .select_related("cadre", "section")
        .prefetch_related("members")
        .order_by("kind", "name", "cadre__name", "pk")
    )
    criteria = list(competition.criteria.order_by("order", "pk"))
    judges = list(competition.judges.select_related("cadre").order_by("username"))
    context = {
        "competition": competition,
        "criteria": criteria,
        "weights_total": sum((c.weight for c in criteria), Decimal(0)),
        "entries": entries,
        "judges": [(j, judge_name(j)) for j in judges],
        "manages": manages,
        "judges_here": is_judge(user, competition),
        "sees_ranking": manages or competition.is_published,
    }
    return render(request, "practice/competitions/competition_detail.html", context)


# --- Criteria ---------------------------------------------------------------------------------------------------------


def _criterion_fields(form) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in ("name", "weight", "max_score", "order")}


@require_http_methods(["GET", "POST"])
def criterion_create(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _managed(request, pk)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_add(actor=request.user, competition=competition, **_criterion_fields(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Criterion “%(name)s” was saved.") % {"name": form.cleaned_data["name"]})
            return redirect(competition)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "criterion_form.html", {"form": form, "competition": competition}, status)


def _managed_criterion(request: HttpRequest, pk: int) -> Criterion:
    require_admin(request.user)
    return get_object_or_404(
        Criterion.objects.filter(competition__in=Competition.objects.editable_by(request.user).values("pk")),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def criterion_update(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _managed_criterion(request, pk)
    competition = criterion.competition
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        fields = _criterion_fields(form)
        criterion.refresh_from_db()  # the form wrote its values onto the instance; the service compares
        try:
            services.criterion_update(actor=request.user, criterion=criterion, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Criterion “%(name)s” was saved.") % {"name": fields["name"]})
            return redirect(competition)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "competition": competition, "criterion": criterion}
    return _form_page(request, "criterion_form.html", context, status)


@require_POST
def criterion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _managed_criterion(request, pk)
    try:
        services.criterion_remove(actor=request.user, criterion=criterion)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Criterion “%(name)s” was removed.") % {"name": criterion.name})
    return redirect(criterion.competition)


# --- Entries ----------------------------------------------------------------------------------------------------------


def _entry_values(form) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "cadre": data.get("cadre"),
        "name": data.get("name") or "",
        "members": list(data.get("members") or []),
        "section": data.get("section"),
    }


@require_http_methods(["GET", "POST"])
def competition_entry_create(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _managed(request, pk)
    form = EntryForm(
        request.POST or None, user=request.user, competition=competition, initial={"kind": EntryKind.INDIVIDUAL}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_create(
                actor=request.user, competition=competition, kind=form.cleaned_data["kind"], **_entry_values(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Entry “%(name)s” was saved.") % {"name": entry})
            if "another" in request.POST:
                return redirect("practice:competition_entry_create", competition.pk)
            return redirect(competition)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "entry_form.html", {"form": form, "competition": competition}, status)


def _visible_entry(request: HttpRequest, pk: int) -> CompetitionEntry:
    entry = get_object_or_404(
        CompetitionEntry.objects.filter(competition__in=visible_competitions(request.user).values("pk")).select_related(
            "competition", "competition__unit", "cadre", "section"
        ),
        pk=pk,
    )
    if not entries_visible_to(request.user, entry.competition).filter(pk=entry.pk).exists():
        raise Http404
    return entry


def _managed_entry(request: HttpRequest, pk: int) -> CompetitionEntry:
    require_admin(request.user)
    return get_object_or_404(
        CompetitionEntry.objects.filter(
            competition__in=Competition.objects.editable_by(request.user).values("pk")
        ).select_related("competition", "cadre", "section"),
        pk=pk,
    )


@require_GET
def competition_entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _visible_entry(request, pk)
    competition = entry.competition
    manages = can_manage(request.user, competition)
    row = None
    if manages or competition.is_published:
        ranking = services.competition_ranking(competition)
        row = ranking.by_entry().get(entry.pk)
        criteria = ranking.criteria
    else:
        criteria = list(competition.criteria.order_by("order", "pk"))
    context = {
        "entry": entry,
        "competition": competition,
        "members": entry.members.select_related("section").order_by("name"),
        "criteria_scores": list(zip(criteria, row.scores, strict=True)) if row else [],
        "row": row,
        "awards": entry.awards.order_by("pk"),
        "manages": manages,
    }
    return render(request, "practice/competitions/entry_detail.html", context)


@require_http_methods(["GET", "POST"])
def competition_entry_update(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)
    competition = entry.competition
    initial = {
        "kind": entry.kind,
        "cadre": entry.cadre_id,
        "name": entry.name,
        "members": list(entry.members.values_list("pk", flat=True)),
        "section": entry.section_id,
    }
    form = EntryForm(request.POST or None, user=request.user, competition=competition, initial=initial)
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_update(actor=request.user, entry=entry, **_entry_values(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Entry “%(name)s” was saved.") % {"name": entry})
            return redirect(entry)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "entry_form.html", {"form": form, "competition": competition, "entry": entry}, status)


@require_POST
def competition_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _managed_entry(request, pk)
    try:
        services.entry_remove(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(entry)
    messages.success(request, _("Entry “%(name)s” was withdrawn.") % {"name": entry})
    return redirect(entry.competition)


# --- The scoring sheet ------------------------------------------------------------------------------------------------


def _sheet_judge(request: HttpRequest, competition: Competition):
    """Whose sheet: ``?judge=<id>`` or ``agreed`` for the administrators, else the judge themself.
    Returns (judge or None for the agreed scores, the judges the user may switch between)."""
    user = request.user
    manages = can_manage(user, competition)
    judges = list(competition.judges.select_related("cadre").order_by("username"))
    wanted = request.GET.get("judge") or request.POST.get("judge") or ""
    if manages:
        if wanted == AGREED:
            return None, judges
        chosen = query_id({"judge": wanted}, "judge")
        for judge in judges:
            if judge.pk == chosen:
                return judge, judges
        for judge in judges:
            if judge.pk == user.pk:
                return judge, judges
        if wanted:
            raise Http404
        return (judges[0] if judges else None), judges
    if any(j.pk == user.pk for j in judges):
        return next(j for j in judges if j.pk == user.pk), []
    raise PermissionDenied


def _cell_name(entry_id: int, criterion_id: int) -> str:
    return f"s_{entry_id}_{criterion_id}"


@require_http_methods(["GET", "POST"])
def competition_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A judge's scoring sheet (entries × criteria), printable; the administrators also enter the agreed scores
    and any judge's paper sheet here."""
    competition = _visible(request, pk)
    judge, judges = _sheet_judge(request, competition)
    criteria = list(competition.criteria.order_by("order", "pk"))
    entries = list(competition.entries.select_related("cadre", "section").order_by("kind", "name", "cadre__name", "pk"))
    scores = {
        (s.entry_id, s.criterion_id): s.value
        for s in Score.objects.filter(criterion__competition=competition, judge=judge)
    }
    editable = not competition.is_published
    errors: list[str] = []
    typed: dict[str, str] = {}
    bad: set[str] = set()  # the cells to mark on the sheet sent back
    status = 200
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The ranking has been published: the scores are frozen."))
            return redirect(request.get_full_path())
        field = ScoreValueField(required=False)
        values: dict[tuple[int, int], Decimal | None] = {}
        for entry in entries:
            for criterion in criteria:
                name = _cell_name(entry.pk, criterion.pk)
                if name not in request.POST:
                    continue
                raw = request.POST[name]
                typed[name] = raw[:20]
                try:
                    value = field.clean(raw)
                    values[entry.pk, criterion.pk] = value
                    if value is not None and not (0 <= value <= criterion.max_score):
                        bad.add(name)
                except ValidationError:
                    bad.add(name)
                    errors.append(
                        _("%(entry)s, %(criterion)s: enter a number with at most two decimals.")
                        % {"entry": entry, "criterion": criterion.name}
                    )
        if not errors:
            try:
                result = services.score_sheet_save(
                    actor=request.user, competition=competition, judge=judge, values=values
                )
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("The sheet was saved: %(created)s new, %(changed)s changed, %(removed)s cleared.")
                    % {"created": result.created, "changed": result.changed, "removed": result.removed},
                )
                url = reverse("practice:competition_sheet", args=[competition.pk])
                if can_manage(request.user, competition):
                    url += f"?judge={judge.pk if judge else AGREED}"
                return redirect(url)
        status = 400
    own = services.own_entry_ids(competition, judge)
    rows = []
    for entry in entries:
        cells = []
        for criterion in criteria:
            name = _cell_name(entry.pk, criterion.pk)
            value = scores.get((entry.pk, criterion.pk))
            cells.append(
                {
                    "name": name,
                    "criterion": criterion,
                    "value": typed.get(name, "" if value is None else f"{value.normalize():f}"),
                    "bad": name in bad,
                    "own": entry.pk in own,
                }
            )
        rows.append({"entry": entry, "cells": cells})
    context = {
        "competition": competition,
        "criteria": criteria,
        "rows": rows,
        "judge": judge,
        "judge_label": judge_name(judge) if judge else _("Agreed score"),
        "judges": [(j.pk, judge_name(j)) for j in judges],
        "agreed": AGREED,
        "manages": can_manage(request.user, competition),
        "editable": editable,
        "errors": errors,
    }
    return render(request, "practice/competitions/sheet.html", context, status=status)


# --- Ranking, publication, corrections --------------------------------------------------------------------------------


def _awards_by_entry(competition: Competition) -> dict[int, list[Award]]:
    found: dict[int, list[Award]] = {}
    for award in competition.awards.order_by("pk"):
        found.setdefault(award.entry_id, []).append(award)
    return found


@require_GET
def competition_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _visible(request, pk)
    manages = can_manage(request.user, competition)
    ranking = None
    if manages or competition.is_published:
        ranking = services.competition_ranking(competition, entries_visible_to(request.user, competition))
    rows = []
    if ranking is not None:
        awards = _awards_by_entry(competition)
        rows = [
            (row, list(zip(ranking.criteria, row.scores, strict=True)), awards.get(row.entry.pk, []))
            for row in ranking.rows
        ]
    context = {
        "competition": competition,
        "ranking": ranking,
        "rows": rows,
        "manages": manages,
        "judges_here": is_judge(request.user, competition),
    }
    return render(request, "practice/competitions/ranking.html", context)


@require_GET
def competition_ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _visible(request, pk)
    if not (can_manage(request.user, competition) or competition.is_published):
        raise PermissionDenied
    ranking = services.competition_ranking(competition, entries_visible_to(request.user, competition))
    awards = _awards_by_entry(competition)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ranking"))
    sheet.freeze_panes = "C2"
    headers = [pgettext("competition", "Rank"), _("Entry"), _("Kind of entry"), _("Section")]
    headers += [f"{c.name}（{c.weight.normalize():f}%）" for c in ranking.criteria]
    headers += [_("Total"), _("Awards")]
    sheet.append(_header_row(sheet, headers))
    for row in ranking.rows:
        values: list[Any] = [
            row.rank if row.rank is not None else _("Not ranked"),
            str(row.entry),
            row.entry.get_kind_display(),
            row.entry.section.name if row.entry.section_id else "",
        ]
        values += [cell.shown if cell.shown is not None else "" for cell in row.scores]
        values += [
            row.total if row.total is not None else "",
            "、".join(a.get_level_display() for a in awards.get(row.entry.pk, [])),
        ]
        sheet.append([_cell(sheet, v) for v in values])
    filename = f"{competition.name}_{_('Ranking')}.xlsx"
    return workbook_response(workbook, filename)


@require_POST
def competition_publish(request: HttpRequest, pk: int) -> HttpResponse:
    competition = _managed(request, pk)
    try:
        services.competition_publish(actor=request.user, competition=competition)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The ranking is published; the scores are now frozen."))
    return redirect("practice:competition_ranking", competition.pk)


@require_http_methods(["GET", "POST"])
def competition_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A score changed after publication, with its reason; the ranking is computed again."""
    competition = _managed(request, pk)
    if not competition.is_published:
        messages.info(request, _("The ranking is not published yet: change the score on the scoring sheet."))
        return redirect("practice:competition_sheet", competition.pk)
    form = CorrectionForm(request.POST or None, competition=competition, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.score_correct(
                actor=request.user,
                entry=data["entry_obj"],
                criterion=data["criterion_obj"],
                judge=data["judge_obj"],
                value=data["value"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The score was corrected and the ranking computed again."))
            return redirect("practice:competition_ranking", competition.pk)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "correction_form.html", {"form": form, "competition": competition}, status)


# --- Awards -----------------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def competition_awards(request: HttpRequest, pk: int) -> HttpResponse:
    """The awards; its administrators give them here, by rank (after publication) or by hand with a reason."""
    competition = _visible(request, pk)
    manages = can_manage(request.user, competition)
    if request.method == "POST" and not manages:
        raise PermissionDenied
    by_rank = AwardsByRankForm(request.POST if request.POST.get("action") == "rank" else None)
    by_hand = AwardForm(request.POST if request.POST.get("action") == "hand" else None, competition=competition)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if request.POST.get("action") == "rank" and by_rank.is_valid():
                given = services.awards_by_rank(actor=request.user, competition=competition, places=by_rank.places())
                messages.success(request, _("%(count)s awards given by rank.") % {"count": len(given)})
                return redirect("practice:competition_awards", competition.pk)
            if request.POST.get("action") == "hand" and by_hand.is_valid():
                data = by_hand.cleaned_data
                services.award_give(
                    actor=request.user,
                    competition=competition,
                    entry=data["entry"],
                    level=data["level"],
                    reason=data["reason"],
                )
                messages.success(request, _("The award was given."))
                return redirect("practice:competition_awards", competition.pk)
        except ValidationError as error:
            (by_rank if request.POST.get("action") == "rank" else by_hand).add_error(None, error)
    visible = entries_visible_to(request.user, competition).values("pk")
    awards = competition.awards.filter(entry__in=visible).select_related("entry", "entry__cadre", "entry__section")
    current = {}
    if competition.is_published and awards:
        current = {k: v.rank for k, v in services.competition_ranking(competition).by_entry().items()}
    rows = [
        {
            "award": award,
            "moved": award.method == AwardMethod.BY_RANK and current.get(award.entry_id, award.rank) != award.rank,
            "current_rank": current.get(award.entry_id),
        }
        for award in awards.order_by("rank", "level", "pk")
    ]
    context = {
        "competition": competition,
        "rows": rows,
        "manages": manages,
        "judges_here": is_judge(request.user, competition),
        "by_rank": by_rank,
        "by_hand": by_hand,
        "revoke": RevokeForm(),
    }
    return render(request, "practice/competitions/awards.html", context, status=status)


@require_POST
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    award = get_object_or_404(
        Award.objects.filter(competition__in=Competition.objects.editable_by(request.user).values("pk")).select_related(
            "competition", "entry"
        ),
        pk=pk,
    )
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the award is taken back."))
        return redirect("practice:competition_awards", award.competition_id)
    try:
        services.award_revoke(actor=request.user, award=award, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The award was taken back."))
    return redirect("practice:competition_awards", award.competition_id)


urlpatterns = [
    path("competitions/", competition_list, name="competition_list"),
    path("competitions/export/", competition_export, name="competition_export"),
    path("competitions/new/", competition_create, name="competition_create"),
    path("competitions/<int:pk>/", competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/edit/", competition_update, name="competition_update"),
    path("competitions/<int:pk>/criteria/new/", criterion_create, name="criterion_create"),
    path("competitions/criteria/<int:pk>/edit/", criterion_update, name="criterion_update"),
    path("competitions/criteria/<int:pk>/delete/", criterion_delete, name="criterion_delete"),
    path("competitions/<int:pk>/entries/new/", competition_entry_create, name="competition_entry_create"),
    path("competitions/entries/<int:pk>/", competition_entry_detail, name="competition_entry_detail"),
    path("competitions/entries/<int:pk>/edit/", competition_entry_update, name="competition_entry_update"),
    path("competitions/entries/<int:pk>/delete/", competition_entry_delete, name="competition_entry_delete"),
    path("competitions/<int:pk>/sheet/", competition_sheet, name="competition_sheet"),
    path("competitions/<int:pk>/ranking/", competition_ranking, name="competition_ranking"),
    path("competitions/<int:pk>/ranking/export/", competition_ranking_export, name="competition_ranking_export"),
    path("competitions/<int:pk>/publish/", competition_publish, name="competition_publish"),
    path("competitions/<int:pk>/correct/", competition_correct, name="competition_correct"),
    path("competitions/<int:pk>/awards/", competition_awards, name="competition_awards"),
    path("competitions/awards/<int:pk>/revoke/", award_revoke, name="award_revoke"),
]
