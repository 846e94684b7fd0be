"""The home page's parts: each app adds what waits in it (``home_parts.add`` in its AppConfig.ready).

A part is ``part(user, today) -> dict`` for an administrator or a section head, merged into the page's context.
"""

from ganxun.core.hooks import Parts

# How much of each list the home page shows; the rest is one click away on the list's own page.
SHOWN = 5

home_parts = Parts("home_parts")
