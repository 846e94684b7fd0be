"""The demo bureau's calendar of training: what was held when, for whom and taught by whom.

``plan_year(today)`` draws it from a fixed seed and the day of loading: the twelve months up to today,
plus the lecture and the class still to come so that the check-in screen has something to show.
People are not resolved here (a plan names its audience and lecturers in words); the loader does that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from ganxun.roster.models import DerivedGroup

SEED = 20210701
ONE = dt.timedelta(days=1)
# New Year, Labour Day and National Day: no session lands on them (the rest of the holiday calendar
# moves every year and is the lecture schedule's business, not the demo's).
HOLIDAYS = {(1, 1), (5, 1), (5, 2), (5, 3), (5, 4), (5, 5)} | {(10, d) for d in range(1, 8)}
FIRST_LECTURE = 37  # 杨房月末讲坛 began before the system: this year's lectures carry on its numbering
HALL = "局机关四楼大会议室"
PARTY_SCHOOL = "区委党校"

# 党委会学习 and 中心组学习 by calendar month: what was studied.
COMMITTEE_TOPICS = {
    1: "中央经济工作会议精神",
    2: "《中国共产党纪律处分条例》",
    3: "全国两会精神",
    4: "习近平总书记关于城市工作的重要论述",
    5: "《中国共产党问责条例》",
    6: "习近平总书记关于调查研究的重要论述",
    7: "《中国共产党章程》",
    8: "《党政机关厉行节约反对浪费条例》",
    9: "习近平总书记关于住房和城乡建设工作的重要论述",
    10: "《中华人民共和国保守国家秘密法》",
    11: "市委全会精神",
    12: "《信访工作条例》",
}
CENTRE_TOPICS = {
    1: "习近平总书记考察上海重要讲话精神",
    2: "人民城市重要理念",
    3: "全国两会精神，研究部署全年重点工作",
    4: "习近平总书记关于意识形态工作的重要论述",
    5: "习近平总书记关于青年工作的重要论述",
    6: "习近平总书记关于党的建设的重要思想",
    7: "习近平总书记关于全面从严治党的重要论述",
    8: "习近平总书记关于安全生产的重要论述",
    9: "习近平总书记关于城市更新的重要论述",
    10: "习近平总书记关于统筹发展和安全的重要论述",
    11: "习近平总书记关于保障和改善民生的重要论述",
    12: "中央经济工作会议精神，谋划来年工作",
}
WIDENED_MONTHS = {3, 6, 9, 12}  # 中心组（扩大）学习: the section heads sit in

# 杨房月末讲坛 by calendar month: topic module, title, who lectures.
LECTURES = {
    1: ("住房保障", "保障性租赁住房筹措建设与运营管理", "expert:住房保障科"),
    2: ("依法行政", "房屋管理行政执法程序规范与典型案例", "chief:法规科"),
    3: ("旧区改造", "旧区改造征收补偿安置政策解读与实务", "chief:旧区改造科"),
    4: ("物业管理", "住宅小区物业管理矛盾纠纷化解实务", "expert:物业管理科"),
    5: ("房产市场", "房地产市场运行监测与形势分析", "chief:房地产市场科"),
    6: ("党建理论", "深化人民城市理念 推动住房民生改善", "leader:1"),
    7: ("房屋安全", "老旧房屋安全隐患排查与应急处置", "chief:房屋安全科"),
    8: ("旧区改造", "城市更新背景下的“两旧”改造推进路径", "leader:2"),
    9: ("信访工作", "《信访工作条例》解读与信访矛盾化解技巧", "chief:信访办"),
    10: ("住房保障", "共有产权保障住房申请审核实务", "chief:住房保障科"),
    11: ("物业管理", "业主大会和业委会组建指导与监督", "chief:物业管理科"),
    12: ("房产市场", "商品房预售资金监管与交易风险防范", "expert:房地产市场科"),
}


# --- the calendar --------------------------------------------------------------------------------------


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS


def working_day(day: dt.date, step: int = 1) -> dt.date:
    """``day`` if it is a working day, else the nearest one after it (step 1) or before it (step -1)."""
    while not is_working_day(day):
        day += ONE * step
    return day


def last_working_day(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return working_day(following - ONE, -1)


def window_months(today: dt.date) -> list[tuple[int, int]]:
    """The twelve months up to and including today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [(n // 12, n % 12 + 1) for n in range(index - 11, index + 1)]


def latest(today: dt.date, month: int, day: int, *, before: dt.date | None = None) -> dt.date:
    """The last working day on or after ``month``/``day`` that falls before ``before`` (default today)."""
    limit = before or today
    for year in (today.year, today.year - 1, today.year - 2):
        candidate = working_day(dt.date(year, month, day))
        if candidate < limit:
            return candidate
    raise ValueError((month, day))


def monday_of(day: dt.date) -> dt.date:
    return day - ONE * day.weekday()


@dataclasses.dataclass(frozen=True)
class Audience:
    """Who an activity is for; ``named`` is a selection the loader makes by hand (see Loader.named)."""

    everyone: bool = False
    groups: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    named: str = ""


@dataclasses.dataclass(frozen=True)
class Sitting:
    date: dt.date
    start: dt.time
    end: dt.time


@dataclasses.dataclass
class Plan:
    """One activity of the year, before anyone is resolved."""

    kind: str
    title: str
    sittings: list[Sitting]
    audience: Audience
    organiser: str
    place: str = ""
    topic: str = ""
    description: str = ""
    lecturers: tuple[str, ...] = ()  # "leader:N", "chief:科室", "expert:科室" or "outside:姓名|单位及职务"
    presence: float = 0.9  # the chance a cadre comes to a sitting
    evaluated: bool = False
    qr: bool = False  # checked in by QR code (else marked on the sheet)
    max_leaves: int = 1  # in a class: sittings one may miss (more only for the planned non-completions)
    non_completions: int = 0
    credit_lecturer: bool = False
    walk_in: bool = False

    @property
    def first_day(self) -> dt.date:
        return self.sittings[0].date


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def working_days(first: dt.date, count: int) -> list[dt.date]:
    """``count`` working days from ``first``."""
    days, day = [], working_day(first)
    while len(days) < count:
        days.append(day)
        day = working_day(day + ONE)
    return days


def _class_sittings(first: dt.date, days: int) -> list[Sitting]:
    """A class: a morning and an afternoon half-day on each of ``days`` working days."""
    morning, afternoon = (_time("09:00"), _time("11:30")), (_time("13:30"), _time("16:30"))
    return [Sitting(day, *half) for day in working_days(first, days) for half in (morning, afternoon)]


def plan_year(today: dt.date, seed: int = SEED) -> list[Plan]:
    """The bureau's year of activities up to ``today`` and a few just ahead, the same on every run."""
    rng = random.Random(seed)
    plans: list[Plan] = []
    leaders = Audience(groups=(DerivedGroup.LEADER,))
    party = Audience(groups=(DerivedGroup.PARTY_MEMBER,))

    # 理论课堂: the committee learns at its meetings, the study group monthly.
    for year, month in window_months(today):
        day = working_day(dt.date(year, month, rng.randint(6, 12)))
        if day < today:
            plans.append(
                Plan(
                    "党委会学习",
                    f"党委会学习：{COMMITTEE_TOPICS[month]}",
                    [Sitting(day, _time("08:30"), _time("10:00"))],
                    leaders,
                    "办公室",
                    place="局机关二楼党委会议室",
                    topic="党建理论",
                    presence=0.94,
                )
            )
        day = working_day(dt.date(year, month, rng.randint(17, 23)))
        if day < today:
            widened = month in WIDENED_MONTHS
            plans.append(
                Plan(
                    "中心组学习",
                    f"理论学习中心组{'（扩大）' if widened else ''}学习：{CENTRE_TOPICS[month]}",
                    [Sitting(day, _time("14:00"), _time("16:30"))],
                    Audience(
                        groups=(DerivedGroup.LEADER, DerivedGroup.SECTION_HEAD) if widened else (DerivedGroup.LEADER,),
                        named="senior_researchers",
                    ),
                    "党群工作科",
                    place=HALL if widened else "局机关二楼党委会议室",
                    topic="党建理论",
                    presence=0.92,
                )
            )

    lesson_day = latest(today, 6, 24)
    plans.append(
        Plan(
            "党课",
            "滨江工业遗存精品党课：从“工业锈带”到“生活秀带”",
            [Sitting(lesson_day, _time("09:00"), _time("11:30"))],
            party,
            "党群工作科",
            place="杨浦滨江人民城市建设规划展示馆",
            topic="党建理论",
            description="沿杨浦滨江工业遗存步行现场授课，感悟人民城市重要理念的实践伟力。",
            lecturers=("leader:1",),
            evaluated=True,
            qr=True,
        )
    )
    lesson_day = latest(today, 11, 18)
    plans.append(
        Plan(
            "党课",
            "党委书记讲专题党课：弘扬“四敢精神”，在住房民生改善中勇当先锋",
            [Sitting(lesson_day, _time("14:00"), _time("16:00"))],
            party,
            "党群工作科",
            place=HALL,
            topic="党建理论",
            lecturers=("leader:1",),
            evaluated=True,
            qr=True,
        )
    )
    day = latest(today, 6, 29)
    plans.append(
        Plan(
            "座谈会",
            f"老党员、青年代表“庆祝建党{day.year - 1921}周年”座谈会",
            [Sitting(day, _time("14:30"), _time("16:30"))],
            Audience(named="symposium"),
            "党群工作科",
            place=HALL,
            topic="党建理论",
            description="老党员讲述房管工作发展历程，青年干部代表交流学习体会。",
            presence=0.96,
        )
    )
    day = latest(today, 5, 4)
    plans.append(
        Plan(
            "主题团日",
            "“青春建功新时代 房管青年勇担当”五四主题团日",
            [Sitting(day, _time("13:30"), _time("17:00"))],
            Audience(groups=(DerivedGroup.YOUNG, DerivedGroup.LEAGUE_MEMBER)),
            "党群工作科",
            place="杨浦滨江 · 杨树浦水厂栈桥",
            topic="党建理论",
            presence=0.92,
        )
    )
    party_days = (
        (3, 5, "学雷锋志愿服务进社区主题党日", "延吉新村街道社区党群服务中心"),
        (7, 1, "“七一”重温入党誓词主题党日", HALL),
        (9, 16, "参观国歌展示馆主题党日", "国歌展示馆"),
        (12, 4, "国家宪法日学法用法主题党日", HALL),
    )
    for month, dom, title, place in party_days:
        plans.append(
            Plan(
                "主题党日",
                title,
                [Sitting(latest(today, month, dom), _time("13:30"), _time("17:00"))],
                party,
                "党群工作科",
                place=place,
                topic="党建理论",
                presence=0.9,
            )
        )

    # 专业课堂: the yearly classes, the lecture series and on-site teaching.
    first = monday_of(latest(today, 3, 16, before=today - ONE * 10))
    plans.append(
        Plan(
            "全员培训班",
            f"{first.year}年度全局干部全员培训班",
            _class_sittings(first, 4),
            Audience(everyone=True),
            "组织人事科",
            place=PARTY_SCHOOL,
            description="围绕住房民生改善中心工作，开展政治理论、政策法规和业务能力全员轮训。",
            lecturers=(
                "outside:张建明|区委党校教授",
                "outside:刘芳|市住房城乡建设管理委政策法规处处长",
                "leader:0",
                "chief:法规科",
            ),
            presence=0.97,
            evaluated=True,
            qr=True,
            non_completions=2,
        )
    )
    for number, days_ago in (("第一期", 200), ("第二期", 45)):
        first = monday_of(today - ONE * days_ago)
        plans.append(
            Plan(
                "初任培训班",
                f"{first.year}年新录用人员入职培训班（{number}）",
                _class_sittings(first, 5),
                Audience(named="recruits"),
                "组织人事科",
                place="局机关三楼培训室",
                description="局情局史、机关规章制度、公文写作和各业务科室职能介绍，科室负责人逐一授课。",
                lecturers=("leader:0", "chief:办公室", "chief:旧区改造科", "chief:住房保障科", "chief:物业管理科"),
                presence=0.98,
                evaluated=True,
                qr=True,
            )
        )
    first = monday_of(latest(today, 9, 14, before=today - ONE * 7))
    plans.append(
        Plan(
            "党务干部培训班",
            f"{first.year}年党务干部业务能力提升培训班",
            _class_sittings(first, 2),
            Audience(tags=("党务干部",)),
            "党群工作科",
            place=PARTY_SCHOOL,
            description="党支部标准化规范化建设、发展党员工作规程和党费收缴管理实务。",
            lecturers=("outside:陈卫东|区委组织部组织科科长", "outside:周敏|区纪委监委案件审理室副主任"),
            presence=0.99,
            evaluated=True,
            qr=True,
            max_leaves=0,
            non_completions=1,
        )
    )

    lecture_months = [(y, m) for y, m in window_months(today)]
    if last_working_day(*lecture_months[-1]) < today:
        year, month = lecture_months[-1]
        lecture_months.append((year + month // 12, month % 12 + 1))
    for number, (year, month) in enumerate(lecture_months, start=FIRST_LECTURE):
        topic, title, lecturer = LECTURES[month]
        plans.append(
            Plan(
                "月末讲坛",
                f"杨房月末讲坛第{number}讲：{title}",
                [Sitting(last_working_day(year, month), _time("14:00"), _time("16:00"))],
                Audience(everyone=True),
                "组织人事科",
                place=HALL,
                topic=topic,
                lecturers=(lecturer,),
                presence=0.86,
                evaluated=True,
                qr=True,
                credit_lecturer=True,
            )
        )
    site_visits = (
        (70, "加装电梯民生实事项目现场教学", "长白新村街道 鞍山七村加装电梯项目现场", "chief:物业管理科"),
        (8, "“美丽家园”旧住房综合改造现场教学", "殷行街道 开鲁新村“美丽家园”改造现场", "chief:旧区改造科"),
    )
    for days_ago, title, place, lecturer in site_visits:
        plans.append(
            Plan(
                "现场教学",
                title,
                [Sitting(working_day(today - ONE * days_ago, -1), _time("13:30"), _time("17:00"))],
                Audience(groups=(DerivedGroup.NEW_RECRUIT,)),
                "组织人事科",
                place=place,
                topic="旧区改造" if "美丽家园" in title else "物业管理",
                description="新进干部走进民生实事项目现场，学习群众工作方法。",
                lecturers=(lecturer,),
                presence=1.0,
                evaluated=True,
            )
        )
    if is_working_day(today) and last_working_day(today.year, today.month) != today:
        plans.append(
            Plan(
                "专题培训班",
                "《上海市住宅物业管理规定》修订解读专题培训",
                [Sitting(today, _time("14:00"), _time("16:30"))],
                Audience(sections=("物业管理科", "房屋安全科", "旧区改造科")),
                "物业管理科",
                place=HALL,
                topic="物业管理",
                lecturers=("chief:物业管理科",),
                evaluated=True,
                qr=True,
            )
        )

    # 实践课堂: community reporting and the emergency support team.
    practice = (
        (4, 18, "党员到居住地社区报到 · 春季社区志愿服务", Audience(named="community"), "各居住地社区（居委会）"),
        (10, 17, "党员到居住地社区报到 · 秋季社区志愿服务", Audience(named="community"), "各居住地社区（居委会）"),
        (1, 21, "房管应急支援队寒潮期间老旧小区巡查保供", Audience(tags=("应急支援队",)), "殷行街道、长白新村街道"),
        (8, 4, "房管应急支援队防汛防台支援", Audience(tags=("应急支援队",)), "平凉路街道、大桥街道"),
    )
    for month, dom, title, audience, place in practice:
        plans.append(
            Plan(
                "实践活动",
                title,
                [Sitting(latest(today, month, dom), _time("08:30"), _time("12:00"))],
                audience,
                "党群工作科",
                place=place,
                presence=0.93,
            )
        )
    return sorted(plans, key=lambda plan: (plan.first_day, plan.sittings[0].start, plan.title))
