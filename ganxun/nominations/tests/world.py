"""A small world for the tests: the 区委组织部 at the top, the bureau below it with two 科室, people and a class."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ganxun.accounts.models import Role
from ganxun.roster.models import PoliticalStatus, Rank, Unit, UnitKind, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

from ..services import programme_create

START = dt.date(2026, 9, 1)


class Bureau:
    def __init__(self, places: int = 2, **criteria) -> None:
        self.org = Unit.objects.get(pk=home_unit_id())
        Unit.objects.filter(pk=self.org.pk).update(name="区委组织部", kind=UnitKind.ORGANISATION_DEPARTMENT)
        self.org.refresh_from_db()
        self.bureau = UnitFactory(name="区房管局", code="QFGJ", parent=self.org)
        self.other_bureau = UnitFactory(name="区民政局", code="QMZJ", parent=self.org)
        self.section = SectionFactory(name="旧区改造科", unit=self.bureau)
        self.other_section = SectionFactory(name="住房保障科", unit=self.bureau)
        self.head_cadre = CadreFactory(name="李科长", section=self.section, leadership_level="section_chief")
        self.cadres = [
            CadreFactory(
                name=f"青年干部{n}",
                section=self.section,
                birth_date=dt.date(1991, 9, 1),
                rank=Rank.PRINCIPAL_CLERK_4,
                rank_date=dt.date(2022, 9, 1),
                political_status=PoliticalStatus.CPC_MEMBER,
            )
            for n in range(4)
        ]
        self.elsewhere = CadreFactory(name="赵四", section=self.other_section)
        self.outsider = CadreFactory(name="民政干部", section=SectionFactory(name="民政办公室", unit=self.other_bureau))
        self.admin = UserFactory(username="n_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=self.bureau)
        self.org_admin = UserFactory(username="n_org", role=Role.TRAINING_ADMIN, cadre=None, unit=self.org)
        self.head = UserFactory(username="n_head", role=Role.SECTION_HEAD, cadre=self.head_cadre)
        self.cadre_user = UserFactory(username="n_cadre", role=Role.CADRE, cadre=self.cadres[0])
        self.programme = programme_create(
            actor=self.org_admin,
            quotas=[(self.bureau, places), (self.other_bureau, 1)],
            title="2026年区中青年干部培训班",
            kind="mid_young",
            organiser=self.org,
            notice_number="区委组〔2026〕12号",
            start_date=START,
            end_date=START + dt.timedelta(days=9),
            hours=Decimal("80"),
            **criteria,
        )
