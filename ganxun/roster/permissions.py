"""Who may do what with a cadre's record, beyond the row visibility of ``visible_to``."""

from __future__ import annotations

from .models import Cadre, Unit


def can_browse_roster(user) -> bool:
    """Admins and section heads work with lists of cadres; a cadre only sees their own page."""
    return user.is_authenticated and (user.is_admin or user.is_section_head)


def reaches_unit(user, unit_id: int | None) -> bool:
    """True when an administrator's role reaches the unit (their own or one below; everything for a system
    administrator without a unit).  Other roles reach no unit as an administrator does."""
    if not user.is_authenticated or not user.is_active or not user.is_admin or unit_id is None:
        return False
    own = user.unit
    if own is None:
        return user.is_system_admin
    if unit_id == own.pk:
        return True
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return bool(path and own.path and path.startswith(own.path))


def can_see_full_personal_data(user, cadre: Cadre) -> bool:
    """The full ID number and phone: the administrators whose role reaches the cadre's unit, and the cadre
    themself; everyone else sees them masked."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.cadre_id is not None and user.cadre_id == cadre.pk:
        return True
    return reaches_unit(user, cadre.unit_id)


def can_edit_cadre(user, cadre: Cadre) -> bool:
    """Admins edit the cadres of the units they reach; a section head those of their own 科室; a cadre nobody."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return reaches_unit(user, cadre.unit_id)
    return user.is_section_head and user.section_id_scope is not None and user.section_id_scope == cadre.section_id
