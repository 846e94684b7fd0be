"""visible_to: the one chokepoint per model (system admin all, admin their units, 科室负责人 their 科室, cadre own)."""

import pytest

from ganxun.accounts.models import Role
from ganxun.practice.models import (
    Award,
    Campaign,
    CommunityReport,
    Competition,
    CompetitionEntry,
    Criterion,
    Evidence,
    Place,
    Score,
    Secondment,
    Stint,
    Team,
    TeamMembership,
    Visit,
)
from ganxun.practice.tests import factories as f
from ganxun.roster.models import Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

RECORD_FACTORIES = {
    Stint: f.StintFactory,
    CommunityReport: f.CommunityReportFactory,
    TeamMembership: f.TeamMembershipFactory,
    Secondment: f.SecondmentFactory,
    Visit: f.VisitFactory,
}


@pytest.fixture
def world():
    """A home unit with a branch below it; a 科室 in each; a cadre in each 科室, and one more in the home 科室."""
    home = Unit.objects.get(pk=home_unit_id())
    branch = UnitFactory(parent=home, name="分局", code="BR")
    home_section = SectionFactory(unit=home)
    branch_section = SectionFactory(unit=branch)
    w = {
        "home": home,
        "branch": branch,
        "here": CadreFactory(section=home_section),
        "colleague": CadreFactory(section=home_section),
        "there": CadreFactory(section=branch_section),
        "elsewhere": CadreFactory(section=SectionFactory(unit=home)),
    }
    w["system"] = UserFactory(role=Role.SYSTEM_ADMIN, cadre=None, unit=None)
    w["home_admin"] = UserFactory(role=Role.TRAINING_ADMIN, cadre=None, unit=home)
    w["branch_admin"] = UserFactory(role=Role.TRAINING_ADMIN, cadre=None, unit=branch)
    w["head"] = UserFactory(role=Role.SECTION_HEAD, cadre=w["colleague"])
    w["cadre"] = UserFactory(role=Role.CADRE, cadre=w["here"])
    w["nobody"] = UserFactory(role=Role.CADRE, is_active=False)
    return w


@pytest.mark.parametrize("model", list(RECORD_FACTORIES))
def test_cadre_records(world, model):
    make = RECORD_FACTORIES[model]
    mine, there, elsewhere = make(cadre=world["here"]), make(cadre=world["there"]), make(cadre=world["elsewhere"])
    seen = lambda user: set(model.objects.visible_to(user))  # noqa: E731
    assert seen(world["system"]) == {mine, there, elsewhere}
    assert seen(world["home_admin"]) == {mine, there, elsewhere}
    assert seen(world["branch_admin"]) == {there}
    assert seen(world["head"]) == {mine}  # the head's 科室
    assert seen(world["cadre"]) == {mine}
    assert seen(world["nobody"]) == set()
    editable = lambda user: set(model.objects.editable_by(user))  # noqa: E731
    assert editable(world["head"]) == {mine}
    assert editable(world["cadre"]) == set()
    assert editable(world["branch_admin"]) == {there}


def test_the_attribution_decides_not_the_cadres_current_section(world):
    stint = f.StintFactory(cadre=world["here"], section=world["there"].section, unit=world["branch"])
    assert stint in Stint.objects.visible_to(world["branch_admin"])
    assert stint not in Stint.objects.visible_to(world["head"])
    assert stint in Stint.objects.visible_to(world["cadre"])  # still the cadre's own


@pytest.mark.parametrize(("model", "make"), [(Campaign, f.CampaignFactory), (Team, f.TeamFactory)])
def test_bodies(world, model, make):
    at_home, at_branch = make(unit=world["home"]), make(unit=world["branch"])
    seen = lambda user: set(model.objects.visible_to(user))  # noqa: E731
    assert seen(world["system"]) == {at_home, at_branch}
    assert seen(world["home_admin"]) == {at_home, at_branch}
    assert seen(world["branch_admin"]) == {at_home, at_branch}  # organised above: its cadres take part
    assert set(model.objects.editable_by(world["branch_admin"])) == {at_branch}
    assert seen(world["cadre"]) == set()
    if model is Campaign:
        f.StintFactory(cadre=world["here"], campaign=at_branch)
    else:
        f.TeamMembershipFactory(cadre=world["here"], team=at_branch)
    assert seen(world["cadre"]) == {at_branch}
    assert seen(world["head"]) == {at_branch}


def test_competitions_and_their_parts(world):
    home_comp = f.CompetitionFactory(unit=world["home"])
    branch_comp = f.CompetitionFactory(unit=world["branch"])
    entry = f.CompetitionEntryFactory(competition=branch_comp, cadre=world["there"])
    criterion = f.CriterionFactory(competition=branch_comp)
    judge = UserFactory(role=Role.CADRE)
    score = f.ScoreFactory(entry=entry, criterion=criterion, judge=judge)
    f.AwardFactory(entry=entry)
    assert set(Competition.objects.visible_to(world["branch_admin"])) == {home_comp, branch_comp}
    assert set(Competition.objects.visible_to(world["cadre"])) == {home_comp}  # own unit and above
    there_user = UserFactory(role=Role.CADRE, cadre=world["there"])
    assert set(Competition.objects.visible_to(there_user)) == {home_comp, branch_comp}
    assert CompetitionEntry.objects.visible_to(world["cadre"]).count() == 0
    assert Criterion.objects.visible_to(there_user).count() == 1
    assert Award.objects.visible_to(there_user).count() == 1
    assert set(Score.objects.visible_to(world["home_admin"])) == {score}
    assert set(Score.objects.visible_to(there_user)) == set()  # not published yet
    branch_comp.published_at = branch_comp.created_at
    branch_comp.save()
    assert set(Score.objects.visible_to(there_user)) == {score}


def test_places_are_seen_by_everyone_signed_in(world):
    place = f.PlaceFactory()
    assert list(Place.objects.visible_to(world["cadre"])) == [place]
    world["cadre"].is_active = False
    assert not Place.objects.visible_to(world["cadre"]).exists()


def test_evidence_follows_its_record(world):
    mine = f.EvidenceFactory(record=f.StintFactory(cadre=world["here"]))
    theirs = f.EvidenceFactory(record=f.StintFactory(cadre=world["there"]))
    assert set(Evidence.objects.visible_to(world["cadre"])) == {mine}
    assert set(Evidence.objects.visible_to(world["branch_admin"])) == {theirs}
    assert set(Evidence.objects.visible_to(world["system"])) == {mine, theirs}
    assert list(Evidence.objects.of(mine.record)) == [mine]


def test_visible_to_costs_one_query(world, django_assert_max_num_queries):
    for make in RECORD_FACTORIES.values():
        make(cadre=world["there"])
    for user in ("home_admin", "branch_admin", "head", "cadre"):
        for model in RECORD_FACTORIES:
            with django_assert_max_num_queries(1):
                list(model.objects.visible_to(world[user]))
