"""Reads of the practice records: ``visible_to(user)`` is the one chokepoint per model (docs/architecture.md,
"Who sees what").

- a system administrator without a unit: everything;
- an administrator: the records attributed to the units their role reaches (``roster.models.admin_unit_ids``);
  a body (campaign, team, competition) also when it is organised by a unit above theirs, since their cadres
  take part in it;
- a 科室负责人: the records attributed to their 科室 (the cadre's 科室 on the record's date); a body when one of
  its records is;
- a cadre: their own records; a body they take part in.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from ganxun.roster.models import Unit, admin_unit_ids


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _reaches_all(user) -> bool:
    return user.is_system_admin and user.unit_scope is None


def _above_or_within(user) -> Q:
    """The organising units an administrator's view takes in: their subtree and the units above theirs."""
    unit = user.unit_scope
    units = admin_unit_ids(user)
    return Q(unit_id__in=units) | Q(unit_id__in=unit.ancestor_ids() if unit is not None and unit.path else [])


class PlaceQuerySet(models.QuerySet):
    """The register of places is shared: everyone signed in reads it (merged places only by their old spelling)."""

    def visible_to(self, user):
        return self if _active(user) else self.none()

    def live(self):
        """Places not merged into another."""
        return self.filter(merged_into__isnull=True)


class CadreRecordQuerySet(models.QuerySet):
    """Records about one cadre (stints, community reports, memberships, secondments, visits)."""

    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.is_section_head and user.section_id_scope is not None:
            return self.filter(Q(section_id=user.section_id_scope) | Q(cadre_id=user.cadre_id))
        if user.cadre_id is not None:
            return self.filter(cadre_id=user.cadre_id)
        return self.none()

    def editable_by(self, user):
        """What a user may enter and change: an administrator their units' records, a 科室负责人 their 科室's."""
        if not _active(user):
            return self.none()
        if user.is_admin:
            units = admin_unit_ids(user)
            return self if units is None else self.filter(unit_id__in=units)
        if user.is_section_head and user.section_id_scope is not None:
            return self.filter(section_id=user.section_id_scope)
        return self.none()

    def in_unit(self, unit: Unit):
        """Records attributed to ``unit`` or a unit below it (one indexed prefix match)."""
        return self.filter(unit__in=Unit.objects.subtree(unit).values("pk"))

    def overlapping(self, first: dt.date, last: dt.date):
        """Records with a day from ``first`` to ``last`` (both inclusive), for models with start/end dates."""
        model = self.model
        names = {f.name for f in model._meta.get_fields()}
        if "date" in names:
            return self.filter(date__gte=first, date__lte=last)
        if "joined_on" in names:
            return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=first), joined_on__lte=last)
        if "planned_start" in names:  # a secondment: the actual dates, the planned ones where none are known
            starts = Q(actual_start__isnull=False, actual_start__lte=last) | Q(
                actual_start__isnull=True, planned_start__lte=last
            )
            ends = Q(actual_end__isnull=False, actual_end__gte=first) | Q(
                actual_end__isnull=True, planned_end__gte=first
            )
            return self.filter(starts & ends)
        return self.filter(start_date__lte=last, end_date__gte=first)

    def in_year(self, year: int):
        return self.overlapping(dt.date(year, 1, 1), dt.date(year, 12, 31))


class TeamMembershipQuerySet(CadreRecordQuerySet):
    def on(self, day: dt.date):
        """The memberships in force on ``day``: joined on or before it, not left on or before it."""
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=day), joined_on__lte=day)


class OrganisedQuerySet(models.QuerySet):
    """Campaigns and teams: a body of a unit that cadres take part in (through stints, memberships)."""

    # The reverse relation holding the cadre records of the body: stints of a campaign, memberships of a team.
    def _records(self):
        return self.model._meta.get_field("stints" if self.model._meta.model_name == "campaign" else "memberships")

    def visible_to(self, user):
        if not _active(user):
            return self.none()
        if user.is_admin:
            if _reaches_all(user):
                return self
            return self.filter(_above_or_within(user))
        related = self._records().related_model
        records = related.objects.visible_to(user).values(self._records().field.name)
        return self.filter(pk__in=records)

    def editable_by(self, user):
        """An administrator edits the bodies of the units their role reaches (not those organised above)."""
        if not _active(user) or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(unit_id__in=units)


class CompetitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An administrator: competitions of the units reached and above; anyone else: those organised by their
        own unit or one above it (the ranking is published to the bureau), which they entered or which they
        judge."""
        if not _active(user):
            return self.none()
        judged = Q(pk__in=self.model.objects.filter(judges=user.pk).values("pk"))
        if user.is_admin:
            if _reaches_all(user):
                return self
            return self.filter(_above_or_within(user) | judged)
        if user.cadre_id is None:
            return self.filter(judged)
        unit = user.unit_scope
        ids = unit.ancestor_ids() if unit is not None and unit.path else []
        entered = Q(entries__cadre_id=user.cadre_id) | Q(entries__members=user.cadre_id)
        return self.filter(Q(unit_id__in=ids) | Q(pk__in=self.model.objects.filter(entered).values("pk")) | judged)

    def editable_by(self, user):
        if not _active(user) or not user.is_admin:
            return self.none()
        units = admin_unit_ids(user)
        return self if units is None else self.filter(unit_id__in=units)


class CompetitionPartQuerySet(models.QuerySet):
    """Criteria, entries and awards: seen with their competition."""

    def visible_to(self, user):
        from .models import Competition

        return self.filter(competition__in=Competition.objects.visible_to(user).values("pk"))


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Administrators of the competition see every score; a judge their own; anyone else the scores of a
        published competition they may see."""
        from .models import Competition

        if not _active(user):
            return self.none()
        competitions = Competition.objects.visible_to(user)
        if user.is_admin:
            return self.filter(criterion__competition__in=competitions.values("pk"))
        published = competitions.filter(published_at__isnull=False).values("pk")
        return self.filter(Q(judge_id=user.pk) | Q(criterion__competition__in=published))


class EvidenceQuerySet(models.QuerySet):
    def of(self, record):
        """The evidence of one record."""
        from django.contrib.contenttypes.models import ContentType

        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)

    def visible_to(self, user):
        """Evidence of the records the user may see, whatever their kind (one subquery per kind of record)."""
        from django.contrib.contenttypes.models import ContentType

        if not _active(user):
            return self.none()
        if _reaches_all(user):
            return self
        condition = Q(pk__in=[])
        kinds = self.values_list("content_type_id", flat=True).distinct()
        for type_id in kinds:
            model = ContentType.objects.get_for_id(type_id).model_class()
            manager = getattr(model, "objects", None)
            if model is None or not hasattr(manager, "visible_to"):
                continue
            condition |= Q(content_type_id=type_id, object_id__in=manager.visible_to(user).values("pk"))
        return self.filter(condition)
