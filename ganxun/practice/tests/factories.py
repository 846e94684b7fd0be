"""Factories for the practice records.  Rows made here skip the services (no audit, no 学时): for the workflow,
call ``ganxun.practice.services``.  A cadre record's ``unit`` and ``section`` default to the cadre's."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType

from ganxun.practice.models import (
    Award,
    AwardLevel,
    AwardMethod,
    Campaign,
    CommunityReport,
    Competition,
    CompetitionEntry,
    Criterion,
    EntryKind,
    Evidence,
    Place,
    PlaceKind,
    PracticeCredit,
    Score,
    Secondment,
    SecondmentKind,
    Stint,
    Team,
    TeamKind,
    TeamMembership,
    TeamRole,
    Visit,
    VisitKind,
)
from ganxun.roster.models import PoliticalStatus, Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory


def _home_unit(_obj=None) -> Unit:
    return Unit.objects.get(pk=home_unit_id())


def normalise(name: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", name).split())


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"测试{n}居委")
    normalised_name = factory.LazyAttribute(lambda o: normalise(o.name))
    kind = PlaceKind.COMMITTEE
    parent = None


class StreetFactory(PlaceFactory):
    name = factory.Sequence(lambda n: f"测试{n}街道")
    kind = PlaceKind.STREET


class EstateFactory(PlaceFactory):
    name = factory.Sequence(lambda n: f"测试{n}小区")
    kind = PlaceKind.ESTATE
    parent = factory.SubFactory(PlaceFactory)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"社区抗疫{n}")
    unit = factory.LazyFunction(_home_unit)
    start_date = dt.date(2022, 3, 1)
    end_date = dt.date(2022, 6, 30)


class CadreRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    cadre = factory.SubFactory(CadreFactory)
    unit = factory.LazyAttribute(lambda o: o.cadre.unit)
    section = factory.LazyAttribute(lambda o: o.cadre.section)


class StintFactory(CadreRecordFactory):
    class Meta:
        model = Stint

    campaign = factory.SubFactory(CampaignFactory)
    place = factory.SubFactory(PlaceFactory)
    role = "志愿者"
    task = "核酸检测秩序维护"
    start_date = dt.date(2022, 4, 1)
    end_date = dt.date(2022, 4, 10)


class PartyMemberFactory(CadreFactory):
    political_status = PoliticalStatus.CPC_MEMBER


class CommunityReportFactory(CadreRecordFactory):
    class Meta:
        model = CommunityReport

    cadre = factory.SubFactory(PartyMemberFactory)
    place = factory.SubFactory(PlaceFactory)
    date = dt.date(2022, 5, 1)
    service = "社区防疫值守"
    party_branch = "第一党支部"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"房管应急支援队{n}")
    kind = TeamKind.EMERGENCY
    unit = factory.LazyFunction(_home_unit)
    formed_on = dt.date(2022, 3, 15)


class TeamMembershipFactory(CadreRecordFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    role = TeamRole.MEMBER
    joined_on = dt.date(2022, 3, 15)
    left_on = None


class SecondmentFactory(CadreRecordFactory):
    class Meta:
        model = Secondment

    kind = SecondmentKind.TIBET
    region = "西藏日喀则市"
    host_unit = "日喀则市住建局"
    post = "副局长"
    planned_start = dt.date(2022, 7, 1)
    planned_end = dt.date(2023, 6, 30)


class VisitFactory(CadreRecordFactory):
    class Meta:
        model = Visit

    kind = VisitKind.EXCHANGE
    destination = "静安区房管局"
    start_date = dt.date(2022, 9, 1)
    end_date = dt.date(2022, 9, 2)
    task = "旧改经验交流"


class CompetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competition

    name = factory.Sequence(lambda n: f"五比五赛{n}")
    unit = factory.LazyFunction(_home_unit)
    year = 2022


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    competition = factory.SubFactory(CompetitionFactory)
    name = factory.Sequence(lambda n: f"比{n}")
    weight = Decimal("1")
    max_score = Decimal("100")
    order = factory.Sequence(lambda n: n)


class CompetitionEntryFactory(factory.django.DjangoModelFactory):
    """An individual entry; ``TeamEntryFactory`` for a team."""

    class Meta:
        model = CompetitionEntry

    competition = factory.SubFactory(CompetitionFactory)
    kind = EntryKind.INDIVIDUAL
    cadre = factory.SubFactory(CadreFactory)
    section = factory.LazyAttribute(lambda o: o.cadre.section if o.cadre else None)
    unit = factory.LazyAttribute(lambda o: o.competition.unit)


class TeamEntryFactory(CompetitionEntryFactory):
    class Meta:
        skip_postgeneration_save = True

    kind = EntryKind.TEAM
    cadre = None
    name = factory.Sequence(lambda n: f"征收一组{n}")
    section = None

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class ScoreFactory(factory.django.DjangoModelFactory):
    """An agreed score (no judge) unless a judge is given."""

    class Meta:
        model = Score

    entry = factory.SubFactory(CompetitionEntryFactory)
    criterion = factory.SubFactory(CriterionFactory, competition=factory.SelfAttribute("..entry.competition"))
    judge = None
    value = Decimal("80")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    entry = factory.SubFactory(CompetitionEntryFactory)
    competition = factory.LazyAttribute(lambda o: o.entry.competition)
    level = AwardLevel.FIRST
    method = AwardMethod.BY_RANK
    rank = 1


class EvidenceFactory(factory.django.DjangoModelFactory):
    """A note on a stint unless ``record`` is given."""

    class Meta:
        model = Evidence
        exclude = ["record"]

    record = factory.SubFactory(StintFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.record))
    object_id = factory.LazyAttribute(lambda o: o.record.pk)
    note = "现场照片三张"


class PracticeCreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeCredit

    stint = factory.SubFactory(StintFactory)
    cadre = factory.LazyAttribute(lambda o: o.stint.cadre)
    year = factory.LazyAttribute(lambda o: o.stint.start_date.year)
    title = factory.LazyAttribute(lambda o: str(o.stint))
    days = 10
