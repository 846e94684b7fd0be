"""The attendance pages' permission policy, to merge into ``ganxun/core/tests/test_permissions.py``'s POLICY.

Each URL name maps to a list of rules shaped like that file's ``Rule(get=..., post=..., target=...)``, with the
same outcome strings, for an empty POST.  The targets are objects the matrix's ``World`` must provide:

- ``session``: a session, held today from 09:00 to 11:00, of an activity (``activity``) organised by
  ``head_section`` in which ``own_cadre`` and ``peer`` are enrolled; evaluation open for a day.
- ``activity``: that session's activity.

Path parameters besides ``pk``: ``token`` is ``ganxun.training.checkin.make_token(world.session.pk)``.
``ganxun/attendance/tests/test_attendance_permissions.py`` runs these rules against such a world today.
"""

from __future__ import annotations

from ganxun.core.tests.test_permissions import FORBIDDEN, INVALID, NOT_ALLOWED, OK, REDIRECT, roles

ADMINS = roles(FORBIDDEN, training_admin=OK, system_admin=OK)
NOT_ALLOWED_FOR_ALL = roles(NOT_ALLOWED)

POLICY: dict[str, list[dict]] = {
    # The QR address.  Logged in, GET shows the confirm button or why not (the admins' accounts have no cadre)
    # and never writes; an empty POST lacks the session it confirms (400).  The anonymous are sent to log in
    # by the view itself, which remembers the scan first.
    "attendance:checkin": [{"target": "session", "get": roles(OK), "post": roles(INVALID)}],
    "attendance:checkin_screen": [{"target": "session", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
    # The section head reads their own 科室's rows; only admins save (an empty POST changes nothing: back to it).
    "attendance:attendance_sheet": [
        {
            "target": "session",
            "get": roles(FORBIDDEN, section_head=OK, training_admin=OK, system_admin=OK),
            "post": roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT),
        }
    ],
    # Empty POST: the upload form with errors, as a 400.
    "attendance:session_import": [
        {"target": "session", "get": ADMINS, "post": roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID)}
    ],
    "attendance:activity_import": [
        {"target": "activity", "get": ADMINS, "post": roles(FORBIDDEN, training_admin=INVALID, system_admin=INVALID)}
    ],
    "attendance:session_import_template": [{"target": "session", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
    "attendance:activity_import_template": [{"target": "activity", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
    # Without an upload waiting in the session the admin is sent back.
    "attendance:import_confirm": [
        {
            "target": "",
            "get": NOT_ALLOWED_FOR_ALL,
            "post": roles(FORBIDDEN, training_admin=REDIRECT, system_admin=REDIRECT),
        }
    ],
    # Anyone who can see the session opens it: the form, or why not (not attended, no cadre); an empty POST is
    # refused or an invalid form (400).
    "attendance:evaluation_create": [{"target": "session", "get": roles(OK), "post": roles(INVALID)}],
    "attendance:evaluation_detail": [{"target": "session", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
    "attendance:evaluation_list": [{"target": "", "get": ADMINS, "post": NOT_ALLOWED_FOR_ALL}],
}
