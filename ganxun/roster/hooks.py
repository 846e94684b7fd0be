"""Hooks of the roster (see ``core/hooks.py``): what the apps above show on a cadre's page without being imported.

- ``cadre_parts``: the sections an app adds to the cadre's page, each ``fn(user, cadre) -> list[dict]`` of
  ``{"title", "text", "url", "label", "icon"}`` (a heading, a line, a link); the practice classroom adds the cadre's
  practice records.  A part costs no query: it links, the page behind the link reads.
"""

from __future__ import annotations

from ganxun.core.hooks import Parts

cadre_parts = Parts("cadre_parts")
