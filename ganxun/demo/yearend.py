"""The demo bureau's year-end report: the draft of the demo's practice year for the bureau, written through the
yearend services with the default text and the figures computed from the demo's records, and one sentence edited
as a writer would.  Call ``load_yearend(today=...)`` after the bureau and its years are loaded."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ganxun.accounts.models import Role, User
from ganxun.yearend import services
from ganxun.yearend.models import Draft

from .practice import practice_year_of


@dataclasses.dataclass
class YearendDemo:
    draft: Draft


def load_yearend(*, today: dt.date) -> YearendDemo:
    """The bureau's draft of the demo year (the bureau: the training administrator's unit)."""
    admin = (
        User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True, unit__isnull=False)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    draft = services.draft_create(actor=admin, unit=admin.unit, year=practice_year_of(today))
    closing = draft.paragraphs.order_by("-position").first()
    services.paragraph_update(
        actor=admin,
        paragraph=closing,
        text=closing.text.replace(
            "推动干部教育培训工作再上新台阶", "在住房民生改善的新赛道上跑出旧住房更新改造的加速度"
        ),
    )
    return YearendDemo(draft)
