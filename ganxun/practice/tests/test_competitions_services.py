"""Merit competitions through their services: the ranking (weights, judges' mean, agreed scores, shared ranks),
the score thresholds, publication freezing the scores, audited corrections, awards, and who may write."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.practice.models import Award, AwardLevel, AwardMethod, EntryKind, Score
from ganxun.practice.services import competitions as svc
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A bureau with an admin, two judges (a cadre account and the admin), a competition of two criteria
    (60% out of 100, 40% out of 50) and three individual entries."""
    home = Unit.objects.get(pk=home_unit_id())
    section = SectionFactory(name="旧区改造科", unit=home)
    admin = UserFactory(username="peixun", role=Role.TRAINING_ADMIN, cadre=None, unit=home)
    judge = UserFactory(username="pingwei", role=Role.CADRE, cadre=CadreFactory(name="评委甲", section=section))
    competition = svc.competition_create(actor=admin, unit=home, name="五比五赛", year=2022, judges=[judge, admin])
    a = svc.criterion_add(actor=admin, competition=competition, name="比征收进度", weight=D(60), max_score=D(100))
    b = svc.criterion_add(actor=admin, competition=competition, name="比群众满意", weight=D(40), max_score=D(50))
    cadres = [CadreFactory(name=n, section=section) for n in ("张三", "李四", "王五")]
    entries = [
        svc.entry_create(actor=admin, competition=competition, kind=EntryKind.INDIVIDUAL, cadre=c) for c in cadres
    ]

    class W:
        pass

    w = W()
    w.home, w.section, w.admin, w.judge, w.competition = home, section, admin, judge, competition
    w.a, w.b, w.entries, w.cadres = a, b, entries, cadres
    return w


def sheet(w, judge, rows):
    """rows: per entry (a score, b score)."""
    values = {}
    for entry, (va, vb) in zip(w.entries, rows, strict=True):
        values[entry.pk, w.a.pk] = None if va is None else D(va)
        values[entry.pk, w.b.pk] = None if vb is None else D(vb)
    return svc.score_sheet_save(actor=w.admin, competition=w.competition, judge=judge, values=values)


def ranks(w):
    ranking = svc.competition_ranking(w.competition)
    return {str(row.entry): (row.total, row.rank) for row in ranking.rows}


def test_rank_totals_share_ranks_and_skip():
    assert svc.rank_totals([D(90), D(95), D(95), D(80), None]) == [3, 1, 1, 4, None]
    assert svc.rank_totals([D(1), D(1), D(1)]) == [1, 1, 1]
    assert svc.rank_totals([]) == []


def test_weighted_total_out_of_100_and_ties_share_the_rank(world):
    # 张三: 60×80/100 + 40×40/50 = 48 + 32 = 80; 李四 the same through other scores: 60×100/100 + 40×25/50 = 80;
    # 王五: 60×70/100 + 40×45/50 = 42 + 36 = 78.
    sheet(world, world.judge, [("80", "40"), ("100", "25"), ("70", "45")])
    assert ranks(world) == {"张三": (D("80.00"), 1), "李四": (D("80.00"), 1), "王五": (D("78.00"), 3)}
    ranking = svc.competition_ranking(world.competition)
    assert [row.tied for row in ranking.rows] == [True, True, False]
    assert ranking.complete


def test_judges_mean_per_criterion_and_the_agreed_score_replaces_it(world):
    sheet(world, world.judge, [("70", "50"), ("90", "50"), ("90", "50")])
    sheet(world, world.admin, [("81", "50"), ("90", "50"), ("90", "50")])
    # 张三 on 比征收进度: the mean of 70 and 81 is 75.5 → 60×0.755 + 40 = 85.30, behind the two 94s (1, 1, 3).
    assert ranks(world)["张三"] == (D("85.30"), 3)
    svc.score_record(actor=world.admin, entry=world.entries[0], criterion=world.a, judge=None, value=D("95"))
    # The agreed 95 counts instead of the judges' mean: 57 + 40 = 97.
    assert ranks(world)["张三"] == (D("97.00"), 1)
    cell = svc.competition_ranking(world.competition).by_entry()[world.entries[0].pk].scores[0]
    assert cell.agreed and cell.judges == 2


def test_a_mean_that_does_not_end_is_rounded_half_up_to_cents(world):
    sheet(world, world.judge, [("1", "50"), ("0", "50"), ("0", "50")])
    sheet(world, world.admin, [("0", "50"), ("0", "50"), ("0", "50")])
    judge3 = UserFactory(username="pingwei3", role=Role.CADRE, cadre=CadreFactory(section=world.section))
    svc.competition_update(actor=world.admin, competition=world.competition, judges=[world.judge, world.admin, judge3])
    sheet(world, judge3, [("0", "50"), ("0", "50"), ("0", "50")])
    # mean 1/3 on 比征收进度 → 60 × (1/3)/100 = 0.2 exactly, + 40
    assert ranks(world)["张三"] == (D("40.20"), 1)


def test_an_entry_missing_a_criterion_has_no_rank(world):
    sheet(world, world.judge, [("80", None), ("100", "25"), ("70", "45")])
    result = ranks(world)
    assert result["张三"] == (None, None)
    assert result["李四"] == (D("80.00"), 1)
    assert not svc.competition_ranking(world.competition).complete


def test_score_exactly_at_the_maximum_is_accepted_and_a_cent_more_refused(world):
    entry = world.entries[0]
    score = svc.score_record(actor=world.judge, entry=entry, criterion=world.b, judge=world.judge, value=D("50"))
    assert score.value == D("50")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        svc.score_record(
            actor=world.judge, entry=world.entries[1], criterion=world.b, judge=world.judge, value=D("50.01")
        )
    assert "最高分" in str(refused.value) and "50.01" in str(refused.value)
    with pytest.raises(ValidationError):
        sheet(world, world.admin, [("0", "50.01"), ("0", "0"), ("0", "0")])
    assert not Score.objects.filter(judge=world.admin).exists()  # one bad cell: nothing of the sheet saved


def test_zero_is_accepted_and_negative_refused(world):
    svc.score_record(actor=world.judge, entry=world.entries[0], criterion=world.a, judge=world.judge, value=D("0"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        svc.score_record(
            actor=world.judge, entry=world.entries[1], criterion=world.a, judge=world.judge, value=D("-0.01")
        )
    assert "不能为负" in str(refused.value)


def test_a_judge_scoring_twice_is_refused(world):
    svc.score_record(actor=world.judge, entry=world.entries[0], criterion=world.a, judge=world.judge, value=D("80"))
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        svc.score_record(actor=world.judge, entry=world.entries[0], criterion=world.a, judge=world.judge, value=D("90"))
    assert "评委甲" in str(refused.value) and "已" in str(refused.value)
    assert Score.objects.get(judge=world.judge).value == D("80")


def test_a_judge_scores_only_their_own_sheet(world):
    other = UserFactory(username="lisi", role=Role.CADRE, cadre=world.cadres[1])
    with pytest.raises(PermissionDenied):
        svc.score_record(actor=other, entry=world.entries[0], criterion=world.a, judge=world.judge, value=D("1"))
    with pytest.raises(PermissionDenied):  # a judge does not enter the agreed score
        svc.score_record(actor=world.judge, entry=world.entries[0], criterion=world.a, judge=None, value=D("1"))
    with pytest.raises(ValidationError):  # an account not on the judge list has no sheet
        svc.score_record(actor=world.admin, entry=world.entries[0], criterion=world.a, judge=other, value=D("1"))


def test_weights_may_not_pass_100_and_publication_needs_exactly_100(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        svc.criterion_add(
            actor=world.admin, competition=world.competition, name="比安全", weight=D("0.01"), max_score=D(10)
        )
    assert "100" in str(refused.value)
    svc.criterion_update(actor=world.admin, criterion=world.b, weight=D("39.99"))
    sheet(world, world.judge, [("80", "40"), ("100", "25"), ("70", "45")])
    with pytest.raises(ValidationError) as refused:
        svc.competition_publish(actor=world.admin, competition=world.competition)
    assert refused.value.code == "weights"
    svc.criterion_update(actor=world.admin, criterion=world.b, weight=D("40"))
    svc.competition_publish(actor=world.admin, competition=world.competition)


def test_publication_needs_every_score(world):
    sheet(world, world.judge, [("80", None), ("100", "25"), ("70", "45")])
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        svc.competition_publish(actor=world.admin, competition=world.competition)
    assert "张三" in str(refused.value) and "比群众满意" in str(refused.value)
    world.competition.refresh_from_db()
    assert not world.competition.is_published


def published(world):
    sheet(world, world.judge, [("80", "40"), ("100", "25"), ("70", "45")])
    svc.competition_publish(actor=world.admin, competition=world.competition)
    world.competition.refresh_from_db()
    return world.competition


def test_publishing_freezes_the_scores(world):
    published(world)
    assert AuditEvent.objects.filter(action=Action.STATUS, object_type="competition").exists()
    for attempt in (
        lambda: sheet(world, world.judge, [("81", "40"), ("100", "25"), ("70", "45")]),
        lambda: svc.score_record(
            actor=world.admin, entry=world.entries[0], criterion=world.a, judge=None, value=D("1")
        ),
        lambda: svc.criterion_update(actor=world.admin, criterion=world.a, max_score=D(90)),
        lambda: svc.entry_remove(actor=world.admin, entry=world.entries[2]),
        lambda: svc.competition_publish(actor=world.admin, competition=world.competition),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "published"
    assert Score.objects.get(entry=world.entries[0], criterion=world.a).value == D("80")


def test_a_correction_needs_a_reason_is_audited_and_re_ranks(world):
    published(world)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        svc.score_correct(
            actor=world.admin, entry=world.entries[2], criterion=world.a, judge=world.judge, value=D(80), reason=" "
        )
    assert "原因" in str(refused.value)
    ranking = svc.score_correct(
        actor=world.admin,
        entry=world.entries[2],
        criterion=world.a,
        judge=world.judge,
        value=D("80"),
        reason="评分表誊写错误",
    )
    # 王五: 48 + 36 = 84 → first; 张三 and 李四 share second.
    assert [(str(r.entry), r.total, r.rank) for r in ranking.rows] == [
        ("王五", D("84.00"), 1),
        ("张三", D("80.00"), 2),
        ("李四", D("80.00"), 2),
    ]
    score_event = AuditEvent.objects.filter(object_type="score", action=Action.UPDATE).latest("pk")
    assert score_event.changes == {"value": ["70.00", "80"]}
    assert "评分表誊写错误" in score_event.summary
    rerank = AuditEvent.objects.filter(object_type="competition", action=Action.UPDATE).latest("pk")
    assert "评分表誊写错误" in rerank.summary
    assert rerank.changes["王五"] == ["名次 3，78.00", "名次 1，84.00"]


def test_a_correction_before_publication_is_refused(world):
    sheet(world, world.judge, [("80", "40"), ("100", "25"), ("70", "45")])
    with pytest.raises(ValidationError) as refused:
        svc.score_correct(
            actor=world.admin, entry=world.entries[0], criterion=world.a, judge=world.judge, value=D(1), reason="x"
        )
    assert refused.value.code == "not_published"


def test_awards_by_rank_give_ties_the_better_award(world):
    published(world)  # 张三 80 (1), 李四 80 (1), 王五 78 (3)
    given = svc.awards_by_rank(
        actor=world.admin, competition=world.competition, places={AwardLevel.FIRST: 1, AwardLevel.SECOND: 1}
    )
    levels = {str(a.entry): (a.level, a.rank) for a in given}
    assert levels == {"张三": (AwardLevel.FIRST, 1), "李四": (AwardLevel.FIRST, 1)}
    # Given again: nothing twice.
    assert svc.awards_by_rank(actor=world.admin, competition=world.competition, places={AwardLevel.FIRST: 1}) == []


def test_awards_by_rank_wait_for_publication(world):
    with pytest.raises(ValidationError) as refused:
        svc.awards_by_rank(actor=world.admin, competition=world.competition, places={AwardLevel.FIRST: 1})
    assert refused.value.code == "not_published"


def test_an_award_by_hand_needs_its_reason_and_is_revoked_with_one(world):
    with pytest.raises(ValidationError):
        svc.award_give(
            actor=world.admin,
            competition=world.competition,
            entry=world.entries[2],
            level=AwardLevel.ADVANCED_INDIVIDUAL,
            reason="",
        )
    award = svc.award_give(
        actor=world.admin,
        competition=world.competition,
        entry=world.entries[2],
        level=AwardLevel.ADVANCED_INDIVIDUAL,
        reason="带头攻坚拔点",
    )
    assert award.method == AwardMethod.MANUAL
    with pytest.raises(ValidationError):
        svc.award_revoke(actor=world.admin, award=award, reason="")
    svc.award_revoke(actor=world.admin, award=award, reason="重复评奖")
    assert not Award.objects.exists()
    assert AuditEvent.objects.filter(object_type="award", action=Action.DELETE, summary="重复评奖").exists()


def test_a_team_entry_with_its_members_and_section(world):
    team = svc.entry_create(
        actor=world.admin,
        competition=world.competition,
        kind=EntryKind.TEAM,
        name="征收一组",
        members=world.cadres[:2],
        section=world.section,
    )
    assert set(team.members.all()) == set(world.cadres[:2])
    assert team.section == world.section and team.unit == world.home
    with pytest.raises(ValidationError):
        svc.entry_create(actor=world.admin, competition=world.competition, kind=EntryKind.TEAM, name="空队")


def test_an_entrant_of_another_unit_is_refused(world):
    other = UnitFactory(name="其他局", code="OTHER")
    stranger = CadreFactory(section=SectionFactory(name="外单位科", unit=other))
    with pytest.raises(ValidationError) as refused:
        svc.entry_create(actor=world.admin, competition=world.competition, kind=EntryKind.INDIVIDUAL, cadre=stranger)
    assert "cadre" in refused.value.message_dict


def test_an_administrator_of_another_unit_may_not_write(world):
    other = UnitFactory(name="其他局", code="OTHER2")
    outsider = UserFactory(username="waiju", role=Role.TRAINING_ADMIN, cadre=None, unit=other)
    with pytest.raises(PermissionDenied):
        svc.criterion_add(actor=outsider, competition=world.competition, name="比作风", weight=D(1), max_score=D(1))
    with pytest.raises(PermissionDenied):
        svc.competition_create(actor=outsider, unit=world.home, name="越权", year=2022)
    with pytest.raises(PermissionDenied):
        svc.competition_publish(actor=outsider, competition=world.competition)


def test_a_judge_who_scored_stays_on_the_list(world):
    svc.score_record(actor=world.judge, entry=world.entries[0], criterion=world.a, judge=world.judge, value=D(1))
    with pytest.raises(ValidationError) as refused:
        svc.competition_update(actor=world.admin, competition=world.competition, judges=[world.admin])
    assert "judges" in refused.value.message_dict


def test_every_write_is_audited(world):
    sheet(world, world.judge, [("80", "40"), ("100", "25"), ("70", "45")])
    types = set(AuditEvent.objects.values_list("object_type", flat=True))
    assert {"competition", "criterion", "competitionentry", "score"} <= types
    assert AuditEvent.objects.filter(object_type="score", action=Action.CREATE).count() == 6


def test_entrants_are_the_units_cadres_of_the_competitions_year(world):
    """A cadre who has moved to another unit since is still entered in the past year's competition, under the
    科室 they had then; one who joined only later is not."""
    import datetime as dt

    from ganxun.roster.history import cadre_change

    other = UnitFactory(name="其他局", code="OTHER3")
    away = SectionFactory(name="外单位科", unit=other)
    moved = CadreFactory(name="调出者", section=world.section, hire_date=dt.date(2015, 3, 1))
    cadre_change(actor=world.admin, cadre=moved, effective=dt.date(2023, 5, 1), section=away)
    joined = CadreFactory(name="新调入", section=away, hire_date=dt.date(2015, 3, 1))
    cadre_change(actor=None, cadre=joined, effective=dt.date(2023, 5, 1), section=world.section)
    entry = svc.entry_create(actor=world.admin, competition=world.competition, kind=EntryKind.INDIVIDUAL, cadre=moved)
    assert (entry.unit, entry.section) == (world.home, world.section)
    with pytest.raises(ValidationError) as refused:
        svc.entry_create(actor=world.admin, competition=world.competition, kind=EntryKind.INDIVIDUAL, cadre=joined)
    assert "cadre" in refused.value.message_dict


def test_a_judge_does_not_score_an_entry_they_take_part_in(world):
    own = world.entries[0].cadre
    judge = UserFactory(username="zhangsan_judge", role=Role.CADRE, cadre=own)
    team = svc.entry_create(
        actor=world.admin,
        competition=world.competition,
        kind=EntryKind.TEAM,
        name="征收一组",
        members=[own, world.cadres[1]],
    )
    svc.competition_update(actor=world.admin, competition=world.competition, judges=[world.judge, world.admin, judge])
    for entry in (world.entries[0], team):
        with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
            svc.score_record(actor=judge, entry=entry, criterion=world.a, judge=judge, value=D(90))
        assert "回避" in str(refused.value)
    with pytest.raises(ValidationError):
        svc.score_sheet_save(
            actor=world.admin, competition=world.competition, judge=judge, values={(team.pk, world.a.pk): D(1)}
        )
    svc.score_record(actor=judge, entry=world.entries[2], criterion=world.a, judge=judge, value=D(90))
