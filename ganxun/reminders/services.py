"""The one write of the reminders: a person marks notices read (audited).  Idempotent: marking again does
nothing."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster.models import Cadre

from .models import NoticeRead
from .queries import cadre_deadlines


@transaction.atomic
def notices_mark_read(*, actor, cadre: Cadre, keys: list[str] | None = None) -> int:
    """Mark the actor's notices about ``cadre`` read: those of ``keys`` (all the current ones when None).

    Only notices the actor can see now may be marked: a key that is not one is refused, so no row is written
    for a notice that does not exist.  Returns how many were newly marked.
    """
    if not Cadre.objects.visible_to(actor).filter(pk=cadre.pk).exists():
        raise PermissionDenied
    found = cadre_deadlines(Cadre.objects.filter(pk=cadre.pk), timezone.localdate())
    current = {d.notice_key for row in found for d in row.notices}
    wanted = current if keys is None else set(keys)
    unknown = wanted - current
    if unknown:
        raise ValidationError(_("This notice is no longer current."))
    done = set(NoticeRead.objects.filter(user=actor, cadre=cadre, key__in=wanted).values_list("key", flat=True))
    new = sorted(wanted - done)
    NoticeRead.objects.bulk_create([NoticeRead(user=actor, cadre=cadre, key=key) for key in new])
    if new:
        audit_record(
            actor=actor,
            action=Action.UPDATE,
            obj=cadre,
            object_type="notice",
            summary=_("Marked %(count)s notices read: %(keys)s") % {"count": len(new), "keys": ", ".join(new)},
        )
    return len(new)
