"""The demo bureau's training menu, written through the services as its training administrator.

Call ``demo_menu(today=...)`` after the bureau (``load_bureau``) and its training year (``load_training_year``):
the menu reads the posts the bureau's cadres hold and the topic modules training seeds; the gaps follow from the
attendance of the year's lectures and classes.  Deterministic and idempotent: a family already there is kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ganxun.accounts.models import Role, User
from ganxun.training.models import TopicModule

from . import services
from .models import Need, PostFamily
from .queries import gap_summary

# (family, its posts, [(topic module, required or elective, every N years)])
DEMO_MENU = (
    (
        "科级领导",
        ("科长", "副科长", "主任", "副主任", "大队长", "副大队长"),
        [("党建理论", "required", 1), ("依法行政", "required", 2), ("信访工作", "elective", 3)],
    ),
    (
        "业务科员",
        ("科员",),
        [
            ("住房保障", "required", 2),
            ("依法行政", "required", 3),
            ("物业管理", "elective", 3),
            ("房屋安全", "elective", 5),
        ],
    ),
    ("执法队员", ("执法队员",), [("依法行政", "required", 1), ("房屋安全", "required", 2)]),
)


@dataclasses.dataclass
class DemoMenu:
    families: int = 0
    needs: int = 0
    with_menu: int = 0
    with_required_gap: int = 0


def demo_menu(*, today: dt.date) -> DemoMenu:
    from ganxun.roster.models import Cadre

    admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        raise ValueError("load the demo bureau (with its training administrator) first")
    result = DemoMenu()
    topics = {t.name: t for t in TopicModule.objects.all()}
    for order, (name, posts, needs) in enumerate(DEMO_MENU):
        family = PostFamily.objects.filter(name=name).first()
        if family is None:
            family = services.family_save(
                actor=admin, family=PostFamily(name=name, sort_order=(order + 1) * 10), post_names=posts
            )
            result.families += 1
        for topic_name, requirement, years in needs:
            topic = topics.get(topic_name)
            if topic is None or Need.objects.filter(family=family, topic=topic).exists():
                continue
            services.need_save(
                actor=admin, need=Need(family=family, topic=topic, requirement=requirement, every_years=years)
            )
            result.needs += 1
    summary = gap_summary(Cadre.objects.active(), today)
    result.with_menu, result.with_required_gap = summary.with_menu, summary.with_required_gap
    return result
