"""What hours' pages show of the apps above it (training, attendance), filled in their AppConfig.ready.

hours sits below them (they write the ledger through its services), so it never imports them.
"""

from ganxun.core.hooks import Hook, Parts

# 我的学习's parts from above: ``part(cadre, today, now) -> dict`` merged into the page's context
# (the sessions coming up and those to evaluate).
learning_parts = Parts("learning_parts")

# {session id: (activity id, activity title)} for session ids, so the archive groups an activity's sessions.
session_activities = Hook("session_activities", default=lambda ids: {})

# The archive's sections from above, one per app: ``part(cadre, years, user) -> {year: section}`` where a section
# is a dict with a ``template`` to include (given ``section``) and what it shows, e.g. the practice records of
# the year that have no 学时 line of their own (a team membership).
archive_parts = Parts("archive_parts")

# Whether an online self-report repeats what a platform's import already counts: ``check(cadre, year, title,
# platform) -> message or None`` (filled by ``online``; None: no app imports platforms, any report may be made).
online_report_covered = Hook("online_report_covered", default=lambda cadre, year, title, platform="": None)

# The platforms a cadre may name on an online self-report: ``choices() -> [(value, label)]`` (filled by ``online``).
online_platform_choices = Hook("online_platform_choices", default=lambda: [])
