"""A hand-counted world for the statistics tables and the 考核 list (year 2025, judged after it ended).

区委组织部 (the home unit) ─┬─ 区房管局 A (办公室, 业务科) ── 房管所 L (所办)
                          └─ 区民政局 B (民政科)

In A on 31 December 2025: 甲 (县处级, 办公室), 乙 (办公室), 丙 (业务科, the section head), 丁 (业务科), 戊 (业务科),
庚 (业务科, hired on 1 November 2025, on probation), 辛 (办公室, moved from B on 1 July 2025).  己 (办公室) retired on
15 June 2025.  L: 壬.  B: 癸.  Every figure the tests expect is counted by hand in the test module.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ganxun.accounts.models import Role
from ganxun.hours.models import Bucket, EntryStatus, Source
from ganxun.hours.tests.factories import LedgerEntryFactory
from ganxun.hours.tests.history import history
from ganxun.nominations.models import ClassKind, Nomination, NominationStatus, Programme, Quota
from ganxun.practice.models import Secondment, SecondmentKind
from ganxun.roster.models import LeadershipLevel, Status, Unit, UnitKind, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory
from ganxun.training.models import TrainingType
from ganxun.training.tests.factories import ActivityFactory, ActivityKindFactory, SessionFactory

D = Decimal
YEAR = 2025
LONG_AGO = dt.date(2015, 1, 1)


def session_of(training_type: str, day: dt.date, unit: Unit):
    names = {
        TrainingType.INDUCTION: "初任培训班",
        TrainingType.APPOINTMENT: "任职培训班",
        TrainingType.SPECIALISED: "专门业务培训班",
        TrainingType.IN_SERVICE: "全员培训班",
    }
    kind = ActivityKindFactory(name=names[training_type])
    if kind.training_type != training_type:
        kind.training_type = training_type
        kind.save(update_fields=["training_type"])
    return SessionFactory(activity=ActivityFactory(kind=kind, unit=unit), date=day)


class StatsWorld:
    def __init__(self) -> None:
        self.org = Unit.objects.get(pk=home_unit_id())
        Unit.objects.filter(pk=self.org.pk).update(name="区委组织部", kind=UnitKind.ORGANISATION_DEPARTMENT)
        self.org.refresh_from_db()
        self.a = UnitFactory(name="区房管局", code="OSA", parent=self.org, sort_order=1)
        self.lower = UnitFactory(name="房管所", code="OSL", parent=self.a)
        self.b = UnitFactory(name="区民政局", code="OSB", parent=self.org, sort_order=2)
        self.office = SectionFactory(name="办公室", unit=self.a, sort_order=1)
        self.business = SectionFactory(name="业务科", unit=self.a, sort_order=2)
        self.lower_office = SectionFactory(name="所办", unit=self.lower)
        self.b_section = SectionFactory(name="民政科", unit=self.b)

        def cadre(name, section, **fields):
            return history(CadreFactory(name=name, section=section, **fields), (LONG_AGO, {}))

        self.jia = cadre("甲", self.office, leadership_level=LeadershipLevel.DIVISION_CHIEF)
        self.yi = cadre("乙", self.office)
        self.bing = cadre("丙", self.business, leadership_level=LeadershipLevel.SECTION_CHIEF)
        self.ding = cadre("丁", self.business)
        self.wu = cadre("戊", self.business)
        self.ji = history(
            CadreFactory(name="己", section=self.office),
            (LONG_AGO, {}),
            (dt.date(2025, 6, 15), {"status": Status.RETIRED}),
        )
        self.geng = history(
            CadreFactory(
                name="庚", section=self.business, hire_date=dt.date(2025, 11, 1), probation_end=dt.date(2026, 10, 31)
            ),
            (dt.date(2025, 11, 1), {}),
        )
        self.xin = history(
            CadreFactory(name="辛", section=self.b_section),
            (LONG_AGO, {}),
            (dt.date(2025, 7, 1), {"section": self.office}),
        )
        self.ren = cadre("壬", self.lower_office)
        self.gui = cadre("癸", self.b_section)

        def entry(who, day, hours, bucket, source=Source.ONLINE_RECORD, **fields):
            return LedgerEntryFactory(cadre=who, date=day, hours=D(hours), bucket=bucket, source=source, **fields)

        def attended(who, training_type, day, hours):
            session = session_of(training_type, day, self.a)
            return entry(who, day, hours, Bucket.CENTRALISED, Source.SESSION, source_id=session.pk)

        # 甲: a specialised class, online 50; 300 centralised in 2024 keeps the five-year cycle on track.
        attended(self.jia, TrainingType.SPECIALISED, dt.date(2025, 3, 1), 40)
        entry(self.jia, dt.date(2025, 5, 1), 50, Bucket.ONLINE)
        entry(self.jia, dt.date(2024, 6, 1), 300, Bucket.CENTRALISED, Source.OUTSIDE_CLASS)
        # 乙: an induction class on 31 December; online on 1 January of the next year; a self-report pending.
        attended(self.yi, TrainingType.INDUCTION, dt.date(2025, 12, 31), 8)
        entry(self.yi, dt.date(2026, 1, 1), 50, Bucket.ONLINE)
        entry(
            self.yi,
            dt.date(2025, 6, 1),
            10,
            Bucket.SELF_STUDY,
            Source.SELF_REPORT,
            source_id=None,
            status=EntryStatus.PENDING,
        )
        # 丙: an appointment class, online 50, self-study 30 confirmed (capped at 20).
        attended(self.bing, TrainingType.APPOINTMENT, dt.date(2025, 4, 1), 40)
        entry(self.bing, dt.date(2025, 5, 2), 50, Bucket.ONLINE)
        entry(self.bing, dt.date(2025, 7, 1), 30, Bucket.SELF_STUDY, Source.SELF_REPORT, source_id=None)
        # 戊: a lecture given (trained, under no training type).
        entry(self.wu, dt.date(2025, 5, 1), 4, Bucket.CENTRALISED, Source.LECTURE)
        # 己 retired in June: 20 centralised before.
        entry(self.ji, dt.date(2025, 3, 1), 20, Bucket.CENTRALISED, Source.OUTSIDE_CLASS)
        # 庚, hired on 1 November: online 10, an outside class 10.
        entry(self.geng, dt.date(2025, 11, 15), 10, Bucket.ONLINE)
        entry(self.geng, dt.date(2025, 11, 20), 10, Bucket.CENTRALISED, Source.OUTSIDE_CLASS)
        # 壬 in 房管所: an in-service class 10 and practice 6.
        attended(self.ren, TrainingType.IN_SERVICE, dt.date(2025, 2, 1), 10)
        entry(self.ren, dt.date(2025, 8, 1), 6, Bucket.PRACTICE, Source.PRACTICE)
        # 癸 in B: an outside class 40 and online 50.
        entry(self.gui, dt.date(2025, 9, 1), 40, Bucket.CENTRALISED, Source.OUTSIDE_CLASS)
        entry(self.gui, dt.date(2025, 9, 2), 50, Bucket.ONLINE)

        # 调训: 丁 confirmed into a 中青班, 戊 into a 青干班; 乙 only nominated; 甲 confirmed into a 2026 class.
        def called(who, kind, start, status=NominationStatus.CONFIRMED):
            programme = Programme.objects.create(
                title=f"{kind}{start}",
                kind=kind,
                organiser=self.org,
                start_date=start,
                end_date=start + dt.timedelta(days=5),
                hours=D(40),
            )
            quota = Quota.objects.create(programme=programme, unit=who.unit, places=3)
            Nomination.objects.create(
                programme=programme, cadre=who, quota=quota, unit=who.unit, section=who.section, status=status
            )

        called(self.ding, ClassKind.MID_YOUNG, dt.date(2025, 9, 1))
        called(self.wu, ClassKind.YOUNG, dt.date(2025, 10, 1))
        called(self.yi, ClassKind.PARTY_SCHOOL, dt.date(2025, 10, 1), NominationStatus.NOMINATED)
        called(self.jia, ClassKind.PARTY_SCHOOL, dt.date(2026, 3, 1))

        # 援派: 丁 in Tibet over the year (planned dates); 戊's secondment ended, as it turned out, in 2024.
        Secondment.objects.create(
            cadre=self.ding,
            unit=self.a,
            section=self.business,
            kind=SecondmentKind.TIBET,
            region="西藏日喀则市",
            planned_start=dt.date(2024, 7, 1),
            planned_end=dt.date(2027, 6, 30),
        )
        Secondment.objects.create(
            cadre=self.wu,
            unit=self.a,
            section=self.business,
            kind=SecondmentKind.ATTACHMENT,
            region="云南",
            planned_start=dt.date(2024, 1, 1),
            planned_end=dt.date(2025, 6, 30),
            actual_start=dt.date(2024, 1, 1),
            actual_end=dt.date(2024, 12, 31),
        )

        self.admin = UserFactory(username="os_admin", role=Role.TRAINING_ADMIN, cadre=None, unit=self.a)
        self.org_admin = UserFactory(username="os_org", role=Role.TRAINING_ADMIN, cadre=None, unit=self.org)
        self.b_admin = UserFactory(username="os_b", role=Role.TRAINING_ADMIN, cadre=None, unit=self.b)
        self.leader = UserFactory(username="os_leader", role=Role.CADRE, cadre=self.jia)
        self.head = UserFactory(username="os_head", role=Role.SECTION_HEAD, cadre=self.bing)
        self.cadre_user = UserFactory(username="os_cadre", role=Role.CADRE, cadre=self.ding)
