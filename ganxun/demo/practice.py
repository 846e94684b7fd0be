"""The demo bureau's practice year (实践课堂): figures of the seed's kind, written through practice's services.

The seed's part 三: "82名党员到社区专程报到，累计122人投身社区抗疫一线，6人分别参加浦东机场、隔离点、大型集中医学观察点等
抗疫前线工作。25名骨干……组建房管应急支援队……下沉X街道参与重点区域拔点攻坚，共支援13个居委和33个小区", and "选派3名优秀
干部参加援藏、援滇工作".  The demo's year reproduces those figures where the bureau has the people for them (its
party members, its cadres in post on the day), so ``manage.py practice_figures --year Y`` reads them back:

- a campaign of community epidemic work (社区抗疫, spring) with stints at the 居委 and 小区 of 长白新村街道 and
  its neighbours, all within 13 居委 and their 33 小区; six cadres at 浦东机场, a 隔离点 and a 医学观察点;
- the 房管应急支援队 formed in March, 25 members on 31 December (two others joined and left during the year),
  deployed in 重点区域拔点攻坚 at the same 小区;
- party members reporting to the 居委 of their residence (一次 to 三次 each);
- three secondments (two 援藏, one 援滇) running through the year; a few exchange visits and 攻坚一线 assignments.

- the 五比五赛 merit competition of the 旧改 campaign: five "比" criteria, individual and team entries, agreed scores,
  the ranking published, 一二三等奖 by rank and a 先进集体 by hand — through the competitions' services
  (``practice.services.competitions``) where they are installed; without them the demo has no competition.
The year is the calendar year the demo's training year ends in once its spring campaign has passed (today's from
July on, else the one before); the conversion rules for practice are set for it when the year has none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from decimal import Decimal

from ganxun.accounts.models import Role, User
from ganxun.hours.models import ConversionRule
from ganxun.hours.models import Unit as Measure
from ganxun.hours.services import rule_save
from ganxun.practice import services
from ganxun.practice.models import PlaceKind, SecondmentKind, TeamKind, TeamRole, VisitKind
from ganxun.roster.models import PARTY_MEMBER_STATUSES, Cadre

SEED = 20220401

# The seed's figures.
REPORTING_PARTY_MEMBERS = 82
FRONTLINE_PEOPLE = 122
KEY_SITE_PEOPLE = 6
TEAM_SIZE = 25
TEAM_LEFT = 2  # joined and left again during the year
COMMITTEES, ESTATES = 13, 33

STREETS = ("长白新村街道", "控江路街道", "延吉新村街道", "殷行街道")
# The 13 居委 the deployments reach (all of 长白新村街道 and two of 控江路街道), with their 小区: 33 in all.
SUPPORTED = (
    (0, "长白一村居委", ("长白一村", "长白一村新苑")),
    (0, "长白二村居委", ("长白二村", "长白228街坊", "长白新城")),
    (0, "长白三村居委", ("长白三村", "长白路711弄")),
    (0, "长白四村居委", ("长白四村", "长白新村南块", "长白新村北块")),
    (0, "鞍山一村居委", ("鞍山一村", "鞍山一村东块")),
    (0, "鞍山三村居委", ("鞍山三村", "鞍山三村西苑", "鞍山四村第三小区")),
    (0, "控江一村居委", ("控江一村", "控江路1157弄")),
    (0, "控江二村居委", ("控江二村", "控江二村北苑", "控江二村南苑")),
    (0, "内江大板居委", ("内江大板小区", "内江路380弄")),
    (0, "松花江路居委", ("松花新村", "松花江路2505弄", "佳木斯路小区")),
    (0, "包头路居委", ("包头路小区", "包头南路小区", "包头路1150弄")),
    (1, "凤城一村居委", ("凤城一村", "凤城二村", "凤城新苑")),
    (1, "凤城三村居委", ("凤城三村", "凤南一村")),
)
# Where the cadres live and report as party members (beyond the 13 above).
RESIDENCES = (
    (2, "延吉一村居委"),
    (2, "延吉二村居委"),
    (2, "延吉三村居委"),
    (2, "延吉东路居委"),
    (3, "殷行一村居委"),
    (3, "开鲁一村居委"),
    (3, "开鲁二村居委"),
    (3, "国和一村居委"),
    (1, "控江三村居委"),
    (1, "工农三村居委"),
)
KEY_SITES = (
    (PlaceKind.AIRPORT, "浦东国际机场"),
    (PlaceKind.QUARANTINE, "杨浦区集中隔离点（宁国路酒店）"),
    (PlaceKind.OBSERVATION, "国家会展中心大型集中医学观察点"),
)
TASKS = (
    "核酸检测秩序维护",
    "物资配送到户",
    "楼道值守",
    "抗原发放与回收",
    "重点人员排摸",
    "居民配药代购",
    "封控区卡口值守",
)
KEY_SITE_TASKS = ("入境人员转运衔接", "隔离点后勤保障", "方舱入舱引导")
SERVICES = ("楼组核酸检测志愿服务", "社区疫苗接种引导", "垃圾分类值守", "社区环境整治", "独居老人走访")
SECONDMENTS = (
    (SecondmentKind.TIBET, "西藏日喀则市", "日喀则市住房和城乡建设局", "副局长"),
    (SecondmentKind.TIBET, "西藏日喀则市定日县", "定日县住房和城乡建设局", "副局长"),
    (SecondmentKind.YUNNAN, "云南省大理州", "大理州住房和城乡建设局", "局长助理"),
)
VISITS = (
    (VisitKind.EXCHANGE, "静安区房管局", "旧改征收经验交流"),
    (VisitKind.EXCHANGE, "黄浦区房管局", "成片旧里改造互访互学"),
    (VisitKind.FRONTLINE, "平凉路街道旧改基地", "旧改攻坚一线签约动员"),
    (VisitKind.FRONTLINE, "定海路街道旧改基地", "旧改攻坚一线居民协调"),
)
# The practice rules of the year when it has none (the admin edits them): 学时 per measure and the cap per item.
RULES = (
    (Measure.DEPLOYMENT_DAY, Decimal("1"), Decimal("24")),
    (Measure.COMMUNITY_REPORT, Decimal("2"), Decimal("2")),
    (Measure.SECONDMENT_MONTH, Decimal("4"), Decimal("48")),
    (Measure.VISIT_DAY, Decimal("4"), Decimal("16")),
)


@dataclasses.dataclass
class PracticeYear:
    """What load_practice_year wrote."""

    year: int
    places: int = 0
    stints: int = 0
    community_reports: int = 0
    members: int = 0
    secondments: int = 0
    visits: int = 0
    competition_entries: int = 0
    awards: int = 0


def practice_year_of(today: dt.date) -> int:
    """The year of the demo's practice: this year once its spring campaign is over, else the one before."""
    return today.year if today.month >= 7 else today.year - 1


def load_practice_year(*, today: dt.date, seed: int = SEED) -> PracticeYear:
    """Write the practice year through the services, as the bureau's training administrator."""
    rng = random.Random(seed)
    year = practice_year_of(today)
    result = PracticeYear(year)
    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")

    def day(month: int, d: int, y: int = year) -> dt.date:
        return dt.date(y, month, d)

    spring, summer = day(3, 15), day(6, 30)
    # The bureau's cadres in post all through the campaign, not the administrator (nobody enters their own 学时).
    people = [
        c
        for c in Cadre.objects.visible_to(admin).active().select_related("section").order_by("pk")
        if (c.hire_date is None or c.hire_date <= spring) and c.pk != admin.cadre_id
    ]

    _rules(admin, year)
    places = _places(admin)
    result.places = len(places["all"])

    # The team: 25 on 31 December, two more who joined and left during the year; the leader and deputies first.
    team = services.team_create(
        actor=admin, name="房管应急支援队", kind=TeamKind.EMERGENCY, formed_on=day(3, 20),
        description="响应区委组织部号召组建，在社区最后一百米执行各项支援任务。",
    )  # fmt: skip
    by_age = sorted(people, key=lambda c: (c.birth_date, c.pk), reverse=True)  # the youngest first
    young = [c for c in by_age if c.age_on(spring) <= 45]
    members = rng.sample(young or by_age, min(TEAM_SIZE + TEAM_LEFT, len(young or by_age)))
    for index, cadre in enumerate(members):
        role = TeamRole.LEADER if index == 0 else TeamRole.DEPUTY if index < 3 else TeamRole.MEMBER
        left = day(8, 1) if index >= TEAM_SIZE else None
        services.team_membership_create(
            actor=admin, cadre=cadre, team=team, role=role, joined_on=day(3, 20), left_on=left
        )
        result.members += 1

    # Three secondments running through the year (援藏 and 援滇 terms of three years and of two).
    seconded = rng.sample([c for c in people if c not in members], min(len(SECONDMENTS), len(people)))
    for cadre, (kind, region, host, post) in zip(seconded, SECONDMENTS, strict=False):
        start = day(7, 1, year - 1)
        end = day(6, 30, year + (2 if kind == SecondmentKind.TIBET else 1))
        services.secondment_create(
            actor=admin, cadre=cadre, kind=kind, region=region, host_unit=host, post=post,
            planned_start=start, planned_end=end, actual_start=start,
        )  # fmt: skip
        result.secondments += 1

    # Deployments: the team at the 小区 of the 重点区域拔点攻坚, then others to 122 people in all, every one of the
    # 13 居委 and 33 小区 reached.
    epidemic = services.campaign_create(
        actor=admin, name=f"{year}年社区抗疫", start_date=spring, end_date=summer,
        description="全局干部下沉社区，参与核酸检测、物资保障、楼道值守等抗疫一线工作。",
    )  # fmt: skip
    clearing = services.campaign_create(
        actor=admin, name="重点区域拔点攻坚", start_date=day(4, 6), end_date=day(5, 31),
        description="房管应急支援队下沉长白新村街道，参与重点区域拔点攻坚。",
    )  # fmt: skip
    estates = list(places["estates"])
    committees = list(places["committees"])
    for index, cadre in enumerate(members[:TEAM_SIZE]):
        start = day(4, 6) + dt.timedelta(days=rng.randrange(5))
        services.stint_create(
            actor=admin, cadre=cadre, campaign=clearing, place=estates[index % len(estates)],
            role="应急支援队队员", task=rng.choice(TASKS), start_date=start, end_date=day(5, 31),
        )  # fmt: skip
        result.stints += 1
    others = [c for c in people if c not in members[:TEAM_SIZE] and c not in seconded]
    rng.shuffle(others)
    spots = estates[TEAM_SIZE:] + committees  # what the team did not reach, then any 居委 or 小区
    for index, cadre in enumerate(others[: max(0, FRONTLINE_PEOPLE - TEAM_SIZE)]):
        place = spots[index] if index < len(spots) else rng.choice(estates + committees)
        start = spring + dt.timedelta(days=rng.randrange(40))
        end = min(summer, start + dt.timedelta(days=rng.randrange(7, 60)))
        services.stint_create(
            actor=admin, cadre=cadre, campaign=epidemic, place=place, role="下沉干部",
            task=rng.choice(TASKS), start_date=start, end_date=end,
        )  # fmt: skip
        result.stints += 1
        if index < KEY_SITE_PEOPLE:  # six of them then served at the key sites
            kind_place = places["key_sites"][index % len(places["key_sites"])]
            services.stint_create(
                actor=admin, cadre=cadre, campaign=epidemic, place=kind_place, role="前线工作人员",
                task=rng.choice(KEY_SITE_TASKS), start_date=min(end + dt.timedelta(days=1), summer), end_date=summer,
            )  # fmt: skip
            result.stints += 1

    # Party members report to the 居委 of their residence.
    party = [c for c in people if c.political_status in PARTY_MEMBER_STATUSES]
    residences = list(places["residences"]) + committees
    for cadre in rng.sample(party, min(REPORTING_PARTY_MEMBERS, len(party))):
        home = rng.choice(residences)
        days = sorted(rng.sample(range(0, 100), rng.choice((1, 1, 2, 3))))
        for offset in days:
            services.community_report_create(
                actor=admin, cadre=cadre, place=home, date=spring + dt.timedelta(days=offset),
                service=rng.choice(SERVICES),
            )  # fmt: skip
            result.community_reports += 1

    # Exchange visits and frontline assignments of young cadres (互访互学, 攻坚一线).
    for index, cadre in enumerate(rng.sample(young or people, min(8, len(young or people)))):
        kind, destination, task = VISITS[index % len(VISITS)]
        start = day(9, 1) + dt.timedelta(days=7 * index)
        if start >= today:
            continue
        services.visit_create(
            actor=admin, cadre=cadre, kind=kind, destination=destination, task=task,
            start_date=start, end_date=min(start + dt.timedelta(days=1 if kind == VisitKind.EXCHANGE else 4), today),
        )  # fmt: skip
        result.visits += 1

    _competition(admin, rng, year, people, result)
    return result


CRITERIA = ("比政治站位", "比攻坚实绩", "比群众口碑", "比工作作风", "比廉洁自律")
TEAMS = ("征收一组", "征收二组", "征收三组")


def _competition(admin, rng: random.Random, year: int, people: list[Cadre], result: PracticeYear) -> None:
    """The 五比五赛 of the 旧改 campaign, when the competitions' services are installed."""
    try:
        from ganxun.practice.services import competitions
    except ImportError:  # the merit competitions' part of the app is not there
        return
    from ganxun.practice.models import AwardLevel, EntryKind

    contest = competitions.competition_create(
        actor=admin, unit=admin.unit, name="旧改攻坚“五比五赛”立功竞赛", year=year,
        start_date=dt.date(year, 3, 1), end_date=dt.date(year, 6, 30),
        description="比政治站位、比攻坚实绩、比群众口碑、比工作作风、比廉洁自律，赛出干劲、赛出担当。",
    )  # fmt: skip
    criteria = [
        competitions.criterion_add(actor=admin, competition=contest, name=name, weight=Decimal(20),
                                   max_score=Decimal(100))
        for name in CRITERIA
    ]  # fmt: skip
    field = [c for c in people if c.section.name in ("旧区改造科", "征收管理科")] or people
    individuals = rng.sample(field, min(12, len(field)))
    entries = [
        competitions.entry_create(actor=admin, competition=contest, kind=EntryKind.INDIVIDUAL, cadre=cadre)
        for cadre in individuals
    ]
    rest = [c for c in field if c not in individuals] or field
    for index, name in enumerate(TEAMS):
        members = rest[index * 3 : index * 3 + 3] or rng.sample(field, min(3, len(field)))
        entries.append(
            competitions.entry_create(
                actor=admin, competition=contest, kind=EntryKind.TEAM, name=name, members=members,
                section=members[0].section,
            )
        )  # fmt: skip
    values = {(e.pk, c.pk): Decimal(rng.randrange(70, 99)) for e in entries for c in criteria}
    competitions.score_sheet_save(actor=admin, competition=contest, judge=None, values=values)
    competitions.competition_publish(actor=admin, competition=contest)
    awards = competitions.awards_by_rank(
        actor=admin, competition=contest, places={AwardLevel.FIRST: 1, AwardLevel.SECOND: 2, AwardLevel.THIRD: 3}
    )
    team = entries[len(individuals)]
    awards.append(
        competitions.award_give(
            actor=admin, competition=contest, entry=team, level=AwardLevel.ADVANCED_COLLECTIVE,
            reason="征收签约率全区领先，攻坚成效突出",
        )
    )  # fmt: skip
    result.competition_entries, result.awards = len(entries), len(awards)


def _rules(admin, year: int) -> None:
    """The year's practice conversion rules, system-wide, where the year has none."""
    have = set(ConversionRule.objects.filter(year=year, org_unit__isnull=True).values_list("unit", flat=True))
    for measure, hours, cap in RULES:
        if measure not in have:
            rule_save(actor=admin, rule=ConversionRule(year=year, unit=measure, hours=hours, per_item_cap=cap))


def _places(admin) -> dict[str, list]:
    """The register: four 街道, the 13 居委 with their 33 小区, ten more 居委 where cadres live, three key sites."""
    found: dict[str, list] = {"all": [], "committees": [], "estates": [], "residences": [], "key_sites": []}

    def make(name: str, kind: str, parent=None):
        place, _created = services.place_get_or_create(actor=admin, name=name, kind=kind, parent=parent)
        found["all"].append(place)
        return place

    streets = [make(name, PlaceKind.STREET) for name in STREETS]
    for street, name, estates in SUPPORTED:
        committee = make(name, PlaceKind.COMMITTEE, streets[street])
        found["committees"].append(committee)
        found["estates"].extend(
            make(estate if estate.endswith("小区") else f"{estate}小区", PlaceKind.ESTATE, committee)
            for estate in estates
        )
    found["residences"] = [make(name, PlaceKind.COMMITTEE, streets[street]) for street, name in RESIDENCES]
    found["key_sites"] = [make(name, kind) for kind, name in KEY_SITES]
    assert len(found["committees"]) == COMMITTEES and len(found["estates"]) == ESTATES
    return found
