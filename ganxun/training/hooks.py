"""What training's pages and services need of the attendance app above it, filled in its AppConfig.ready.

training never imports attendance (docs/architecture.md, "Layers"); it reaches attendance rows through the
reverse relations (``session.attendances``, ``cadre.attendances``) and its code through these hooks.
"""

from ganxun.core.hooks import Hook, Parts

# (actor, activity, cadre) -> None: re-sync a cadre's ledger entries for an activity from their attendance.
sync_ledger = Hook("sync_ledger")
# (session) -> Decimal: a session's 学时 by the year's conversion rule for its kind's unit.
session_default_hours = Hook("session_default_hours")
# (sessions) -> {session id: averages} or None: the evaluations' averages, for the activity and session pages.
evaluation_averages = Hook("evaluation_averages", default=lambda sessions: None)
# The sections an app above adds to an activity's page, each ``fn(user, activity) -> list[dict]`` of
# ``{"title", "text", "url", "label", "icon"}`` (a heading, a line, a link), as ``roster.hooks.cadre_parts``;
# ``sites`` adds the 现场教学 site the activity was held at.
activity_parts = Parts("activity_parts")
