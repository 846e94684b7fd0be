"""django-axes with every deliberate reset of lockouts or login logs in the audit trail.

``manage.py axes_reset``, ``axes_reset_ip``, ``axes_reset_username``, ``axes_reset_ip_username``,
``axes_reset_logs`` and ``axes_reset_failure_logs`` all end in these handler methods (AXES_HANDLER); the
admin's deletions are audited in accounts/admin.py.  A reset after a successful login and the clean-up of
expired attempts are axes' own bookkeeping, not someone lifting a lockout, and go through other methods.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.db import transaction
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record

from .signals import acting_user, outside_request_note


class AuditedAxesHandler(AxesDatabaseHandler):
    def reset_attempts(
        self, *, ip_address: str | None = None, username: str | None = None, ip_or_username: bool = False
    ) -> int:
        with transaction.atomic():
            count = super().reset_attempts(ip_address=ip_address, username=username, ip_or_username=ip_or_username)
            if count:
                record_lockout_reset(count=count, username=username, ip_address=ip_address)
        return count

    def reset_logs(self, *, age_days: int | None = None) -> int:
        with transaction.atomic():
            count = super().reset_logs(age_days=age_days)
            if count:
                _record_log_deletion("accesslog", count, age_days)
        return count

    def reset_failure_logs(self, *, age_days: int | None = None) -> int:
        with transaction.atomic():
            count = super().reset_failure_logs(age_days=age_days)
            if count:
                _record_log_deletion("accessfailurelog", count, age_days)
        return count


def record_lockout_reset(*, count: int, username: str | None = None, ip_address: str | None = None) -> None:
    """One LOCKOUT_RESET event for ``count`` failed-login records removed, saying whose."""
    if username and ip_address:
        whose = _("%(username)s from %(ip)s") % {"username": username, "ip": ip_address}
    elif username:
        whose = username
    elif ip_address:
        whose = _("every account from %(ip)s") % {"ip": ip_address}
    else:
        whose = _("every account")
    summary = _("Failed-login records cleared: %(count)d (%(whose)s).") % {"count": count, "whose": whose}
    audit_record(
        actor=acting_user(),
        action=Action.LOCKOUT_RESET,
        object_type="accessattempt",
        object_repr=(username or ip_address or _("every account"))[:200],
        summary=" ".join(filter(None, [summary, outside_request_note()])),
    )


def _record_log_deletion(object_type: str, count: int, age_days: int | None) -> None:
    if age_days is None:
        summary = _("All %(count)d login log records deleted.") % {"count": count}
    else:
        summary = _("%(count)d login log records older than %(days)d days deleted.") % {
            "count": count,
            "days": age_days,
        }
    audit_record(
        actor=acting_user(),
        action=Action.DELETE,
        object_type=object_type,
        summary=" ".join(filter(None, [summary, outside_request_note()])),
    )
