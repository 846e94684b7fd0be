"""What hours' pages show of the apps above it (training, attendance), filled in their AppConfig.ready.

hours sits below them (they write the ledger through its services), so it never imports them.
"""

from ganxun.core.hooks import Hook, Parts

# 我的学习's parts from above: ``part(cadre, today, now) -> dict`` merged into the page's context
# (the sessions coming up and those to evaluate).
learning_parts = Parts("learning_parts")

# {session id: (activity id, activity title)} for session ids, so the archive groups an activity's sessions.
session_activities = Hook("session_activities", default=lambda ids: {})
