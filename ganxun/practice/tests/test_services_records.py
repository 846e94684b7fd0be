"""Writing the cadre records: reach, party membership, teams on a date, attribution, audit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.practice import services
from ganxun.practice.models import Evidence, PlaceKind, Stint, TeamMembership, TeamRole, VisitKind
from ganxun.practice.tests import factories as f
from ganxun.roster.models import PoliticalStatus, Unit, home_unit_id
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def admin():
    return UserFactory(role=Role.TRAINING_ADMIN, cadre=None)


@pytest.fixture
def campaign():
    return f.CampaignFactory(start_date=D(2022, 3, 1), end_date=D(2022, 6, 30))


def test_a_stint_is_attributed_to_the_cadres_unit_and_section_and_audited(admin, campaign):
    cadre = CadreFactory()
    stint = services.stint_create(
        actor=admin,
        cadre=cadre,
        campaign=campaign,
        place=f.PlaceFactory(),
        role="组长",
        start_date=D(2022, 4, 1),
        end_date=D(2022, 4, 10),
    )
    assert (stint.unit, stint.section) == (cadre.unit, cadre.section)
    event = AuditEvent.objects.get(object_type="stint", action=Action.CREATE)
    assert event.changes["role"] == [None, "组长"]


def test_a_stint_follows_a_merged_place_to_the_place_kept(admin, campaign):
    keep, gone = f.PlaceFactory(), f.PlaceFactory()
    services.place_merge(actor=admin, keep=keep, gone=gone)
    stint = services.stint_create(
        actor=admin,
        cadre=CadreFactory(),
        campaign=campaign,
        place=gone,
        start_date=D(2022, 4, 1),
        end_date=D(2022, 4, 1),
    )
    assert stint.place == keep


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (D(2022, 3, 1), D(2022, 6, 30), True),  # the campaign's own first and last days
        (D(2022, 2, 28), D(2022, 3, 5), False),
        (D(2022, 6, 1), D(2022, 7, 1), False),
    ],
)
def test_a_stint_lies_within_its_campaign(admin, campaign, start, end, ok):
    def make():
        return services.stint_create(
            actor=admin, cadre=CadreFactory(), campaign=campaign, place=f.PlaceFactory(), start_date=start, end_date=end
        )

    if ok:
        make()
    else:
        with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
            make()
        assert "2022-03-01" in str(raised.value)


def test_a_stint_ending_before_it_starts_is_refused_in_chinese(admin, campaign):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.stint_create(
            actor=admin,
            cadre=CadreFactory(),
            campaign=campaign,
            place=f.PlaceFactory(),
            start_date=D(2022, 4, 2),
            end_date=D(2022, 4, 1),
        )
    assert "结束日期不能早于开始日期" in str(raised.value)


def test_the_same_stint_twice_is_refused(admin, campaign):
    cadre, place = CadreFactory(), f.PlaceFactory()
    fields = dict(campaign=campaign, place=place, start_date=D(2022, 4, 1), end_date=D(2022, 4, 2))
    services.stint_create(actor=admin, cadre=cadre, **fields)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.stint_create(actor=admin, cadre=cadre, **fields)
    assert "已存在" in str(raised.value)


def test_a_section_head_enters_for_their_section_only(campaign):
    head = UserFactory(role=Role.SECTION_HEAD)
    mine = CadreFactory(section=head.cadre.section)
    other = CadreFactory()
    fields = dict(campaign=campaign, place=f.PlaceFactory(), start_date=D(2022, 4, 1), end_date=D(2022, 4, 1))
    stint = services.stint_create(actor=head, cadre=mine, **fields)
    with pytest.raises(PermissionDenied):
        services.stint_create(actor=head, cadre=other, **fields)
    services.stint_update(actor=head, stint=stint, task="值守")
    with pytest.raises(PermissionDenied):
        services.stint_create(actor=UserFactory(role=Role.CADRE), cadre=mine, **fields)


def test_an_administrator_of_another_unit_cannot_enter(campaign):
    elsewhere = UnitFactory(parent=Unit.objects.get(pk=campaign.unit_id), name="下级单位", code="LOW")
    low_admin = UserFactory(role=Role.TRAINING_ADMIN, cadre=None, unit=elsewhere)
    with pytest.raises(PermissionDenied):
        services.stint_create(
            actor=low_admin,
            cadre=CadreFactory(),
            campaign=campaign,
            place=f.PlaceFactory(),
            start_date=D(2022, 4, 1),
            end_date=D(2022, 4, 1),
        )


def test_nobody_enters_their_own_practice(campaign):
    admin = UserFactory(role=Role.TRAINING_ADMIN)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.stint_create(
            actor=admin,
            cadre=admin.cadre,
            campaign=campaign,
            place=f.PlaceFactory(),
            start_date=D(2022, 4, 1),
            end_date=D(2022, 4, 1),
        )
    assert "其他管理员" in str(raised.value)


def test_the_cadre_of_a_record_cannot_be_changed(admin):
    stint = f.StintFactory()
    with pytest.raises(ValidationError):
        services.stint_update(actor=admin, stint=stint, cadre=CadreFactory())


def test_deleting_a_record_removes_its_evidence_and_audits(admin):
    stint = f.StintFactory()
    services.evidence_add(actor=admin, record=stint, note="照片")
    services.stint_delete(actor=admin, stint=stint, reason="录入错误")
    assert not Stint.objects.exists()
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.filter(object_type="stint", action=Action.DELETE).exists()


# --- community reports -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "ok"),
    [
        (PoliticalStatus.CPC_MEMBER, True),
        (PoliticalStatus.CPC_PROBATIONARY, True),
        (PoliticalStatus.CYL_MEMBER, False),
        (PoliticalStatus.DEMOCRATIC_PARTY, False),
        (PoliticalStatus.MASSES, False),
    ],
)
def test_only_party_members_report_to_a_community(admin, status, ok):
    cadre = CadreFactory(political_status=status, party_branch="机关第一支部")
    place = f.PlaceFactory(kind=PlaceKind.COMMITTEE)

    def report():
        return services.community_report_create(
            actor=admin, cadre=cadre, place=place, date=D(2022, 5, 1), service="值守"
        )

    if ok:
        assert report().party_branch == "机关第一支部"
    else:
        with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
            report()
        assert cadre.name in str(raised.value) and "2022-05-01" in str(raised.value)
        assert raised.value.error_dict["cadre"][0].code == "not_party_member"


def test_a_community_report_goes_to_a_committee(admin):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        services.community_report_create(
            actor=admin, cadre=f.PartyMemberFactory(), place=f.StreetFactory(), date=D(2022, 5, 1)
        )
    assert "居委" in str(raised.value)


def test_party_member_refusal_names_the_status():
    with translation.override("zh-hans"):
        message = services.party_member_refusal(CadreFactory(political_status=PoliticalStatus.MASSES), D(2022, 5, 1))
    assert "群众" in message
    assert services.party_member_refusal(f.PartyMemberFactory(), D(2022, 5, 1)) is None


# --- teams -------------------------------------------------------------------------------------------------------


def test_team_members_on_a_date_with_leaving_exclusive(admin):
    team = services.team_create(actor=admin, name="房管应急支援队", formed_on=D(2022, 3, 15))
    leader, member, leaver = CadreFactory(name="甲"), CadreFactory(name="乙"), CadreFactory(name="丙")
    services.team_membership_create(actor=admin, cadre=member, team=team, joined_on=D(2022, 3, 15))
    services.team_membership_create(
        actor=admin, cadre=leader, team=team, role=TeamRole.LEADER, joined_on=D(2022, 3, 15)
    )
    services.team_membership_create(
        actor=admin, cadre=leaver, team=team, joined_on=D(2022, 3, 20), left_on=D(2022, 7, 1)
    )
    on = lambda day: [m.cadre for m in services.team_members_on(team, day)]  # noqa: E731
    assert on(D(2022, 3, 14)) == []
    assert on(D(2022, 3, 15)) == [leader, member]
    assert on(D(2022, 6, 30))[0] == leader
    assert set(on(D(2022, 6, 30))) == {leader, member, leaver}
    assert on(D(2022, 7, 1)) == [leader, member]
    assert on(D(2022, 12, 31)) == [leader, member]


def test_a_dissolved_team_has_no_members(admin):
    team = services.team_create(actor=admin, name="突击队", formed_on=D(2022, 1, 1), dissolved_on=D(2022, 12, 1))
    services.team_membership_create(actor=admin, cadre=CadreFactory(), team=team, joined_on=D(2022, 1, 1))
    assert services.team_members_on(team, D(2022, 11, 30)).count() == 1
    assert services.team_members_on(team, D(2022, 12, 1)).count() == 0


def test_joining_before_the_team_was_formed_or_twice_at_once_is_refused(admin):
    team = services.team_create(actor=admin, name="应急队", formed_on=D(2022, 3, 15))
    cadre = CadreFactory()
    with pytest.raises(ValidationError):
        services.team_membership_create(actor=admin, cadre=cadre, team=team, joined_on=D(2022, 3, 14))
    services.team_membership_create(
        actor=admin, cadre=cadre, team=team, joined_on=D(2022, 3, 15), left_on=D(2022, 5, 1)
    )
    with pytest.raises(ValidationError):
        services.team_membership_create(actor=admin, cadre=cadre, team=team, joined_on=D(2022, 4, 30))
    # rejoining on the day of leaving is not an overlap (leaving is exclusive)
    services.team_membership_create(actor=admin, cadre=cadre, team=team, joined_on=D(2022, 5, 1))
    assert TeamMembership.objects.filter(cadre=cadre).count() == 2


def test_team_get_or_create_dates_back_the_formation(admin):
    team, created = services.team_get_or_create(actor=admin, name="应急队", formed_on=D(2022, 4, 1))
    assert created
    again, created = services.team_get_or_create(actor=admin, name=" 应急队 ", formed_on=D(2022, 3, 1))
    assert (again, created) == (team, False)
    team.refresh_from_db()
    assert team.formed_on == D(2022, 3, 1)


def test_campaign_get_or_create_widens_the_period(admin):
    campaign, created = services.campaign_get_or_create(
        actor=admin, name="社区抗疫", start_date=D(2022, 4, 1), end_date=D(2022, 5, 1)
    )
    assert created
    again, created = services.campaign_get_or_create(
        actor=admin, name="社区抗疫", start_date=D(2022, 3, 1), end_date=D(2022, 6, 1)
    )
    assert (again, created) == (campaign, False)
    campaign.refresh_from_db()
    assert (campaign.start_date, campaign.end_date) == (D(2022, 3, 1), D(2022, 6, 1))


def test_a_campaign_cannot_shrink_below_its_stints_or_be_deleted_with_them(admin, campaign):
    f.StintFactory(campaign=campaign, start_date=D(2022, 4, 1), end_date=D(2022, 4, 10))
    with pytest.raises(ValidationError):
        services.campaign_update(actor=admin, campaign=campaign, end_date=D(2022, 4, 9))
    services.campaign_update(actor=admin, campaign=campaign, end_date=D(2022, 4, 10))
    with pytest.raises(ValidationError):
        services.campaign_delete(actor=admin, campaign=campaign)


# --- secondments and visits --------------------------------------------------------------------------------------


def test_a_secondment_planned_years_ahead_is_accepted(admin):
    secondment = services.secondment_create(
        actor=admin,
        cadre=CadreFactory(),
        kind="xinjiang",
        region="新疆喀什",
        planned_start=timezone.localdate(),
        planned_end=timezone.localdate().replace(year=timezone.localdate().year + 3),
    )
    assert secondment.pk


def test_a_visit_needs_a_place_or_a_destination(admin):
    with pytest.raises(ValidationError):
        services.visit_create(
            actor=admin, cadre=CadreFactory(), kind=VisitKind.EXCHANGE, start_date=D(2022, 9, 1), end_date=D(2022, 9, 1)
        )


def test_records_follow_a_change_of_section_dated_before_them(admin):
    from ganxun.roster.services import cadre_update

    cadre = CadreFactory(hire_date=D(2010, 1, 1))
    before = f.StintFactory(cadre=cadre, start_date=D(2022, 2, 1), end_date=D(2022, 2, 1))
    after = f.StintFactory(cadre=cadre, start_date=D(2022, 4, 1))
    new_section = SectionFactory()
    cadre_update(actor=admin, cadre=cadre, section=new_section, effective=D(2022, 3, 1))
    before.refresh_from_db()
    after.refresh_from_db()
    assert after.section == new_section
    assert before.section != new_section


def test_leaving_a_team(admin):
    team = services.team_create(actor=admin, name="应急队", formed_on=D(2022, 3, 15))
    member = services.team_membership_create(actor=admin, cadre=CadreFactory(), team=team, joined_on=D(2022, 3, 15))
    with pytest.raises(ValidationError):
        services.team_membership_leave(actor=admin, membership=member, left_on=D(2022, 3, 15))
    services.team_membership_leave(actor=admin, membership=member, left_on=D(2022, 3, 16), note="调离")
    member.refresh_from_db()
    assert (member.left_on, member.note) == (D(2022, 3, 16), "调离")
    assert AuditEvent.objects.filter(object_type="teammembership", action=Action.UPDATE).exists()


def test_a_judge_sees_the_competition_they_judge():
    competition = f.CompetitionFactory(unit=UnitFactory(name="别处", code="ELSE"))
    judge = UserFactory(role=Role.CADRE)
    from ganxun.practice.models import Competition

    assert not Competition.objects.visible_to(judge).exists()
    competition.judges.add(judge)
    assert list(Competition.objects.visible_to(judge)) == [competition]


def test_evidence_by_who_may_change_the_record():
    head = UserFactory(role=Role.SECTION_HEAD)
    mine = f.StintFactory(cadre=CadreFactory(section=head.cadre.section))
    theirs = f.StintFactory()
    evidence = services.evidence_add(actor=head, record=mine, note="报到单")
    assert evidence.uploaded_by == head and evidence.record == mine
    with pytest.raises(PermissionDenied):
        services.evidence_add(actor=head, record=theirs, note="报到单")
    with pytest.raises(PermissionDenied):
        services.evidence_add(actor=UserFactory(role=Role.CADRE, cadre=mine.cadre), record=mine, note="照片")
    with pytest.raises(ValidationError):
        services.evidence_add(actor=head, record=mine, note="  ")
    services.evidence_delete(actor=head, evidence=evidence)
    assert not Evidence.objects.exists()
    assert AuditEvent.objects.filter(object_type="stint", object_id=str(mine.pk)).count() == 2


def test_a_branch_administrator_organises_only_below_their_unit():
    home = Unit.objects.get(pk=home_unit_id())
    branch = UnitFactory(parent=home, name="分局", code="BR")
    branch_admin = UserFactory(role=Role.TRAINING_ADMIN, cadre=None, unit=branch)
    campaign = services.campaign_create(actor=branch_admin, name="拔点攻坚", start_date=D(2022, 1, 1))
    assert campaign.unit == branch  # their own unit by default
    with pytest.raises(ValidationError):
        services.campaign_create(actor=branch_admin, name="全局行动", start_date=D(2022, 1, 1), unit=home)
    home_campaign = f.CampaignFactory(unit=home)
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=branch_admin, campaign=home_campaign, name="改名")
    with pytest.raises(PermissionDenied):
        services.team_create(actor=UserFactory(role=Role.SECTION_HEAD), name="队", formed_on=D(2022, 1, 1))
