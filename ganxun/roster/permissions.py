"""Who may do what with a cadre's record, beyond the row visibility of ``visible_to``."""

from __future__ import annotations

from .models import Cadre


def can_browse_roster(user) -> bool:
    """Admins and section heads work with lists of cadres; a cadre only sees their own page."""
    return user.is_authenticated and (user.is_admin or user.is_section_head)


def can_see_full_personal_data(user, cadre: Cadre) -> bool:
    """The full ID number and phone: administrators and the cadre themself; everyone else sees them masked."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_admin or (user.cadre_id is not None and user.cadre_id == cadre.pk)


def can_edit_cadre(user, cadre: Cadre) -> bool:
    """Admins edit anyone; a section head the cadres of their own 科室; a cadre nobody."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    return user.is_section_head and user.section_id_scope is not None and user.section_id_scope == cadre.section_id
