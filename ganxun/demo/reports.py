"""The hours that do not come from the bureau's own sessions: outside classes and self-reports."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours import services as hours
from ganxun.hours.models import Bucket, EntryStatus, LedgerEntry, Requirement, Source
from ganxun.roster.models import Cadre, LeadershipLevel, Tier

from .schedule import ONE, latest, monday_of, working_day, working_days

if TYPE_CHECKING:
    from .loader import TrainingYear

REJECTIONS = (
    "学时证明截图与平台导出记录不一致，请补充平台学时证明后重新提交。",
    "该课程已在集中培训中计算学时，不重复计算。",
    "请补充社区出具的服务证明。",
    "自学内容与记录时间不符，请核实后重新填报。",
)


RETURN_REASON = "请按实际学习日期分项填报，并补充平台学时证明截图。"


def _half(value: float) -> Decimal:
    """A figure in half hours, as the online platform rounds them."""
    return Decimal(max(round(value * 2), 0)) / 2


class OtherHours:
    """调训 to outside classes and the cadres' own reports; mixed into the Loader, whose people it uses."""

    today: dt.date
    rng: random.Random
    admin: User
    second_admin: User | None
    accounts: dict[int, User]
    heads: dict[int, User]
    cadres: list[Cadre]
    chiefs: dict[str, Cadre]
    leaders: list[Cadre]
    result: TrainingYear

    def actor_for(self, cadre: Cadre | None) -> User: ...

    def outside_class(
        self, title: str, organiser: str, start: dt.date, end: dt.date, hours_: int, people: list[Cadre], note: str = ""
    ) -> None:
        if not people:
            return
        outside = hours.outside_class_create(
            actor=self.admin,
            title=title,
            organiser=organiser,
            start_date=start,
            end_date=end,
            hours=Decimal(hours_),
            bucket=Bucket.CENTRALISED,
            note=note,
        )
        for actor in dict.fromkeys(self.actor_for(cadre) for cadre in people):  # nobody adds themself
            hours.outside_class_add_participants(
                actor=actor,
                outside_class=outside,
                cadres=[c for c in people if self.actor_for(c) == actor],
                evidence="结业证书",
            )
        self.result.outside_classes += 1

    def outside_classes(self) -> None:
        """调训 by the district: 中青班 and 青干班 this year; for the 县处级 the earlier years of their cycle."""
        rng, today = self.rng, self.today
        start = monday_of(latest(today, 3, 9, before=today - ONE * 70))
        deputies = [
            c
            for c in self.cadres
            if c.leadership_level == LeadershipLevel.DEPUTY_SECTION_CHIEF
            and 33 <= c.age_on(start) <= 45
            and self.in_post(c, start)
        ]
        self.outside_class(
            f"{start.year}年杨浦区中青年干部培训班（中青班）",
            "区委组织部、区委党校",
            start,
            start + ONE * 53,
            160,
            rng.sample(deputies, min(2, len(deputies))),
            note="脱产培训两个月，含赴外省市学习考察。",
        )
        start = monday_of(latest(today, 9, 7, before=today - ONE * 25))
        young = [
            c
            for c in self.cadres
            if not c.leadership_level
            and 27 <= c.age_on(start) <= 35
            and c.hire_date
            and start - c.hire_date > dt.timedelta(days=700)
        ]
        self.outside_class(
            f"{start.year}年杨浦区优秀青年干部培训班（青干班）",
            "区委组织部、团区委",
            start,
            start + ONE * 18,
            96,
            rng.sample(young, min(3, len(young))),
        )
        # The cycle this year falls in, if it began before it.
        cycle = (
            Requirement.objects.filter(tier=Tier.COUNTY_DIVISION, start_year__lt=today.year, end_year__gte=today.year)
            .order_by("start_year")
            .first()
        )
        if cycle is None:
            return
        county = [c for c in self.cadres if c.tier == Tier.COUNTY_DIVISION]
        years = list(range(cycle.start_year, today.year))
        for year in years:
            day = working_day(dt.date(year, 11, 18))
            self.outside_class(f"{year}年度区管干部集中轮训", "区委组织部", day, working_days(day, 3)[-1], 24, county)
        # Each 县处级 cadre spent one to two months at the Party school in some year of the cycle (two did not).
        spells: dict[tuple[int, int], list[Cadre]] = {}
        for cadre in county:
            if rng.random() < 0.07:
                continue
            spells.setdefault((rng.choice(years), rng.choice((240, 320, 320))), []).append(cadre)
        for number, ((year, hours_), people) in enumerate(sorted(spells.items(), key=lambda kv: kv[0]), start=41):
            start = monday_of(working_day(dt.date(year, 4 if hours_ == 320 else 9, 6)))
            weeks = 8 if hours_ == 320 else 6
            self.outside_class(
                f"区委党校第{number}期处级干部进修班",
                "区委党校",
                start,
                start + ONE * (7 * (weeks - 1) + 4),
                hours_,
                people,
                note="脱产学习，结业考核合格。",
            )
        middle = years[len(years) // 2]
        start = monday_of(working_day(dt.date(middle, 6, 10)))
        self.outside_class(
            f"{middle}年人民城市建设与城市治理专题研修班",
            "中国浦东干部学院",
            start,
            start + ONE * 4,
            40,
            [c for c in county if rng.random() < 0.5],
        )

    # --- self-reports --------------------------------------------------------------------------------

    def submit(
        self, cadre: Cadre, *, date: dt.date, hours_: Decimal, bucket: str, title: str, evidence: str
    ) -> LedgerEntry:
        """A cadre's self-report: through the service for a cadre with an account, else as the service writes it."""
        witness = (self.chiefs.get(cadre.section.name) or self.leaders[0]).name
        if witness == cadre.name:
            witness = self.leaders[1].name
        user = self.accounts.get(cadre.pk)
        if user is not None:
            entry = hours.self_report_submit(
                actor=user,
                cadre=cadre,
                date=date,
                hours=hours_,
                bucket=bucket,
                title=title,
                evidence=evidence,
                witness=witness,
            )
        else:
            entry = LedgerEntry(
                cadre=cadre,
                date=date,
                hours=hours_,
                bucket=bucket,
                source=Source.SELF_REPORT,
                source_id=None,
                title=title,
                evidence=evidence,
                witness=witness,
                status=EntryStatus.PENDING,
            )
            entry.full_clean()
            entry.save()
            audit_record(
                actor=None,
                action=Action.CREATE,
                obj=entry,
                after={**hours.entry_snapshot(entry), "witness": witness, "evidence": evidence, "evidence_file": ""},
                summary=_("Self-report submitted"),
            )
        self.result.self_reports += 1
        return entry

    def settle(self, entry: LedgerEntry, status: str, reason: str = "") -> None:
        """Take a submitted report to ``status`` the way it goes: the section head first where there is one."""
        if status == EntryStatus.PENDING:
            return
        head = self.heads.get(entry.cadre.section_id)
        if status == EntryStatus.RETURNED:  # by whoever holds it: the section head, else an administrator
            returner = head if head is not None and head.cadre_id != entry.cadre_id else self.actor_for(entry.cadre)
            hours.self_report_return(actor=returner, entry=entry, reason=RETURN_REASON)
            return
        if head is not None and head.cadre_id != entry.cadre_id:
            approve = not (status == EntryStatus.REJECTED and reason.startswith("请补充"))
            entry = hours.self_report_review(actor=head, entry=entry, approve=approve, reason="" if approve else reason)
            if status == EntryStatus.SECTION_APPROVED or not approve:
                return
        if status == EntryStatus.SECTION_APPROVED:
            return  # no section head to approve it: it waits in the administrators' queue
        decider = self.admin if self.admin.cadre_id != entry.cadre_id else self.second_admin
        hours.self_report_decide(actor=decider, entry=entry, confirm=status == EntryStatus.CONFIRMED, reason=reason)

    def report(self, cadre: Cadre, status: str, **fields) -> None:
        reason = self.rng.choice(REJECTIONS) if status == EntryStatus.REJECTED else ""
        if status == EntryStatus.REJECTED and fields["bucket"] == Bucket.PRACTICE:
            reason = REJECTIONS[2]
        self.settle(self.submit(cadre, **fields), status, reason)

    def self_reports(self) -> None:
        """Online learning reported each quarter, leaders' self-study, a little practice: in every state."""
        rng, today = self.rng, self.today
        year = today.year
        demo_cadres = {pk for pk, user in self.accounts.items() if user.role == Role.CADRE}
        for cadre in self.cadres:
            pace = rng.choice((0.2, 0.55, 0.6)) if rng.random() < 0.1 else rng.uniform(1.0, 1.2)
            for quarter in range(1, 5):
                first = dt.date(year, quarter * 3 - 2, 1)
                last = dt.date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - ONE
                begun = max(first, cadre.hire_date or first)
                if begun >= today or begun > last:
                    continue
                share = ((min(last, today) - begun).days + 1) / ((last - first).days + 1)
                amount = _half(17 * pace * share * rng.uniform(0.9, 1.1))
                if amount < 3:
                    continue
                if last < today:
                    # Self-reported: a platform without an export (干部在线学习 comes from its export, demo/theory.py).
                    title = f"中国干部网络学院：{year}年第{quarter}季度课程学习"
                    day = last
                    statuses = (
                        [EntryStatus.CONFIRMED]
                        if rng.random() > 0.02
                        else [EntryStatus.REJECTED, EntryStatus.CONFIRMED]
                    )
                elif (today - first).days >= 20 and (rng.random() < 0.45 or cadre.pk in demo_cadres):
                    title = f"中国干部网络学院：{year}年第{quarter}季度课程学习（截至{today.month}月{today.day}日）"
                    day = today - ONE * rng.randint(0, 5)
                    roll = rng.random()
                    statuses = [
                        EntryStatus.PENDING
                        if roll < 0.5 or cadre.pk in demo_cadres
                        else EntryStatus.RETURNED
                        if roll < 0.55
                        else (EntryStatus.SECTION_APPROVED if roll < 0.8 else EntryStatus.CONFIRMED)
                    ]
                else:
                    continue
                # One item per day of study, each within the online rule's cap per item (8 学时).
                pieces = [min(amount - 8 * n, Decimal(8)) for n in range(math.ceil(amount / 8))]
                day = max(day, begun)
                for n, piece in enumerate(pieces):
                    if day - ONE * n < begun:
                        break
                    part = f"（{n + 1}/{len(pieces)}）" if len(pieces) > 1 else ""
                    for status in statuses:
                        self.report(
                            cadre,
                            status,
                            date=day - ONE * n,
                            hours_=piece,
                            bucket=Bucket.ONLINE,
                            title=f"{title}{part}",
                            evidence=f"中国干部网络学院学时证明截图（{max(int(piece // 2), 1)}门课程）",
                        )
            leader = cadre.leadership_level in (LeadershipLevel.DIVISION_CHIEF, LeadershipLevel.DEPUTY_DIVISION_CHIEF)
            if (leader or rng.random() < 0.25 or cadre.pk in demo_cadres) and (
                cadre.hire_date or today
            ) < today - ONE * 60:
                book = rng.choice(
                    (
                        "《习近平关于城市工作论述摘编》",
                        "《习近平新时代中国特色社会主义思想学习纲要》",
                        "《论党的自我革命》",
                        "《中国共产党党内法规汇编》",
                    )
                )
                status = EntryStatus.SECTION_APPROVED if cadre.pk in demo_cadres else EntryStatus.CONFIRMED
                if rng.random() < 0.05:
                    status = EntryStatus.REJECTED
                self.report(
                    cadre,
                    status,
                    date=today - ONE * rng.randint(15, 120),
                    hours_=Decimal(rng.choice((4, 6, 8))),
                    bucket=Bucket.SELF_STUDY,
                    title=f"个人自学{book}",
                    evidence="读书笔记及学习心得一篇",
                )
            if (rng.random() < 0.06 or cadre.pk in demo_cadres) and (cadre.hire_date or today) < today - ONE * 30:
                status = (
                    EntryStatus.REJECTED
                    if cadre.pk in demo_cadres
                    else rng.choice((EntryStatus.CONFIRMED, EntryStatus.CONFIRMED, EntryStatus.PENDING))
                )
                self.report(
                    cadre,
                    status,
                    date=today - ONE * rng.randint(10, 40),
                    hours_=Decimal(4),
                    bucket=Bucket.PRACTICE,
                    title="参加居住地社区“美丽家园”改造居民议事协调",
                    evidence="社区志愿服务记录",
                )
