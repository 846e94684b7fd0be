"""The navigation bar: only what exists and what this user may open."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .hooks import Hook

# Whether the user reads the leadership's study archive (administrators and 领导干部): the study app provides it.
study_archive_reader = Hook("study_archive_reader", default=lambda user: False)


def _items(user) -> tuple[list[tuple[str, Any, str]], list[tuple[str, str, str]]]:
    """(main bar, 管理 menu) as (label, url, icon) for this user's role; an entry of the main bar whose "url" is a
    list of such entries is a menu of them."""
    main = [(_("Home"), reverse("core:home"), "house")]
    if user.cadre_id:
        main.append((_("My learning"), reverse("hours:my_learning"), "mortarboard"))
    main.append((_("Training activities"), reverse("training:activity_list"), "calendar-event"))
    # Everyone: an administrator or 科室负责人 enters and reads their records there, a cadre reads their own.
    main.append((_("Practice classroom"), reverse("practice:index"), "flag"))
    # 理论课堂: its parts in one menu (the study sessions themselves are training activities).
    theory = [
        (_("Online learning"), reverse("online:index"), "laptop"),
        (_("Micro-classroom"), reverse("microclass:course_list"), "play-btn"),
    ]
    if study_archive_reader(user):  # administrators and 领导干部: the leadership's study record
        theory.append((_("Study archive"), reverse("study:index"), "journal-bookmark"))
    main.append((_("Theory classroom"), theory, "book"))
    # 专业课堂: the year's plan carried out — the lecture series, its lecturers, the rotation of new cadres.
    professional = []
    if study_archive_reader(user):  # administrators and 领导干部 (who approve it)
        professional.append((_("Annual training plans"), reverse("plans:plan_list"), "clipboard-check"))
    if user.is_admin or user.is_section_head:
        professional.append((_("Training nominations"), reverse("nominations:programme_list"), "send"))
    if user.cadre_id:
        professional.append((_("My nominations"), reverse("nominations:my_nominations"), "person-check"))
    if user.is_admin or user.is_section_head:
        professional.append((_("Training menu"), reverse("menu:gaps"), "list-check"))
    if user.cadre_id:
        professional.append((_("My training menu"), reverse("menu:my_menu"), "list-task"))
    professional += [
        (_("Monthly lecture series"), reverse("lectures:schedule"), "easel"),
        (_("Topic modules by year"), reverse("lectures:topic_lectures"), "bookmarks"),
    ]
    if user.is_admin or user.is_section_head:
        professional.append((_("Lecturer pool"), reverse("lectures:lecturer_list"), "person-video3"))
    professional.append((_("Rotation of new cadres"), reverse("rotation:list"), "arrow-left-right"))
    professional.append((_("Reception desk"), reverse("reception:rota"), "person-workspace"))
    professional.append((_("Field teaching sites"), reverse("sites:site_list"), "geo-alt"))
    main.append((_("Professional classroom"), professional, "briefcase"))
    # 工作成效: deadlines and reminders, the tables reported upward, the year-end report.
    results = []
    if user.cadre_id:
        results.append((_("My reminders"), reverse("reminders:mine"), "alarm"))
        results.append((_("My hours in charts"), reverse("dashboard:mine"), "bar-chart-line"))
    if user.is_admin or user.is_section_head:
        results.append((pgettext("navigation", "Behind schedule"), reverse("reminders:behind"), "exclamation-triangle"))
        results.append((_("Weekly digest"), reverse("reminders:digest"), "calendar-week"))
    if study_archive_reader(user):  # administrators and 领导干部
        results.append((_("Statistics tables"), reverse("orgstats:tables"), "table"))
    if study_archive_reader(user) or user.is_section_head:
        results.append((_("Annual assessment"), reverse("orgstats:assessment"), "clipboard-data"))
    if study_archive_reader(user):  # administrators and 领导干部
        results.append((_("Year-end report"), reverse("yearend:draft_list"), "journal-richtext"))
    if results:
        main.append((_("Results"), results, "graph-up"))
    if user.is_admin or user.is_section_head:
        main.append((_("Roster"), reverse("roster:cadre_list"), "people"))
        main.append((_("Hour compliance"), reverse("hours:compliance"), "bar-chart"))
        main.append((_("Hour reviews"), reverse("hours:self_report_queue"), "check2-square"))
    if user.cadre_id:
        main.append((_("My archive"), reverse("hours:cadre_archive", args=[user.cadre_id]), "journal-text"))
    manage = []
    if user.is_admin:
        manage = [
            (_("Units"), reverse("roster:unit_list"), "bank"),
            (_("Sections"), reverse("roster:section_list"), "diagram-3"),
            (_("Tags"), reverse("roster:tag_list"), "tags"),
            (_("Import"), reverse("roster:cadre_import"), "upload"),
            (_("Activity kinds"), reverse("training:kind_list"), "collection"),
            (_("Topic modules"), reverse("training:topic_list"), "bookmarks"),
            (_("Working-day calendar"), reverse("lectures:calendar_list"), "calendar3"),
            (_("Post menus"), reverse("menu:menu_list"), "journal-check"),
            (_("Hour rules"), reverse("hours:rule_list"), "sliders"),
            (_("Outside classes"), reverse("hours:outside_class_list"), "building"),
            (_("Course evaluations"), reverse("attendance:evaluation_list"), "star"),
            (_("Audit trail"), reverse("audit:event_list"), "shield-check"),
        ]
    return main, manage


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "manage_items": []}
    main, manage = _items(user)
    # Only the most specific match is highlighted: /roster/sections/ is 科室, not also 干部名册.
    current = request.path
    links = [
        link for label, url, icon in main for link in (url if isinstance(url, list) else [(label, url, icon)])
    ] + manage
    matches = [url for _label, url, _icon in links if current == url or (url != "/" and current.startswith(url))]
    active = max(matches, key=len, default=None)

    def entries(items):
        found = []
        for label, url, icon in items:
            if isinstance(url, list):
                children = entries(url)
                active_child = any(child["active"] for child in children)
                found.append({"label": label, "icon": icon, "children": children, "active": active_child})
            else:
                found.append({"label": label, "url": url, "icon": icon, "active": url == active})
        return found

    manage_entries = entries(manage)
    return {
        "nav_items": entries(main),
        "manage_items": manage_entries,
        "manage_active": any(item["active"] for item in manage_entries),
    }
