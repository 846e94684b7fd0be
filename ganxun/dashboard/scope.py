"""Whose numbers a user's charts show: one place decides, every chart and endpoint starts from it.

- an administrator: the units their role reaches (a system administrator without a unit: everything);
- a 领导干部 (a cadre with a 县处级 leadership level): their unit and the units below, as aggregates only (no
  chart names a person);
- a 科室负责人: their 科室;
- any other cadre: themself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import QuerySet

from ganxun.roster.models import COUNTY_DIVISION_LEADERSHIP, Cadre, CadrePeriod, Unit


@dataclasses.dataclass(frozen=True)
class Scope:
    kind: str  # "unit" (administrators and leaders), "section" or "cadre"
    user: object
    unit: Unit | None = None  # for "unit": the top of the subtree (None: everything)
    section_id: int | None = None
    cadre_id: int | None = None

    @property
    def is_unit(self) -> bool:
        return self.kind == "unit"

    def cadres(self, year: int) -> QuerySet[Cadre]:
        """The cadres whose year is counted: who served in the scope at any time in the year."""
        span = (dt.date(year, 1, 1), dt.date(year, 12, 31))
        if self.kind == "cadre":
            return Cadre.objects.filter(pk=self.cadre_id)
        if self.kind == "section" or self.user.is_admin:
            return Cadre.objects.visible_to(self.user, during=span)
        served = CadrePeriod.objects.overlapping(*span).filter(unit__path__startswith=self.unit.path)
        return Cadre.objects.filter(pk__in=served.values("cadre_id"))


def is_leader(user) -> bool:
    """A cadre whose leadership level is 县处级 (read from the account's cadre: no query)."""
    cadre = getattr(user, "cadre", None) if user.is_authenticated and user.is_active else None
    return cadre is not None and cadre.leadership_level in COUNTY_DIVISION_LEADERSHIP


def scope_for(user) -> Scope | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_admin:
        if user.unit is None and not user.is_system_admin:
            return None  # a training administrator always has a unit; without one they reach nothing
        return Scope("unit", user, unit=user.unit)
    if is_leader(user):
        return Scope("unit", user, unit=user.cadre.unit)
    if user.is_section_head and user.section_id_scope is not None:
        return Scope("section", user, section_id=user.section_id_scope)
    if user.cadre_id is not None:
        return Scope("cadre", user, cadre_id=user.cadre_id)
    return None
