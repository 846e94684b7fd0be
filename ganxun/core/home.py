"""The home page's parts: each app adds what waits in it (``home_parts.add`` in its AppConfig.ready).

A part is ``part(user, today) -> dict`` for an administrator or a section head, merged into the page's context.
"""

from ganxun.core.hooks import Parts

# How much of each list the home page shows; the rest is one click away on the list's own page.
SHOWN = 5

home_parts = Parts("home_parts")

# A cadre who is neither an administrator nor a section head goes to 我的学习, unless a part has something for
# their home (``cadre_home_parts.add`` in an app's ready: the dashboard's charts for a 领导干部).
cadre_home_parts = Parts("cadre_home_parts")
