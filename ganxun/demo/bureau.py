"""The demo district: the 区委组织部 at the top, the 区房管局 below it with a dozen 科室 and about 180 cadres,
and a smaller 区建管委 with four 科室 and 30 cadres, the same on every run.

Everything is drawn from one seeded random generator, so two runs on the same day produce the same
bureau.  Dates that must be "current" (ages, the probation of this year's recruits) are counted back
from the day of loading, so the demo never goes stale.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.roster import services
from ganxun.roster.idcard import check_digit
from ganxun.roster.models import (
    Cadre,
    Gender,
    LeadershipLevel,
    PoliticalStatus,
    Rank,
    Status,
    Unit,
    UnitKind,
    years_before,
)

SEED = 20230701
DEMO_PASSWORD = "Ganxun@2026"

LEADERSHIP_SECTION = "局领导"


@dataclass(frozen=True)
class UnitPlan:
    key: str
    name: str
    code: str
    kind: str
    parent: str  # the key of the parent unit, "" for the top


# The district: the organisation department above the bureau of the demo and a smaller commission.
ORG_DEPARTMENT, BUREAU, COMMISSION = "org", "bureau", "commission"
UNITS = (
    UnitPlan(ORG_DEPARTMENT, "区委组织部", "QWZZB", UnitKind.ORGANISATION_DEPARTMENT, ""),
    UnitPlan(BUREAU, "区房管局", "QFGJ", UnitKind.BUREAU, ORG_DEPARTMENT),
    UnitPlan(COMMISSION, "区建管委", "QJGW", UnitKind.BUREAU, ORG_DEPARTMENT),
)
# The commission's 科室 and their sizes (30 cadres); names differ from the bureau's, so a name finds one 科室.
COMMISSION_LEADERSHIP = "委领导"
COMMISSION_SECTIONS = (("综合办公室", 8), ("建设管理科", 10), ("质量安全科", 9))
BRANCH_1, BRANCH_2, BRANCH_3, BRANCH_4 = "机关第一党支部", "机关第二党支部", "机关第三党支部", "综合执法大队党支部"


@dataclass(frozen=True)
class SectionPlan:
    name: str
    size: int
    chief_post: str
    deputy_post: str
    deputies: int
    branch: str
    business: bool  # a business section: its staff teach and staff the 效能接待 desk


SECTIONS = (
    SectionPlan("办公室", 16, "主任", "副主任", 2, BRANCH_1, False),
    SectionPlan("组织人事科", 10, "科长", "副科长", 1, BRANCH_1, False),
    SectionPlan("党群工作科", 8, "科长", "副科长", 1, BRANCH_1, False),
    SectionPlan("旧区改造科", 18, "科长", "副科长", 2, BRANCH_2, True),
    SectionPlan("住房保障科", 19, "科长", "副科长", 2, BRANCH_2, True),
    SectionPlan("房地产市场科", 15, "科长", "副科长", 1, BRANCH_2, True),
    SectionPlan("物业管理科", 18, "科长", "副科长", 2, BRANCH_3, True),
    SectionPlan("房屋安全科", 14, "科长", "副科长", 1, BRANCH_3, True),
    SectionPlan("法规科", 9, "科长", "副科长", 1, BRANCH_1, True),
    SectionPlan("财务科", 9, "科长", "副科长", 1, BRANCH_1, False),
    SectionPlan("信访办", 11, "主任", "副主任", 1, BRANCH_3, False),
    SectionPlan("综合执法大队", 27, "大队长", "副大队长", 2, BRANCH_4, True),
)

TAGS = {
    "业务骨干": "业务能力突出、可承担重难点任务的干部",
    "党务干部": "党支部书记、委员及党务工作人员",
    "内训师": "杨房课堂、月末讲坛的授课人",
    "应急支援队": "房管应急支援队队员",
}
EMERGENCY_TEAM_SIZE = 25

# Shanghai districts; the bureau is Yangpu's (310110), so most of its staff were born there.
REGIONS = ("310110",) * 6 + ("310101", "310104", "310105", "310106", "310107", "310109", "310112", "310113", "310115")

# Common surnames, with the ones frequent in Shanghai repeated so they come up more often.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜"
    "陆钱顾汪金范俞戴施严倪龚邵秦孔毛钟"
    "张王陈李徐周朱沈陆顾吴杨"
)
GIVEN_MALE = "伟强磊军勇杰涛斌超明华俊峰浩宇辉鹏健毅晨栋凯文博哲宏志平刚海波东亮翔新建国良忠"
GIVEN_FEMALE = "芳娟敏静丽艳婷雯燕霞慧颖佳琳萍洁莉倩瑶蕾雪红玲晶怡菁璐"
GIVEN_EITHER = "晓子一嘉思天雨欣诗佳文家俊"


@dataclass
class Person:
    """A cadre to be created: the fields for services.cadre_create plus what the loader does after."""

    fields: dict[str, Any]
    section: str
    tags: set[str] = field(default_factory=set)
    status: str = Status.ACTIVE
    key: str = ""  # names the people demo accounts are attached to

    @property
    def age(self) -> int:
        return int(self.fields["_age"])


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    person_key: str  # "" for an account without a cadre
    description: str
    unit: str = ""  # the key of the unit an administrator's role is held in ("" for the whole system)


DEMO_ACCOUNTS = (
    DemoAccount("sysadmin", Role.SYSTEM_ADMIN, "", "系统管理员（也可进入 Django 管理后台）"),
    DemoAccount("trainadmin", Role.TRAINING_ADMIN, "training_admin", "培训管理员（区房管局组织人事科）", BUREAU),
    DemoAccount("orgadmin", Role.TRAINING_ADMIN, "", "培训管理员（区委组织部，管全区各单位）", ORG_DEPARTMENT),
    DemoAccount("sectionhead", Role.SECTION_HEAD, "section_head", "科室负责人（旧区改造科科长）"),
    DemoAccount("cadre", Role.CADRE, "young_cadre", "干部（旧区改造科新录用的青年干部）"),
    DemoAccount("leader", Role.CADRE, "director", "领导干部（区房管局局长：首页是全局和下级单位的图表）"),
)


class BureauPlanner:
    """Draws the people of the demo bureau from one seeded generator."""

    def __init__(self, today: dt.date, seed: int = SEED) -> None:
        self.today = today
        self.rng = random.Random(seed)
        self.names: set[str] = set()
        self.id_numbers: set[str] = set()
        self.phones: set[str] = set()

    # --- single attributes -----------------------------------------------------------------
    def name(self, gender: str) -> str:
        rng = self.rng
        pool = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
        while True:
            given = rng.choice(pool)
            if rng.random() < 0.72:
                given = rng.choice(GIVEN_EITHER + pool) + given
                if given[0] == given[1] and rng.random() < 0.7:
                    continue
            candidate = rng.choice(SURNAMES) + given
            if candidate not in self.names:
                self.names.add(candidate)
                return candidate

    def birth_date(self, age: int) -> dt.date:
        """A birthday that makes the person exactly ``age`` today."""
        return years_before(self.today, age) - dt.timedelta(days=self.rng.randint(1, 360))

    def id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            seq = self.rng.randint(0, 499) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{self.rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(0, 99_999_999):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def political_status(self, age: int, leader: bool) -> str:
        roll = self.rng.random()
        if leader:
            return PoliticalStatus.CPC_MEMBER if roll < 0.95 else PoliticalStatus.DEMOCRATIC_PARTY
        if age <= 28:
            if roll < 0.30:
                return PoliticalStatus.CPC_MEMBER
            if roll < 0.40:
                return PoliticalStatus.CPC_PROBATIONARY
            return PoliticalStatus.CYL_MEMBER if roll < 0.85 else PoliticalStatus.MASSES
        if roll < 0.58:
            return PoliticalStatus.CPC_MEMBER
        if roll < 0.60:
            return PoliticalStatus.CPC_PROBATIONARY
        return PoliticalStatus.DEMOCRATIC_PARTY if roll < 0.64 else PoliticalStatus.MASSES

    def rank_for_age(self, age: int) -> str:
        """Civil-service rank grows with years of service; a little jitter so not everyone is on time."""
        years = age + self.rng.randint(-2, 2)
        if years < 26:
            return Rank.CLERK_1
        if years < 30:
            return Rank.PRINCIPAL_CLERK_4
        if years < 35:
            return Rank.PRINCIPAL_CLERK_3
        if years < 42:
            return Rank.PRINCIPAL_CLERK_2
        if years < 53 or self.rng.random() < 0.7:
            return Rank.PRINCIPAL_CLERK_1
        return Rank.RESEARCHER_4

    # --- people -------------------------------------------------------------------------------
    def person(
        self,
        *,
        section: SectionPlan | str,
        age: int,
        post: str,
        rank: str = "",
        leadership: str = "",
        gender: str | None = None,
        new_recruit: bool = False,
        key: str = "",
    ) -> Person:
        rng = self.rng
        section_name = section if isinstance(section, str) else section.name
        branch = BRANCH_1 if isinstance(section, str) else section.branch
        gender = gender or (Gender.MALE if rng.random() < 0.55 else Gender.FEMALE)
        birth = self.birth_date(age)
        status = self.political_status(age, leader=bool(leadership))
        if new_recruit:
            hired = self.today - dt.timedelta(days=rng.randint(20, 340))
            started = hired
            rank_date = hired
        else:
            # Everyone but this year's recruits has finished the one-year probation.
            latest = self.today - dt.timedelta(days=400)
            started = min(years_before(birth, -rng.randint(22, 25)) + dt.timedelta(days=rng.randint(0, 200)), latest)
            # Some came from enterprises or the army and entered the civil service later.
            hired = started if rng.random() < 0.8 else min(years_before(started, -rng.randint(2, 8)), latest)
            rank_date = max(hired, self.today - dt.timedelta(days=rng.randint(200, 5 * 365)))
        fields: dict[str, Any] = {
            "_age": age,
            "name": self.name(gender),
            "gender": gender,
            "birth_date": birth,
            "id_number": self.id_number(birth, gender),
            "phone": self.phone(),
            "post": post,
            "rank": rank,
            "leadership_level": leadership,
            "political_status": status,
            "party_branch": branch if status in (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY) else "",
            "work_start_date": started,
            "hire_date": hired,
            "rank_date": rank_date if (rank or leadership) else None,
        }
        return Person(fields=fields, section=section_name, key=key)

    def plan(self) -> list[Person]:
        rng = self.rng
        people: list[Person] = []

        # The bureau leadership: 局长 (正处), four 副处 and a 二级调研员 near retirement.
        people.append(
            self.person(
                section=LEADERSHIP_SECTION,
                age=55,
                post="局长",
                leadership=LeadershipLevel.DIVISION_CHIEF,
                gender=Gender.MALE,
                key="director",
            )
        )
        for post, age in (("党委书记、副局长", 54), ("副局长", 51), ("副局长", 47), ("副局长", 43)):
            people.append(
                self.person(
                    section=LEADERSHIP_SECTION, age=age, post=post, leadership=LeadershipLevel.DEPUTY_DIVISION_CHIEF
                )
            )
        people.append(self.person(section=LEADERSHIP_SECTION, age=58, post="二级调研员", rank=Rank.RESEARCHER_2))

        # Ten recruits hired within the last year, spread over the business sections (旧区改造科 first).
        recruit_sections = [s for s in SECTIONS if s.business] + [SECTIONS[0], SECTIONS[1]]
        recruits_for = {s.name: 0 for s in SECTIONS}
        for i in range(10):
            recruits_for[recruit_sections[i % len(recruit_sections)].name] += 1

        for section in SECTIONS:
            chief_rank = Rank.RESEARCHER_4 if rng.random() < 0.35 else Rank.PRINCIPAL_CLERK_1
            people.append(
                self.person(
                    section=section,
                    age=rng.randint(42, 56),
                    post=section.chief_post,
                    rank=chief_rank,
                    leadership=LeadershipLevel.SECTION_CHIEF,
                    key="section_head" if section.name == "旧区改造科" else "",
                )
            )
            for _ in range(section.deputies):
                age = rng.randint(33, 50)
                rank = Rank.PRINCIPAL_CLERK_1 if age >= 42 else Rank.PRINCIPAL_CLERK_2
                people.append(
                    self.person(
                        section=section,
                        age=age,
                        post=section.deputy_post,
                        rank=rank,
                        leadership=LeadershipLevel.DEPUTY_SECTION_CHIEF,
                    )
                )
            recruits = recruits_for[section.name]
            for i in range(recruits):
                key = "young_cadre" if section.name == "旧区改造科" and i == 0 else ""
                age = 23 if key else rng.randint(23, 27)
                people.append(
                    self.person(
                        section=section,
                        age=age,
                        post="科员",
                        rank=Rank.CLERK_2 if age < 25 else Rank.CLERK_1,
                        new_recruit=True,
                        key=key,
                    )
                )
            staff = section.size - 1 - section.deputies - recruits
            for i in range(staff):
                # Ages spread 24-59, slightly more in the middle years; the first of some sections is 60
                # (and retires below).
                age = 60 if i == 0 and section.name in ("办公室", "综合执法大队") else int(rng.triangular(24, 60, 40))
                post = "执法队员" if section.name == "综合执法大队" else "科员"
                key = "training_admin" if section.name == "组织人事科" and i == 0 else ""
                people.append(self.person(section=section, age=age, post=post, rank=self.rank_for_age(age), key=key))
        self._assign_tags(people)
        self._assign_departures(people)
        return people

    def _assign_tags(self, people: list[Person]) -> None:
        rng = self.rng
        party = {PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY}
        business = {s.name for s in SECTIONS if s.business}
        staff = [p for p in people if not p.fields["leadership_level"] and not p.fields["hire_date"] > self._year_ago()]
        backbone = [p for p in staff if p.section in business and 28 <= p.age <= 48]
        for p in rng.sample(backbone, 20):
            p.tags.add("业务骨干")
        for p in people:
            if p.section == "党群工作科" and p.fields["political_status"] in party:
                p.tags.add("党务干部")
        chiefs = [p for p in people if p.fields["leadership_level"] == LeadershipLevel.SECTION_CHIEF]
        for p in rng.sample([c for c in chiefs if c.fields["political_status"] in party], 4):
            p.tags.add("党务干部")  # branch secretaries
        # 杨房课堂: leaders, section heads and key staff take the lectern.
        lecturers = [p for p in people if p.section == LEADERSHIP_SECTION and p.fields["leadership_level"]][1:4]
        lecturers += [c for c in chiefs if c.section in business][:5]
        lecturers += rng.sample([p for p in people if "业务骨干" in p.tags], 4)
        for p in lecturers:
            p.tags.add("内训师")
        volunteers = [p for p in people if p.fields["political_status"] in party and 25 <= p.age <= 50]
        for p in rng.sample(volunteers, EMERGENCY_TEAM_SIZE):
            p.tags.add("应急支援队")

    def _assign_departures(self, people: list[Person]) -> None:
        """Two retired at 60 and three transferred out: they stay on the roster with their history."""
        movable = [p for p in people if not p.fields["leadership_level"] and not p.key and not p.tags]
        for p in sorted(movable, key=lambda p: p.fields["birth_date"])[:2]:
            p.status = Status.RETIRED
        middle = [p for p in movable if 30 <= p.age <= 45 and p.status == Status.ACTIVE]
        for p in self.rng.sample(middle, 3):
            p.status = Status.TRANSFERRED

    def _year_ago(self) -> dt.date:
        return years_before(self.today, 1)

    def plan_commission(self) -> list[Person]:
        """The 区建管委's 30 cadres, drawn after the bureau's from the same generator (no name or ID repeats)."""
        rng = self.rng
        people = [
            self.person(section=COMMISSION_LEADERSHIP, age=age, post=post, leadership=level)
            for post, age, level in (
                ("主任", 54, LeadershipLevel.DIVISION_CHIEF),
                ("副主任", 49, LeadershipLevel.DEPUTY_DIVISION_CHIEF),
                ("副主任", 45, LeadershipLevel.DEPUTY_DIVISION_CHIEF),
            )
        ]
        for name, size in COMMISSION_SECTIONS:
            chief = "主任" if name.endswith("办公室") else "科长"
            people.append(
                self.person(
                    section=name,
                    age=rng.randint(42, 55),
                    post=chief,
                    rank=Rank.PRINCIPAL_CLERK_1,
                    leadership=LeadershipLevel.SECTION_CHIEF,
                )
            )
            for i in range(size - 1):
                age = rng.randint(23, 27) if i == 0 else int(rng.triangular(24, 59, 40))
                people.append(
                    self.person(section=name, age=age, post="科员", rank=self.rank_for_age(age), new_recruit=i == 0)
                )
        return people


@dataclass
class DemoResult:
    sections: int
    cadres: int
    accounts: list[DemoAccount]


def load_units() -> dict[str, Unit]:
    """The district's units.  A top unit already there (the home unit a migration made) becomes the
    organisation department, so that everything already in it stays in the district."""
    units: dict[str, Unit] = {}
    for order, plan in enumerate(UNITS, start=1):
        fields = {"name": plan.name, "code": plan.code, "kind": plan.kind, "sort_order": order * 10}
        top = Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
        if not plan.parent and top is not None:
            units[plan.key] = services.unit_update(actor=None, unit=top, **fields)
        else:
            units[plan.key] = services.unit_create(actor=None, parent=units.get(plan.parent), **fields)
    return units


@transaction.atomic
def load_bureau(*, today: dt.date, password: str = DEMO_PASSWORD) -> DemoResult:
    """Create the district's units, their 科室, tags, cadres and demo accounts, every write audited with the
    system as actor."""
    units = load_units()
    planner = BureauPlanner(today)
    people = planner.plan()
    bureau = units[BUREAU]
    sections = {
        LEADERSHIP_SECTION: services.section_create(actor=None, name=LEADERSHIP_SECTION, unit=bureau, sort_order=0)
    }
    for order, plan in enumerate(SECTIONS, start=1):
        sections[plan.name] = services.section_create(actor=None, name=plan.name, unit=bureau, sort_order=order * 10)
    commission = units[COMMISSION]
    for order, name in enumerate([COMMISSION_LEADERSHIP] + [n for n, _size in COMMISSION_SECTIONS]):
        sections[name] = services.section_create(actor=None, name=name, unit=commission, sort_order=order * 10)
    tags = {name: services.tag_create(actor=None, name=name, description=text) for name, text in TAGS.items()}
    people += planner.plan_commission()

    by_key: dict[str, Cadre] = {}
    for person in people:
        fields = {k: v for k, v in person.fields.items() if not k.startswith("_")}
        cadre = services.cadre_create(
            actor=None, section=sections[person.section], tags=[tags[t] for t in sorted(person.tags)], **fields
        )
        if person.status != Status.ACTIVE:
            services.cadre_set_status(actor=None, cadre=cadre, status=person.status)
        if person.key:
            by_key[person.key] = cadre

    for account in DEMO_ACCOUNTS:
        user = User(
            username=account.username,
            role=account.role,
            cadre=by_key.get(account.person_key),
            unit=units[account.unit] if account.unit else None,
            is_staff=account.role == Role.SYSTEM_ADMIN,
            is_superuser=account.role == Role.SYSTEM_ADMIN,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        audit_record(
            actor=None, action=Action.CREATE, obj=user, after={"username": user.username, "role": account.role}
        )
    return DemoResult(sections=len(sections), cadres=len(people), accounts=list(DEMO_ACCOUNTS))
