"""Merit competition pages through HTTP: who sees what (another unit: 404), the scoring sheet's thresholds,
publication freezing the sheet, corrections, awards, the list's filters, export and query budget."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.practice.models import Award, AwardLevel, EntryKind, Score
from ganxun.practice.services import competitions as svc
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


class World:
    def __init__(self) -> None:
        self.home = Unit.objects.get(pk=home_unit_id())
        self.section = SectionFactory(name="旧区改造科", unit=self.home)
        self.other_section = SectionFactory(name="住房保障科", unit=self.home)
        self.admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None, unit=self.home)
        self.judge = UserFactory(
            username="pingwei", role=Role.CADRE, cadre=CadreFactory(name="评委甲", section=self.other_section)
        )
        self.head = UserFactory(
            username="kezhang", role=Role.SECTION_HEAD, cadre=CadreFactory(name="李科长", section=self.section)
        )
        self.zhang = CadreFactory(name="张三", section=self.section)
        self.zhao = CadreFactory(name="赵四", section=self.other_section)
        self.cadre = UserFactory(username="zhangsan", role=Role.CADRE, cadre=self.zhang)
        self.elsewhere = UnitFactory(name="其他局", code="OTHER")
        self.outsider = UserFactory(username="waiju", role=Role.TRAINING_ADMIN, cadre=None, unit=self.elsewhere)
        self.competition = svc.competition_create(
            actor=self.admin, unit=self.home, name="五比五赛", year=2022, judges=[self.judge]
        )
        self.a = svc.criterion_add(
            actor=self.admin, competition=self.competition, name="比征收进度", weight=D(60), max_score=D(100)
        )
        self.b = svc.criterion_add(
            actor=self.admin, competition=self.competition, name="比群众满意", weight=D(40), max_score=D(50)
        )
        self.entry_zhang = svc.entry_create(
            actor=self.admin, competition=self.competition, kind=EntryKind.INDIVIDUAL, cadre=self.zhang
        )
        self.entry_zhao = svc.entry_create(
            actor=self.admin, competition=self.competition, kind=EntryKind.INDIVIDUAL, cadre=self.zhao
        )

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def cell(self, entry, criterion) -> str:
        return f"s_{entry.pk}_{criterion.pk}"

    def score_all(self, zhang=("80", "40"), zhao=("80", "40")) -> None:
        values = {}
        for entry, pair in ((self.entry_zhang, zhang), (self.entry_zhao, zhao)):
            values[entry.pk, self.a.pk], values[entry.pk, self.b.pk] = D(pair[0]), D(pair[1])
        svc.score_sheet_save(actor=self.judge, competition=self.competition, judge=self.judge, values=values)

    def publish(self) -> None:
        self.score_all(zhao=("70", "45"))
        svc.competition_publish(actor=self.admin, competition=self.competition)
        self.competition.refresh_from_db()


@pytest.fixture
def w() -> World:
    return World()


def test_another_units_administrator_gets_404_everywhere(w):
    client = w.client(w.outsider)
    for name, pk in (
        ("practice:competition_detail", w.competition.pk),
        ("practice:competition_update", w.competition.pk),
        ("practice:competition_sheet", w.competition.pk),
        ("practice:competition_ranking", w.competition.pk),
        ("practice:competition_awards", w.competition.pk),
        ("practice:criterion_update", w.a.pk),
        ("practice:competition_entry_detail", w.entry_zhang.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    assert client.post(reverse("practice:competition_publish", args=[w.competition.pk])).status_code == 404
    assert w.competition.name not in client.get(reverse("practice:competition_list")).content.decode()


def test_a_section_head_sees_their_sections_entries_and_a_cadre_their_own(w):
    w.publish()
    head = w.client(w.head)
    page = head.get(reverse("practice:competition_ranking", args=[w.competition.pk])).content.decode()
    assert "张三" in page and "赵四" not in page
    assert head.get(reverse("practice:competition_entry_detail", args=[w.entry_zhao.pk])).status_code == 404
    cadre = w.client(w.cadre)
    page = cadre.get(reverse("practice:competition_detail", args=[w.competition.pk])).content.decode()
    assert "张三" in page and "赵四" not in page
    assert cadre.get(reverse("practice:competition_entry_detail", args=[w.entry_zhang.pk])).status_code == 200
    assert cadre.get(reverse("practice:competition_entry_detail", args=[w.entry_zhao.pk])).status_code == 404
    # Neither runs the competition nor has a sheet.
    assert cadre.get(reverse("practice:competition_sheet", args=[w.competition.pk])).status_code == 403
    assert head.get(reverse("practice:competition_update", args=[w.competition.pk])).status_code == 403


def test_the_ranking_waits_for_publication_except_for_its_administrators(w):
    w.score_all()
    url = reverse("practice:competition_ranking", args=[w.competition.pk])
    assert "排名尚未公布" in w.client(w.cadre).get(url).content.decode()
    page = w.client(w.admin).get(url).content.decode()
    assert "公布排名" in page and "并列" in page  # 张三 and 赵四 both 80


def test_the_judges_sheet_takes_the_maximum_and_refuses_a_cent_more(w):
    client = w.client(w.judge)
    url = reverse("practice:competition_sheet", args=[w.competition.pk])
    page = client.get(url)
    assert page.status_code == 200 and "比群众满意" in page.content.decode()
    refused = client.post(url, {w.cell(w.entry_zhang, w.b): "50.01", w.cell(w.entry_zhang, w.a): "100"})
    assert refused.status_code == 400
    assert "超过最高分 50" in refused.content.decode()
    assert not Score.objects.exists()
    saved = client.post(url, {w.cell(w.entry_zhang, w.b): "50", w.cell(w.entry_zhang, w.a): "100"})
    assert saved.status_code == 302
    assert sorted(Score.objects.values_list("value", flat=True)) == [D("50"), D("100")]
    assert set(Score.objects.values_list("judge_id", flat=True)) == {w.judge.pk}


def test_garbage_in_a_cell_is_named_and_nothing_saved(w):
    client = w.client(w.judge)
    url = reverse("practice:competition_sheet", args=[w.competition.pk])
    for garbage in ("abc", "1.234", "-1", "NaN", "1e400"):
        response = client.post(url, {w.cell(w.entry_zhang, w.a): garbage})
        assert response.status_code == 400, garbage
        assert "张三" in response.content.decode()
    assert not Score.objects.exists()


def test_an_administrator_enters_a_judges_paper_sheet_and_the_agreed_scores(w):
    client = w.client(w.admin)
    url = reverse("practice:competition_sheet", args=[w.competition.pk])
    client.post(url + f"?judge={w.judge.pk}", {"judge": w.judge.pk, w.cell(w.entry_zhang, w.a): "77"})
    assert Score.objects.get().judge == w.judge
    client.post(url + "?judge=agreed", {"judge": "agreed", w.cell(w.entry_zhang, w.a): "88"})
    assert Score.objects.get(judge__isnull=True).value == D("88")


def test_publication_freezes_the_sheet_and_a_correction_needs_a_reason(w):
    w.score_all(zhao=("70", "45"))
    admin = w.client(w.admin)
    response = admin.post(reverse("practice:competition_publish", args=[w.competition.pk]))
    assert response.status_code == 302
    w.competition.refresh_from_db()
    assert w.competition.is_published
    sheet = reverse("practice:competition_sheet", args=[w.competition.pk])
    w.client(w.judge).post(sheet, {w.cell(w.entry_zhang, w.a): "10"})
    assert Score.objects.get(entry=w.entry_zhang, criterion=w.a).value == D("80")
    correct = reverse("practice:competition_correct", args=[w.competition.pk])
    data = {"entry": w.entry_zhao.pk, "criterion": w.a.pk, "judge": w.judge.pk, "value": "90", "reason": ""}
    assert admin.post(correct, data).status_code == 400
    data["reason"] = "评分表誊写错误"
    assert admin.post(correct, data).status_code == 302
    assert Score.objects.get(entry=w.entry_zhao, criterion=w.a).value == D("90")
    assert AuditEvent.objects.filter(object_type="score", summary__contains="评分表誊写错误").exists()
    page = admin.get(reverse("practice:competition_ranking", args=[w.competition.pk])).content.decode()
    assert page.index("赵四") < page.index("张三")  # 54 + 36 = 90 now ahead of 张三's 80


def test_awards_by_rank_and_by_hand_through_the_page(w):
    w.publish()  # 张三 80 (1), 赵四 78 (2)
    client = w.client(w.admin)
    url = reverse("practice:competition_awards", args=[w.competition.pk])
    assert client.post(url, {"action": "rank", AwardLevel.FIRST: "1", AwardLevel.SECOND: "1"}).status_code == 302
    assert dict(Award.objects.values_list("entry__cadre__name", "level")) == {
        "张三": AwardLevel.FIRST,
        "赵四": AwardLevel.SECOND,
    }
    no_reason = {"action": "hand", "entry": w.entry_zhao.pk, "level": AwardLevel.ADVANCED_INDIVIDUAL, "reason": ""}
    assert client.post(url, no_reason).status_code == 400
    assert client.post(url, {**no_reason, "reason": "带头攻坚"}).status_code == 302
    assert Award.objects.count() == 3
    assert w.client(w.cadre).post(url, {**no_reason, "reason": "x"}).status_code == 403


def test_the_list_filters_by_year_and_unit_and_exports(w):
    sub = UnitFactory(name="征收事务所", code="ZS", parent=w.home)
    svc.competition_create(actor=w.admin, unit=sub, name="征收劳动竞赛", year=2023)
    client = w.client(w.admin)
    url = reverse("practice:competition_list")
    page = client.get(url, {"year": "2023"}).content.decode()
    assert "征收劳动竞赛" in page and "五比五赛" not in page
    page = client.get(url, {"unit": sub.pk}).content.decode()
    assert "征收劳动竞赛" in page and "五比五赛" not in page
    page = client.get(url, {"unit": "99999999999999999999", "year": "x"}).content.decode()  # ignored, not a 500
    assert "征收劳动竞赛" in page and "五比五赛" in page
    export = client.get(reverse("practice:competition_export"), {"year": "2022"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "竞赛" and [r[0] for r in rows[1:]] == ["五比五赛"]
    assert rows[1][7] == 2  # entries


def test_the_ranking_exports_with_ties(w):
    w.score_all()
    response = w.client(w.admin).get(reverse("practice:competition_ranking_export", args=[w.competition.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(r[0], r[1]) for r in rows[1:]] == [(1, "张三"), (1, "赵四")]
    assert rows[1][-2] == 80


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_ranking_and_sheet_queries_do_not_grow_with_the_rows(w):
    client = w.client(w.admin)
    list_url = reverse("practice:competition_list")
    ranking_url = reverse("practice:competition_ranking", args=[w.competition.pk])
    sheet_url = reverse("practice:competition_sheet", args=[w.competition.pk])
    detail_url = reverse("practice:competition_detail", args=[w.competition.pk])
    w.score_all()
    before = [_queries(client, u) for u in (list_url, ranking_url, sheet_url, detail_url)]
    for n in range(5):
        svc.competition_create(actor=w.admin, unit=w.home, name=f"竞赛{n}", year=2022)
        cadre = CadreFactory(section=w.section)
        entry = svc.entry_create(actor=w.admin, competition=w.competition, kind=EntryKind.INDIVIDUAL, cadre=cadre)
        svc.entry_create(
            actor=w.admin,
            competition=w.competition,
            kind=EntryKind.TEAM,
            name=f"小组{n}",
            members=[cadre, w.zhang],
            section=w.section,
        )
        svc.score_record(actor=w.judge, entry=entry, criterion=w.a, judge=w.judge, value=D(n))
    after = [_queries(client, u) for u in (list_url, ranking_url, sheet_url, detail_url)]
    assert after == before


def test_a_by_rank_award_whose_rank_moved_after_a_correction_is_flagged(w):
    w.publish()  # 张三 80 (1), 赵四 78 (2)
    svc.awards_by_rank(actor=w.admin, competition=w.competition, places={AwardLevel.FIRST: 1})
    url = reverse("practice:competition_awards", args=[w.competition.pk])
    assert "请复核" not in w.client(w.admin).get(url).content.decode()
    svc.score_correct(
        actor=w.admin, entry=w.entry_zhao, criterion=w.a, judge=w.judge, value=D("100"), reason="誊写错误"
    )
    page = w.client(w.admin).get(url).content.decode()
    assert "现为第 2 名，请复核" in page  # 张三's 一等奖 was for rank 1; 赵四 is first now (60 + 36 = 96)


def test_the_units_above_and_below(w):
    """The organisation department's administrator runs a bureau's competition; the bureau's administrator reads
    the department's competition, with only the entries of their own bureau."""
    department = UnitFactory(name="区委组织部", code="ORG")
    Unit.objects.filter(pk=w.home.pk).update(parent=department, path=f"{department.path}{w.home.pk}/", depth=1)
    w.home.refresh_from_db()
    org_admin = UserFactory(username="zuzhibu", role=Role.TRAINING_ADMIN, cadre=None, unit=department)
    assert w.client(org_admin).get(reverse("practice:competition_update", args=[w.competition.pk])).status_code == 200
    district = svc.competition_create(actor=org_admin, unit=department, name="全区立功竞赛", year=2022)
    svc.criterion_add(actor=org_admin, competition=district, name="比实绩", weight=D(100), max_score=D(100))
    other_bureau = UnitFactory(name="乙局", code="YIJU", parent=department)
    stranger = CadreFactory(name="乙局干部", section=SectionFactory(name="乙局办公室", unit=other_bureau))
    for cadre in (w.zhang, stranger):
        svc.entry_create(actor=org_admin, competition=district, kind=EntryKind.INDIVIDUAL, cadre=cadre)
    bureau_admin = w.client(w.admin)
    page = bureau_admin.get(reverse("practice:competition_detail", args=[district.pk])).content.decode()
    assert "张三" in page and "乙局干部" not in page
    assert bureau_admin.get(reverse("practice:competition_update", args=[district.pk])).status_code == 404
    assert bureau_admin.get(reverse("practice:competition_sheet", args=[district.pk])).status_code == 403


def test_a_judge_sees_their_own_entry_recused_on_the_sheet(w):
    svc.competition_update(actor=w.admin, competition=w.competition, judges=[w.judge, w.cadre])
    page = w.client(w.cadre).get(reverse("practice:competition_sheet", args=[w.competition.pk])).content.decode()
    assert "回避" in page
    assert f'name="{w.cell(w.entry_zhang, w.a)}"' not in page
    assert f'name="{w.cell(w.entry_zhao, w.a)}"' in page
