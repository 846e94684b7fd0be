"""The navigation bar: only what exists and what this user may open."""

from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("Home"), reverse("core:home"), "house")]
    if user.is_admin or user.is_section_head:
        items.append((_("Roster"), reverse("roster:cadre_list"), "people"))
    if user.cadre_id:
        items.append((_("My archive"), reverse("roster:cadre_detail", args=[user.cadre_id]), "journal-text"))
    if user.is_admin:
        items.append((_("Sections"), reverse("roster:section_list"), "diagram-3"))
        items.append((_("Import"), reverse("roster:cadre_import"), "upload"))
        items.append((_("Audit trail"), reverse("audit:event_list"), "shield-check"))
    # Only the most specific match is highlighted: /roster/sections/ is 科室, not also 干部名册.
    current = request.path
    matches = [url for _label, url, _icon in items if current == url or (url != "/" and current.startswith(url))]
    active = max(matches, key=len, default=None)
    return {
        "nav_items": [{"label": label, "url": url, "icon": icon, "active": url == active} for label, url, icon in items]
    }
