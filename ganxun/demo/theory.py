"""The demo bureau's theory classroom (理论课堂) beyond its study sessions: the leadership's study record.

The study register of 党委会学习 and 中心组学习 is the training year's (``schedule.py``); here, for each calendar
year the demo's twelve months touch, the year's plan of 中心组 topics (the months' topics the sessions study, the
leaders taking turns to lead) and the leaders' own self-study, through ``ganxun.study``'s services.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ganxun.accounts.models import Role, User
from ganxun.study.models import SelfStudy
from ganxun.study.services import demo_study

from .schedule import CENTRE_TOPICS, window_months


@dataclasses.dataclass
class TheoryYear:
    plans: int = 0
    self_study: int = 0


def load_theory_year(*, today: dt.date) -> TheoryYear:
    result = TheoryYear()
    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    unit = admin.unit
    months = window_months(today)
    for year in sorted({y for y, _m in months}):
        # The plan of each year holds the topics of the year's months the demo covers.
        topics = {m: CENTRE_TOPICS[m] for y, m in months if y == year and m in CENTRE_TOPICS}
        if topics:
            demo_study(unit=unit, year=year, topics=topics, today=today)
            result.plans += 1
    result.self_study = SelfStudy.objects.filter(cadre__unit=unit).count()
    return result
