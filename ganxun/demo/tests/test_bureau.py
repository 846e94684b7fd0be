"""The demo bureau: realistic, deterministic, audited, and never loaded over existing data."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from ganxun.accounts.models import Role, User
from ganxun.audit.models import Action, AuditEvent
from ganxun.demo.bureau import DEMO_ACCOUNTS, DEMO_PASSWORD, EMERGENCY_TEAM_SIZE, BureauPlanner, load_bureau
from ganxun.roster.idcard import validate_id_number
from ganxun.roster.models import Cadre, DerivedGroup, Section, Status, Tag, Unit, UnitKind

TODAY = dt.date(2026, 3, 15)


def test_the_plan_is_the_same_on_every_run():
    first = [(p.fields["name"], p.fields["id_number"], p.section) for p in BureauPlanner(TODAY).plan()]
    second = [(p.fields["name"], p.fields["id_number"], p.section) for p in BureauPlanner(TODAY).plan()]
    assert first == second


def test_the_plan_has_plausible_people():
    people = BureauPlanner(TODAY).plan()
    names = [p.fields["name"] for p in people]
    assert 170 <= len(people) <= 190
    assert len(set(names)) == len(names)
    assert all(2 <= len(n) <= 3 for n in names)
    for p in people:
        validate_id_number(p.fields["id_number"])
        assert p.fields["id_number"].startswith("31")
        assert 23 <= p.age <= 60


# Class-level, so that accounts made in setUpTestData get the fast test hasher too.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class LoadedBureauTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = load_bureau(today=TODAY, password=DEMO_PASSWORD)

    def test_the_district_organisation_department_bureau_and_commission(self):
        org, bureau, commission = (Unit.objects.get(code=code) for code in ("QWZZB", "QFGJ", "QJGW"))
        assert (org.name, org.kind, org.parent) == ("区委组织部", UnitKind.ORGANISATION_DEPARTMENT, None)
        assert bureau.name == "区房管局" and bureau.parent == org and bureau.path == f"{org.path}{bureau.pk}/"
        assert commission.name == "区建管委" and commission.parent == org
        assert 170 <= bureau.cadres.count() <= 190
        assert commission.cadres.count() == 30
        assert commission.sections.count() == 4
        assert not org.cadres.exists()

    def test_the_org_department_admin_sees_the_district_the_bureaus_only_the_bureau(self):
        orgadmin, trainadmin = User.objects.get(username="orgadmin"), User.objects.get(username="trainadmin")
        assert orgadmin.role == Role.TRAINING_ADMIN and orgadmin.unit.code == "QWZZB"
        assert trainadmin.unit.code == "QFGJ"
        assert Cadre.objects.visible_to(orgadmin).count() == Cadre.objects.count()
        assert set(Cadre.objects.visible_to(trainadmin)) == set(Cadre.objects.filter(unit__code="QFGJ"))

    def test_sections_of_a_housing_bureau(self):
        names = set(Section.objects.filter(unit__code="QFGJ").values_list("name", flat=True))
        assert {"办公室", "组织人事科", "旧区改造科", "住房保障科", "物业管理科", "信访办", "综合执法大队"} <= names
        assert 12 <= len(names) <= 14

    def test_leadership_and_section_heads(self):
        cadres = Cadre.objects.filter(unit__code="QFGJ")
        leaders = cadres.in_group(DerivedGroup.LEADER, on=TODAY)
        assert leaders.filter(leadership_level="division_chief").count() == 1
        assert 3 <= leaders.filter(leadership_level="deputy_division_chief").count() <= 4
        for section in Section.objects.exclude(name__in=["局领导", "委领导"]):
            assert section.cadres.filter(leadership_level="section_chief").count() == 1, section.name

    def test_groups_a_bureau_would_have(self):
        active = Cadre.objects.active().filter(unit__code="QFGJ")
        total = active.count()
        party = active.in_group(DerivedGroup.PARTY_MEMBER, on=TODAY).count()
        assert 0.55 <= party / total <= 0.70
        assert active.in_group(DerivedGroup.NEW_RECRUIT, on=TODAY).count() == 10
        assert active.in_group(DerivedGroup.LEAGUE_MEMBER, on=TODAY).exists()
        assert active.in_group(DerivedGroup.YOUNG, on=TODAY).count() >= 20
        assert Cadre.objects.filter(status=Status.RETIRED).exists()
        assert Cadre.objects.filter(status=Status.TRANSFERRED).exists()
        assert Tag.objects.get(name="应急支援队").cadres.count() == EMERGENCY_TEAM_SIZE
        assert not Cadre.objects.filter(political_status="masses").exclude(party_branch="").exists()

    def test_every_write_is_audited_with_the_system_as_actor(self):
        created = AuditEvent.objects.filter(action=Action.CREATE, object_type="cadre")
        assert created.count() == Cadre.objects.count()
        assert not created.exclude(actor=None).exists()
        assert AuditEvent.objects.filter(action=Action.CREATE, object_type="section").count() == Section.objects.count()
        assert AuditEvent.objects.filter(action=Action.CREATE, object_type="tag").count() == Tag.objects.count()
        assert AuditEvent.objects.filter(action=Action.STATUS).count() == Cadre.objects.exclude(status="active").count()

    def test_one_demo_account_per_role_with_a_password_the_policy_accepts(self):
        assert {a.role for a in DEMO_ACCOUNTS} == set(Role.values)
        for account in DEMO_ACCOUNTS:
            user = User.objects.get(username=account.username)
            assert user.role == account.role
            assert user.check_password(DEMO_PASSWORD)
            # As for a new account: the current-password rule would refuse it for this one, by design.
            validate_password(DEMO_PASSWORD, User(username=user.username, cadre=user.cadre))
        head = User.objects.get(role=Role.SECTION_HEAD)
        cadre = User.objects.get(username="cadre")
        assert head.cadre.section.name == "旧区改造科"
        assert cadre.cadre in Cadre.objects.visible_to(head)
        assert DerivedGroup.YOUNG in cadre.cadre.groups_on(TODAY)
        assert User.objects.get(username="sysadmin").is_staff


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class LoadDemoCommandTests(TestCase):
    def test_loads_once_then_if_empty_leaves_the_data_alone(self):
        call_command("load_demo", stdout=StringIO())
        count = Cadre.objects.count()
        events = AuditEvent.objects.count()
        out = StringIO()
        call_command("load_demo", if_empty=True, stdout=out)
        assert Cadre.objects.count() == count
        assert AuditEvent.objects.count() == events
        with pytest.raises(CommandError):
            call_command("load_demo", stdout=StringIO())

    def test_accounts_lists_usernames_and_the_password(self):
        call_command("load_demo", stdout=StringIO())
        out = StringIO()
        call_command("load_demo", accounts=True, stdout=out)
        for account in DEMO_ACCOUNTS:
            assert account.username in out.getvalue()
        assert DEMO_PASSWORD in out.getvalue()

    @override_settings(PRODUCTION=True)
    def test_refused_in_production(self):
        with pytest.raises(CommandError):
            call_command("load_demo", stdout=StringIO())
        assert not Cadre.objects.exists()
