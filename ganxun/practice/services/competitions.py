"""Merit competitions (立功竞赛, e.g. the 五比五赛 of the 旧改 campaign): criteria, entries, scores, the ranking,
its publication and the awards.  Every write is audited; after publication a score changes only by an audited
correction that names its reason.

The ranking (``competition_ranking``):

- a criterion's score of an entry is its agreed score (合议分) when one is given, else the arithmetic mean of the
  judges' scores for it;
- the total is ``Σ weight × score ÷ maximum`` over the criteria: the weights are percentages that add up to 100, so
  the total is out of 100 whatever each criterion's maximum;
- the total is rounded half up to two decimals and entries are ranked on that figure (the one published), equal
  totals sharing a rank and the next rank skipping as many (1, 1, 3: "competition ranking");
- an entry lacking any score on a criterion has no total and no rank yet; the ranking cannot be published then.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours.totals import attribution
from ganxun.roster.models import Cadre, Unit, admin_unit_ids
from ganxun.roster.permissions import reaches_unit

from ..models import (
    Award,
    AwardLevel,
    AwardMethod,
    Competition,
    CompetitionEntry,
    Criterion,
    EntryKind,
    Score,
)
from .common import is_system

COMPETITION_FIELDS = ("name", "year", "campaign", "start_date", "end_date", "description")
WEIGHT_TOTAL = Decimal(100)
CENT = Decimal("0.01")
# The award levels given by rank, best first; the others are given by hand.
RANK_LEVELS = (AwardLevel.FIRST, AwardLevel.SECOND, AwardLevel.THIRD, AwardLevel.MERIT)


# --- Who may do what -------------------------------------------------------------------------------------------------


def can_manage(user, competition: Competition) -> bool:
    """The administrators whose role reaches the organising unit run the competition."""
    return reaches_unit(user, competition.unit_id)


def is_judge(user, competition: Competition) -> bool:
    return bool(user.is_authenticated and competition.judges.filter(pk=user.pk).exists())


def can_score_for(user, competition: Competition, judge) -> bool:
    """A judge fills their own sheet; the competition's administrators may enter any listed judge's paper sheet."""
    if judge is None:
        return can_manage(user, competition)
    if not competition.judges.filter(pk=judge.pk).exists():
        return False
    return judge.pk == user.pk or can_manage(user, competition)


def entries_visible_to(user, competition: Competition):
    """The entries of the competition a user may see: all for its administrators and judges; an administrator of
    a unit below the organiser those of the units they reach; a 科室负责人 their 科室's; a cadre their own."""
    entries = competition.entries.all()
    if not (user.is_authenticated and user.is_active):
        return entries.none()
    if can_manage(user, competition) or is_judge(user, competition):
        return entries
    if user.is_admin:
        units = admin_unit_ids(user)
        return entries if units is None else entries.filter(unit_id__in=units)
    own = Q(cadre_id=user.cadre_id) | Q(pk__in=competition.entries.filter(members=user.cadre_id).values("pk"))
    if user.is_section_head and user.section_id_scope is not None:
        return entries.filter(Q(section_id=user.section_id_scope) | own)
    if user.cadre_id is not None:
        return entries.filter(own)
    return entries.none()


def _require_manager(actor, competition: Competition) -> None:
    """The competition's administrators; a command or the demo loader (no account) writes unchecked."""
    if not is_system(actor) and not can_manage(actor, competition):
        raise PermissionDenied


def _require_scorer(actor, competition: Competition, judge) -> None:
    if judge is not None and not competition.judges.filter(pk=judge.pk).exists():
        raise ValidationError(_("%(name)s is not a judge of this competition.") % {"name": judge_name(judge)})
    if not is_system(actor) and not can_score_for(actor, competition, judge):
        raise PermissionDenied


def _require_unpublished(competition: Competition) -> None:
    if competition.is_published:
        raise ValidationError(
            _("The ranking of “%(name)s” has been published: the scores are frozen; change them by a correction.")
            % {"name": competition.name},
            code="published",
        )


def _locked(competition: Competition) -> Competition:
    """The competition re-read under a row lock: publication and scoring do not cross."""
    return Competition.objects.select_for_update().get(pk=competition.pk)


# --- Snapshots for the audit trail -----------------------------------------------------------------------------------


def _competition_snapshot(competition: Competition) -> dict[str, Any]:
    return {
        "name": competition.name,
        "unit": str(competition.unit),
        "year": competition.year,
        "campaign": str(competition.campaign) if competition.campaign_id else "",
        "start_date": competition.start_date.isoformat() if competition.start_date else "",
        "end_date": competition.end_date.isoformat() if competition.end_date else "",
        "description": competition.description,
        "judges": sorted(_account_name(u) for u in competition.judges.all()) if competition.pk else [],
    }


def _account_name(user) -> str:
    cadre = getattr(user, "cadre", None)
    return cadre.name if cadre is not None else (user.get_full_name() or user.get_username())


def judge_name(user) -> str:
    """How a judge is named on the pages and in the trail: their cadre's name, else the account's."""
    return _account_name(user)


def _criterion_snapshot(criterion: Criterion) -> dict[str, Any]:
    return {
        "name": criterion.name,
        "weight": str(criterion.weight),
        "max_score": str(criterion.max_score),
        "order": criterion.order,
    }


def _entry_snapshot(entry: CompetitionEntry) -> dict[str, Any]:
    return {
        "kind": str(entry.get_kind_display()),
        "cadre": entry.cadre.name if entry.cadre_id else "",
        "name": entry.name,
        "members": sorted(c.name for c in entry.members.all()) if entry.pk else [],
        "section": entry.section.name if entry.section_id else "",
    }


def _score_repr(score: Score) -> str:
    who = judge_name(score.judge) if score.judge_id else _("agreed score")
    return f"{score.entry.competition.name} · {score.entry} · {score.criterion.name} · {who}"


# --- Competitions ----------------------------------------------------------------------------------------------------


def _check_judges(competition: Competition, judges: Iterable) -> list:
    judges = list(dict.fromkeys(judges))
    for judge in judges:
        if not (judge.is_active and (judge.is_admin or judge.cadre_id is not None)):
            raise ValidationError({"judges": _("%(name)s cannot judge: the account is not in use.") % {"name": judge}})
    return judges


@transaction.atomic
def competition_create(*, actor, unit: Unit, judges: Iterable = (), **fields: Any) -> Competition:
    """A new competition of ``unit`` (one the actor's role reaches), with its judges."""
    if not is_system(actor) and not reaches_unit(actor, unit.pk):
        raise PermissionDenied
    competition = Competition(unit=unit, **{k: fields[k] for k in COMPETITION_FIELDS if k in fields})
    competition.full_clean()
    competition.save()
    competition.judges.set(_check_judges(competition, judges))
    audit_record(actor=actor, action=Action.CREATE, obj=competition, after=_competition_snapshot(competition))
    return competition


@transaction.atomic
def competition_update(*, actor, competition: Competition, judges: Iterable | None = None, **fields: Any):
    """Change the competition's particulars and judges; a judge who has scored stays on the list."""
    _require_manager(actor, competition)
    competition = _locked(competition)
    before = _competition_snapshot(competition)
    for name in COMPETITION_FIELDS:
        if name in fields:
            setattr(competition, name, fields[name])
    competition.full_clean()
    competition.save()
    if judges is not None:
        judges = _check_judges(competition, judges)
        kept = {j.pk for j in judges}
        scored = (
            Score.objects.filter(criterion__competition=competition, judge__isnull=False)
            .exclude(judge_id__in=kept)
            .select_related("judge", "judge__cadre")
            .first()
        )
        if scored is not None:
            raise ValidationError(
                {
                    "judges": _("%(name)s has already scored in this competition and stays a judge.")
                    % {"name": judge_name(scored.judge)}
                }
            )
        competition.judges.set(judges)
    after = _competition_snapshot(competition)
    if before != after:
        audit_record(actor=actor, action=Action.UPDATE, obj=competition, before=before, after=after)
    return competition


# --- Criteria --------------------------------------------------------------------------------------------------------


def _check_weights(competition: Competition, criterion: Criterion) -> None:
    others = competition.criteria.exclude(pk=criterion.pk).values_list("weight", flat=True)
    total = sum(others, Decimal(0)) + (criterion.weight or 0)
    if total > WEIGHT_TOTAL:
        raise ValidationError(
            {
                "weight": _("The weights of the criteria would add up to %(total)s; they must add up to 100.")
                % {"total": _num(total)}
            },
            code="weights",
        )


def _check_max_above_scores(criterion: Criterion) -> None:
    if criterion.pk is None:
        return
    highest = criterion.scores.aggregate(highest=Max("value"))["highest"]
    if highest is not None and highest > criterion.max_score:
        raise ValidationError(
            {
                "max_score": _(
                    "A score of %(score)s has already been given on this criterion: the maximum cannot be lower."
                )
                % {"score": _num(highest)}
            }
        )


@transaction.atomic
def criterion_add(
    *, actor, competition: Competition, name: str, weight: Decimal, max_score: Decimal, order: int | None = None
) -> Criterion:
    """A new "比" item; the weights of the competition's criteria may not go past 100 in all."""
    _require_manager(actor, competition)
    competition = _locked(competition)
    _require_unpublished(competition)
    if order is None:
        order = (competition.criteria.aggregate(last=Max("order"))["last"] or 0) + 1
    criterion = Criterion(competition=competition, name=name, weight=weight, max_score=max_score, order=order)
    criterion.full_clean()
    _check_weights(competition, criterion)
    criterion.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=criterion,
        after=_criterion_snapshot(criterion),
        object_repr=f"{competition.name} · {criterion.name}",
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor, criterion: Criterion, **fields: Any) -> Criterion:
    _require_manager(actor, criterion.competition)
    competition = _locked(criterion.competition)
    _require_unpublished(competition)
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    before = _criterion_snapshot(criterion)
    for name in ("name", "weight", "max_score", "order"):
        if name in fields and fields[name] is not None:
            setattr(criterion, name, fields[name])
    criterion.full_clean()
    _check_weights(competition, criterion)
    _check_max_above_scores(criterion)
    criterion.save()
    after = _criterion_snapshot(criterion)
    if before != after:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=criterion,
            before=before,
            after=after,
            object_repr=f"{competition.name} · {criterion.name}",
        )
    return criterion


@transaction.atomic
def criterion_remove(*, actor, criterion: Criterion) -> None:
    """Take away a criterion that has no scores yet (one with scores would take them with it)."""
    _require_manager(actor, criterion.competition)
    competition = _locked(criterion.competition)
    _require_unpublished(competition)
    if criterion.scores.exists():
        raise ValidationError(
            _("“%(name)s” has scores already and cannot be removed.") % {"name": criterion.name}, code="scored"
        )
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=criterion,
        before=_criterion_snapshot(criterion),
        object_repr=f"{competition.name} · {criterion.name}",
    )
    criterion.delete()


# --- Entries ---------------------------------------------------------------------------------------------------------


def _attribution_day(competition: Competition) -> dt.date:
    """The day an entrant's 单位 and 科室 are read on: the competition's start, else the first of its year."""
    return competition.start_date or dt.date(competition.year, 1, 1)


def competition_year(competition: Competition) -> tuple[dt.date, dt.date]:
    """The first and last day of the competition's year."""
    return dt.date(competition.year, 1, 1), dt.date(competition.year, 12, 31)


def _check_entrant(actor, competition: Competition, cadres: Iterable[Cadre], field: str) -> None:
    """Each cadre entered belonged to the organising unit's subtree on the attribution day (a cadre who has moved
    on since can still be entered in a past competition) and is one the actor may see for that year."""
    cadres = list(cadres)
    units = set(Unit.objects.subtree(competition.unit).values_list("pk", flat=True))
    reachable = (
        Cadre.objects.all()
        if is_system(actor)
        else Cadre.objects.visible_to(actor, during=competition_year(competition))
    )
    seen = set(reachable.filter(pk__in=[c.pk for c in cadres]).values_list("pk", flat=True))
    day = _attribution_day(competition)
    for cadre in cadres:
        if cadre.pk not in seen or attribution(cadre.pk, day)[0] not in units:
            raise ValidationError(
                {field: _("%(name)s is not a cadre of %(unit)s.") % {"name": cadre.name, "unit": competition.unit}}
            )


@transaction.atomic
def entry_create(
    *,
    actor,
    competition: Competition,
    kind: str,
    cadre: Cadre | None = None,
    name: str = "",
    members: Iterable[Cadre] = (),
    section=None,
) -> CompetitionEntry:
    """An individual entry (a cadre) or a team entry (a name, its members and its 科室)."""
    _require_manager(actor, competition)
    competition = _locked(competition)
    _require_unpublished(competition)
    members = list(dict.fromkeys(members))
    entry = CompetitionEntry(competition=competition, kind=kind)
    _fill_entry(actor, competition, entry, cadre=cadre, name=name, members=members, section=section)
    entry.full_clean()
    entry.save()
    if entry.kind == EntryKind.TEAM:
        entry.members.set(members)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=entry,
        after=_entry_snapshot(entry),
        object_repr=f"{competition.name} · {entry}",
    )
    return entry


def _fill_entry(actor, competition, entry: CompetitionEntry, *, cadre, name, members, section) -> None:
    name = (name or "").strip()
    if entry.kind == EntryKind.INDIVIDUAL:
        if cadre is None:
            raise ValidationError({"cadre": _("Choose the cadre of an individual entry.")})
        _check_entrant(actor, competition, [cadre], "cadre")
        entry.cadre, entry.name = cadre, ""
        # As the ledger attributes an entry: the cadre's 单位 and 科室 on the day (before the first period, the first).
        entry.unit_id, entry.section_id = attribution(cadre.pk, _attribution_day(competition))
    elif entry.kind == EntryKind.TEAM:
        if not name:
            raise ValidationError({"name": _("Give the team's name.")})
        if not members:
            raise ValidationError({"members": _("Choose the members of the team.")})
        _check_entrant(actor, competition, members, "members")
        if section is not None and not Unit.objects.subtree(competition.unit).filter(pk=section.unit_id).exists():
            raise ValidationError({"section": _("Choose a section of the organising unit.")})
        entry.cadre, entry.name, entry.section = None, name, section
        entry.unit_id = section.unit_id if section is not None else competition.unit_id
    else:
        raise ValidationError({"kind": _("Choose individual or team.")})


@transaction.atomic
def entry_update(
    *, actor, entry: CompetitionEntry, cadre=None, name: str = "", members: Iterable[Cadre] = (), section=None
) -> CompetitionEntry:
    """Change an entry before publication (its kind stays)."""
    _require_manager(actor, entry.competition)
    competition = _locked(entry.competition)
    _require_unpublished(competition)
    entry = CompetitionEntry.objects.select_for_update().get(pk=entry.pk)
    before = _entry_snapshot(entry)
    members = list(dict.fromkeys(members))
    _fill_entry(actor, competition, entry, cadre=cadre, name=name, members=members, section=section)
    entry.full_clean()
    entry.save()
    if entry.kind == EntryKind.TEAM:
        entry.members.set(members)
    after = _entry_snapshot(entry)
    if before != after:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=entry,
            before=before,
            after=after,
            object_repr=f"{competition.name} · {entry}",
        )
    return entry


@transaction.atomic
def entry_remove(*, actor, entry: CompetitionEntry) -> None:
    """Withdraw an entry before publication; its scores go with it (kept in the trail)."""
    _require_manager(actor, entry.competition)
    competition = _locked(entry.competition)
    _require_unpublished(competition)
    scores = [f"{s.criterion.name} {s.value}" for s in entry.scores.select_related("criterion")]
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=entry,
        before={**_entry_snapshot(entry), "scores": scores},
        object_repr=f"{competition.name} · {entry}",
    )
    entry.delete()


# --- Scores ----------------------------------------------------------------------------------------------------------


def parse_score(text: str | Decimal | None) -> Decimal | None:
    """A score as typed: digits with at most two decimals, or nothing; anything else is a ValueError."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        value = text
    else:
        text = str(text).strip().replace("，", ".").replace("。", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except ArithmeticError as error:
            raise ValueError(text) from error
    if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(str(text))
    return value


def _check_value(entry: CompetitionEntry, criterion: Criterion, value: Decimal) -> None:
    if value < 0:
        raise ValidationError(
            {"value": _("A score cannot be negative (%(entry)s, %(criterion)s).") % _where(entry, criterion)}
        )
    if value > criterion.max_score:
        raise ValidationError(
            {
                "value": _("%(value)s is above the maximum of %(criterion)s (%(max)s) for %(entry)s.")
                % {**_where(entry, criterion), "value": _num(value), "max": _num(criterion.max_score)}
            }
        )
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({"value": _("A score has at most two decimals.")})


def _num(value: Decimal) -> str:
    """A number as people write it: 50, 7.5 (never 5E+1)."""
    return f"{value.normalize():f}"


def _where(entry: CompetitionEntry, criterion: Criterion) -> dict[str, str]:
    return {"entry": str(entry), "criterion": criterion.name}


def own_entry_ids(competition: Competition, judge) -> set[int]:
    """The entries a judge takes part in (their own, or a team they are a member of): they do not score those."""
    cadre_id = getattr(judge, "cadre_id", None)
    if judge is None or cadre_id is None:
        return set()
    return set(competition.entries.filter(Q(cadre_id=cadre_id) | Q(members=cadre_id)).values_list("pk", flat=True))


def _own_entry_message(judge, entry: CompetitionEntry) -> str:
    return _("%(judge)s takes part in %(entry)s and does not score it.") % {
        "judge": judge_name(judge),
        "entry": entry,
    }


def _check_part_of(competition: Competition, entry: CompetitionEntry, criterion: Criterion) -> None:
    if entry.competition_id != competition.pk or criterion.competition_id != competition.pk:
        raise ValidationError(_("The entry and the criterion must belong to the same competition."))


@transaction.atomic
def score_record(
    *, actor, entry: CompetitionEntry, criterion: Criterion, judge, value: Decimal, note: str = ""
) -> Score:
    """One judge's score of an entry on a criterion, given once (a second one is refused: change the first on the
    scoring sheet); without ``judge``, the agreed score."""
    competition = _locked(entry.competition)
    _check_part_of(competition, entry, criterion)
    _require_scorer(actor, competition, judge)
    _require_unpublished(competition)
    _check_value(entry, criterion, value)
    if entry.pk in own_entry_ids(competition, judge):
        raise ValidationError(_own_entry_message(judge, entry), code="own_entry")
    existing = Score.objects.filter(entry=entry, criterion=criterion, judge=judge).exists()
    if existing:
        if judge is None:
            message = _("%(entry)s already has an agreed score on %(criterion)s.") % _where(entry, criterion)
        else:
            message = _("%(judge)s has already scored %(entry)s on %(criterion)s; change that score instead.") % {
                **_where(entry, criterion),
                "judge": judge_name(judge),
            }
        raise ValidationError(message, code="scored_twice")
    score = Score(entry=entry, criterion=criterion, judge=judge, value=value, note=note)
    score.full_clean()
    score.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=score,
        after={"value": str(value), "note": note},
        object_repr=_score_repr(score),
    )
    return score


@dataclasses.dataclass
class SheetResult:
    created: int = 0
    changed: int = 0
    removed: int = 0


@transaction.atomic
def score_sheet_save(
    *, actor, competition: Competition, judge, values: Mapping[tuple[int, int], Decimal | None]
) -> SheetResult:
    """A judge's whole sheet (or, without ``judge``, the agreed scores): ``values`` maps (entry id, criterion id)
    to a score, or None to clear it.  Every cell is checked first; one bad cell saves nothing, and the errors
    name each cell."""
    competition = _locked(competition)
    _require_scorer(actor, competition, judge)
    _require_unpublished(competition)
    entries = {e.pk: e for e in competition.entries.select_related("cadre")}
    criteria = {c.pk: c for c in competition.criteria.all()}
    own = own_entry_ids(competition, judge)
    errors: list[str] = []
    for (entry_id, criterion_id), value in values.items():
        if entry_id not in entries or criterion_id not in criteria:
            errors.append(_("A score is for an entry or criterion not in this competition."))
            continue
        if value is not None and entry_id in own:
            message = _own_entry_message(judge, entries[entry_id])
            if message not in errors:
                errors.append(message)
            continue
        if value is not None:
            try:
                _check_value(entries[entry_id], criteria[criterion_id], value)
            except ValidationError as error:
                errors.extend(error.messages)
    if errors:
        raise ValidationError(errors, code="sheet")
    existing = {
        (s.entry_id, s.criterion_id): s
        for s in Score.objects.filter(criterion__competition=competition, judge=judge).select_related(
            "entry", "criterion"
        )
    }
    result = SheetResult()
    for (entry_id, criterion_id), value in values.items():
        score = existing.get((entry_id, criterion_id))
        entry, criterion = entries[entry_id], criteria[criterion_id]
        if score is None and value is not None:
            score = Score(entry=entry, criterion=criterion, judge=judge, value=value)
            score.full_clean()
            score.save()
            audit_record(
                actor=actor,
                action=Action.CREATE,
                obj=score,
                after={"value": str(value)},
                object_repr=_score_repr(score),
            )
            result.created += 1
        elif score is not None and value is None:
            audit_record(
                actor=actor,
                action=Action.DELETE,
                obj=score,
                before={"value": str(score.value)},
                object_repr=_score_repr(score),
            )
            score.delete()
            result.removed += 1
        elif score is not None and value is not None and score.value != value:
            before = {"value": str(score.value)}
            score.value = value
            score.full_clean()
            score.save()
            audit_record(
                actor=actor,
                action=Action.UPDATE,
                obj=score,
                before=before,
                after={"value": str(value)},
                object_repr=_score_repr(score),
            )
            result.changed += 1
    return result


@transaction.atomic
def score_correct(
    *, actor, entry: CompetitionEntry, criterion: Criterion, judge, value: Decimal | None, reason: str
) -> Ranking:
    """After publication: change (or, with ``value`` None, take away) one score, naming the reason; the trail
    keeps the old and new score and the ranks that moved, and the ranking is computed again."""
    competition = _locked(entry.competition)
    _check_part_of(competition, entry, criterion)
    _require_manager(actor, competition)
    if not competition.is_published:
        raise ValidationError(
            _("The ranking is not published yet: change the score on the scoring sheet."), code="not_published"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A correction after publication needs its reason.")}, code="reason")
    if judge is not None and not competition.judges.filter(pk=judge.pk).exists():
        raise ValidationError(
            {"judge": _("%(name)s is not a judge of this competition.") % {"name": judge_name(judge)}}
        )
    if value is not None:
        _check_value(entry, criterion, value)
        if entry.pk in own_entry_ids(competition, judge):
            raise ValidationError({"judge": _own_entry_message(judge, entry)})
    ranks_before = {row.entry.pk: (row.total, row.rank) for row in competition_ranking(competition).rows}
    score = Score.objects.select_for_update().filter(entry=entry, criterion=criterion, judge=judge).first()
    old = str(score.value) if score is not None else ""
    if score is None and value is None:
        raise ValidationError({"value": _("There is no such score to take away.")})
    if score is not None and value is not None and score.value == value:
        raise ValidationError({"value": _("The score is already %(value)s.") % {"value": _num(value)}})
    if value is None:
        assert score is not None
        repr_ = _score_repr(score)
        audit_record(
            actor=actor,
            action=Action.DELETE,
            obj=score,
            before={"value": old},
            summary=_("Correction after publication: %(reason)s") % {"reason": reason},
            object_repr=repr_,
        )
        score.delete()
    else:
        if score is None:
            score = Score(entry=entry, criterion=criterion, judge=judge, value=value)
        else:
            score.value = value
        score.full_clean()
        score.save()
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=score,
            before={"value": old},
            after={"value": str(value)},
            summary=_("Correction after publication: %(reason)s") % {"reason": reason},
            object_repr=_score_repr(score),
        )
    ranking = competition_ranking(competition)
    moved = {
        str(row.entry): [_rank_text(*ranks_before.get(row.entry.pk, (None, None))), _rank_text(row.total, row.rank)]
        for row in ranking.rows
        if ranks_before.get(row.entry.pk) != (row.total, row.rank)
    }
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=competition,
        object_type="competition",
        summary=_("Ranking computed again after a correction: %(reason)s") % {"reason": reason},
        before={name: pair[0] for name, pair in moved.items()},
        after={name: pair[1] for name, pair in moved.items()},
    )
    return ranking


def _rank_text(total: Decimal | None, rank: int | None) -> str:
    if total is None:
        return _("not ranked")
    return _("rank %(rank)s, %(total)s") % {"rank": rank, "total": total}


# --- The ranking ------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class CriterionScore:
    """An entry's score on one criterion: the agreed score, or the judges' mean, with what it came from."""

    value: Fraction | None
    agreed: bool
    judges: int  # how many judges' scores the mean is of

    @property
    def shown(self) -> Decimal | None:
        return _round(self.value) if self.value is not None else None


@dataclasses.dataclass
class RankedEntry:
    entry: CompetitionEntry
    scores: list[CriterionScore]
    total: Decimal | None
    rank: int | None = None
    tied: bool = False


@dataclasses.dataclass
class Ranking:
    competition: Competition
    criteria: list[Criterion]
    rows: list[RankedEntry]
    weights_total: Decimal

    @property
    def complete(self) -> bool:
        return bool(self.rows) and all(row.total is not None for row in self.rows)

    def by_entry(self) -> dict[int, RankedEntry]:
        return {row.entry.pk: row for row in self.rows}


def _round(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def rank_totals(totals: list[Decimal | None]) -> list[int | None]:
    """Competition ranking of ``totals`` (higher is better): equal totals share a rank and the next rank skips as
    many (100, 100, 90 → 1, 1, 3); a missing total has no rank."""
    ranked = sorted((t for t in totals if t is not None), reverse=True)
    first_place: dict[Decimal, int] = {}
    for position, total in enumerate(ranked, start=1):
        first_place.setdefault(total, position)
    return [first_place[t] if t is not None else None for t in totals]


def competition_ranking(competition: Competition, entries=None) -> Ranking:
    """The ranking from the scores as they stand (see the module's docstring for the formula).  Three queries
    whatever the number of entries; ``entries`` (a queryset of the competition's) narrows the rows shown but not
    the ranks, which are always among all the entries."""
    criteria = list(competition.criteria.order_by("order", "pk"))
    all_entries = list(
        competition.entries.select_related("cadre", "section").order_by("kind", "name", "cadre__name", "pk")
    )
    per_cell: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    agreed: dict[tuple[int, int], Decimal] = {}
    for entry_id, criterion_id, judge_id, value in Score.objects.filter(criterion__competition=competition).values_list(
        "entry_id", "criterion_id", "judge_id", "value"
    ):
        if judge_id is None:
            agreed[entry_id, criterion_id] = value
        else:
            per_cell[entry_id, criterion_id].append(value)
    rows = []
    for entry in all_entries:
        cells = []
        total: Fraction | None = Fraction(0)
        for criterion in criteria:
            key = (entry.pk, criterion.pk)
            if key in agreed:
                cell = CriterionScore(Fraction(agreed[key]), True, len(per_cell[key]))
            elif per_cell[key]:
                cell = CriterionScore(Fraction(sum(per_cell[key])) / len(per_cell[key]), False, len(per_cell[key]))
            else:
                cell = CriterionScore(None, False, 0)
            cells.append(cell)
            if cell.value is None or total is None:
                total = None
            else:
                total += Fraction(criterion.weight) * cell.value / Fraction(criterion.max_score)
        rows.append(RankedEntry(entry, cells, _round(total) if total is not None and criteria else None))
    ranks = rank_totals([row.total for row in rows])
    counts: dict[int, int] = defaultdict(int)
    for row, rank in zip(rows, ranks, strict=True):
        row.rank = rank
        if rank is not None:
            counts[rank] += 1
    for row in rows:
        row.tied = row.rank is not None and counts[row.rank] > 1
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, str(r.entry)))
    if entries is not None:
        shown = set(entries.values_list("pk", flat=True))
        rows = [row for row in rows if row.entry.pk in shown]
    weights_total = sum((c.weight for c in criteria), Decimal(0))
    return Ranking(competition, criteria, rows, weights_total)


# --- Publication -----------------------------------------------------------------------------------------------------


@transaction.atomic
def competition_publish(*, actor, competition: Competition) -> Ranking:
    """Publish the ranking: the weights add up to 100, every entry has a score on every criterion; from now on
    the scores are frozen and change only by a correction."""
    _require_manager(actor, competition)
    competition = _locked(competition)
    _require_unpublished(competition)
    ranking = competition_ranking(competition)
    if not ranking.criteria:
        raise ValidationError(_("The competition has no criteria yet."), code="incomplete")
    if ranking.weights_total != WEIGHT_TOTAL:
        raise ValidationError(
            _("The weights of the criteria add up to %(total)s, not 100.") % {"total": _num(ranking.weights_total)},
            code="weights",
        )
    if not ranking.rows:
        raise ValidationError(_("The competition has no entries yet."), code="incomplete")
    missing = [
        _("%(entry)s has no score on %(criterion)s.") % {"entry": row.entry, "criterion": criterion.name}
        for row in ranking.rows
        for criterion, cell in zip(ranking.criteria, row.scores, strict=True)
        if cell.value is None
    ]
    if missing:
        shown = missing[:5]
        if len(missing) > 5:
            shown.append(_("… and %(count)s more.") % {"count": len(missing) - 5})
        raise ValidationError(shown, code="incomplete")
    competition.published_at = timezone.now()
    competition.published_by = None if is_system(actor) else actor
    competition.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=competition,
        summary=_("Ranking published"),
        after={str(row.entry): _rank_text(row.total, row.rank) for row in ranking.rows},
    )
    return ranking


# --- Awards ----------------------------------------------------------------------------------------------------------


def _require_published_for_awards(competition: Competition) -> None:
    if not competition.is_published:
        raise ValidationError(_("Publish the ranking before giving awards."), code="not_published")


def _award_repr(award: Award) -> str:
    return f"{award.competition.name} · {award.entry} · {award.get_level_display()}"


@transaction.atomic
def awards_by_rank(*, actor, competition: Competition, places: Mapping[str, int]) -> list[Award]:
    """Give the rank levels by the published ranking: ``places`` maps a level (一等奖 …) to how many places it
    covers, best level first (一等奖 1, 二等奖 2, 三等奖 3: ranks 1, 2–3, 4–6).  Entries tied on a boundary rank
    all get the better level.  An entry's existing award of that level is kept."""
    _require_manager(actor, competition)
    competition = _locked(competition)
    _require_published_for_awards(competition)
    ranking = competition_ranking(competition)
    bounds: list[tuple[str, int]] = []
    last = 0
    for level in RANK_LEVELS:
        count = places.get(level) or 0
        if count < 0:
            raise ValidationError(_("The number of places cannot be negative."))
        if count:
            last += count
            bounds.append((level, last))
    if not bounds:
        raise ValidationError(_("Give the number of places of at least one award."), code="empty")
    held = set(competition.awards.values_list("entry_id", "level"))
    given = []
    for row in ranking.rows:
        if row.rank is None:
            continue
        level = next((lv for lv, upto in bounds if row.rank <= upto), None)
        if level is None or (row.entry.pk, level) in held:
            continue
        award = Award(
            competition=competition,
            entry=row.entry,
            level=level,
            method=AwardMethod.BY_RANK,
            rank=row.rank,
            awarded_by=None if is_system(actor) else actor,
        )
        award.full_clean()
        award.save()
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=award,
            after={"level": str(award.get_level_display()), "rank": row.rank, "total": str(row.total)},
            object_repr=_award_repr(award),
        )
        given.append(award)
    return given


@transaction.atomic
def award_give(*, actor, competition: Competition, entry: CompetitionEntry, level: str, reason: str) -> Award:
    """An award given by hand (先进个人, 先进集体 …) with its reason."""
    _require_manager(actor, competition)
    competition = _locked(competition)
    if entry.competition_id != competition.pk:
        raise ValidationError({"entry": _("The entry must belong to this competition.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("An award given by hand needs its reason.")})
    if competition.awards.filter(entry=entry, level=level).exists():
        raise ValidationError({"level": _("This entry already has this award.")})
    rank = competition_ranking(competition).by_entry()[entry.pk].rank if competition.is_published else None
    award = Award(
        competition=competition,
        entry=entry,
        level=level,
        method=AwardMethod.MANUAL,
        rank=rank,
        reason=reason,
        awarded_by=None if is_system(actor) else actor,
    )
    award.full_clean()
    award.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=award,
        after={"level": str(award.get_level_display()), "reason": reason},
        object_repr=_award_repr(award),
    )
    return award


@transaction.atomic
def award_revoke(*, actor, award: Award, reason: str) -> None:
    """Take an award back, naming why (the trail keeps it)."""
    _require_manager(actor, award.competition)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the award is taken back.")})
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=award,
        before={"level": str(award.get_level_display()), "rank": award.rank, "reason": award.reason},
        summary=reason,
        object_repr=_award_repr(award),
    )
    award.delete()
