"""The roster's derived facts: tier, derived groups at their boundaries, consistency with the ID number, search."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings

from ganxun.roster.models import (
    Cadre,
    DerivedGroup,
    Gender,
    LeadershipLevel,
    PoliticalStatus,
    Rank,
    Tier,
    years_before,
)
from ganxun.roster.services import name_initials

from .factories import CadreFactory, SectionFactory, make_id_number

TODAY = dt.date(2026, 6, 15)


def group_members(group: str, on: dt.date) -> set[int]:
    return set(Cadre.objects.in_group(group, on=on).values_list("pk", flat=True))


class TierTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionFactory()
        cls.cases = {
            "researcher_4": (CadreFactory(section=section, rank=Rank.RESEARCHER_4), Tier.COUNTY_DIVISION),
            "inspector_1": (CadreFactory(section=section, rank=Rank.INSPECTOR_1), Tier.COUNTY_DIVISION),
            "principal_clerk_1": (CadreFactory(section=section, rank=Rank.PRINCIPAL_CLERK_1), Tier.TOWNSHIP_SECTION),
            "clerk_2": (CadreFactory(section=section, rank=Rank.CLERK_2), Tier.TOWNSHIP_SECTION),
            "deputy_division_no_rank": (
                CadreFactory(section=section, leadership_level=LeadershipLevel.DEPUTY_DIVISION_CHIEF),
                Tier.COUNTY_DIVISION,
            ),
            "section_chief_clerk": (
                CadreFactory(
                    section=section,
                    rank=Rank.PRINCIPAL_CLERK_2,
                    leadership_level=LeadershipLevel.SECTION_CHIEF,
                ),
                Tier.TOWNSHIP_SECTION,
            ),
            "nothing": (CadreFactory(section=section), Tier.TOWNSHIP_SECTION),
        }

    def test_tier_follows_rank_and_leadership_post(self):
        for label, (cadre, tier) in self.cases.items():
            with self.subTest(label):
                self.assertEqual(cadre.tier, tier)

    def test_in_tier_agrees_with_the_property(self):
        for tier in Tier.values:
            expected = {c.pk for c, t in self.cases.values() if t == tier}
            with self.subTest(tier):
                self.assertEqual(set(Cadre.objects.in_tier(tier).values_list("pk", flat=True)), expected)

    def test_tier_display_is_chinese(self):
        self.assertEqual(self.cases["researcher_4"][0].get_tier_display(), "县处级以上")


class YoungCadreBoundaryTests(TestCase):
    """青年干部: 35 or under.  On the 36th birthday a cadre leaves the group."""

    @classmethod
    def setUpTestData(cls):
        cls.birthday_today = CadreFactory(birth_date=years_before(TODAY, 36))  # turns 36 today
        cls.birthday_tomorrow = CadreFactory(birth_date=years_before(TODAY + dt.timedelta(days=1), 36))  # still 35
        cls.just_35 = CadreFactory(birth_date=years_before(TODAY, 35))

    def test_age_on_the_birthday(self):
        self.assertEqual(self.birthday_today.age_on(TODAY), 36)
        self.assertEqual(self.birthday_tomorrow.age_on(TODAY), 35)

    def test_35_is_young_and_36_is_not_in_python_and_in_sql(self):
        self.assertIn(DerivedGroup.YOUNG, self.birthday_tomorrow.groups_on(TODAY))
        self.assertIn(DerivedGroup.YOUNG, self.just_35.groups_on(TODAY))
        self.assertNotIn(DerivedGroup.YOUNG, self.birthday_today.groups_on(TODAY))
        self.assertEqual(group_members(DerivedGroup.YOUNG, TODAY), {self.birthday_tomorrow.pk, self.just_35.pk})

    def test_the_day_before_the_36th_birthday_still_counts(self):
        day_before = TODAY - dt.timedelta(days=1)
        self.assertIn(DerivedGroup.YOUNG, self.birthday_today.groups_on(day_before))
        self.assertIn(self.birthday_today.pk, group_members(DerivedGroup.YOUNG, day_before))

    @override_settings(GANXUN={"YOUNG_CADRE_MAX_AGE": 40})
    def test_the_age_limit_is_a_setting(self):
        self.assertIn(DerivedGroup.YOUNG, self.birthday_today.groups_on(TODAY))
        self.assertIn(self.birthday_today.pk, group_members(DerivedGroup.YOUNG, TODAY))


class NewRecruitBoundaryTests(TestCase):
    """新录用人员: from the hire date to the last day of probation, both included."""

    @classmethod
    def setUpTestData(cls):
        cls.recruit = CadreFactory(hire_date=dt.date(2025, 3, 1), probation_end=dt.date(2026, 2, 28))

    def test_inside_probation_on_both_end_days(self):
        for day in (dt.date(2025, 3, 1), dt.date(2026, 2, 28)):
            with self.subTest(day):
                self.assertIn(DerivedGroup.NEW_RECRUIT, self.recruit.groups_on(day))
                self.assertEqual(group_members(DerivedGroup.NEW_RECRUIT, day), {self.recruit.pk})

    def test_outside_probation_the_day_before_and_the_day_after(self):
        for day in (dt.date(2025, 2, 28), dt.date(2026, 3, 1)):
            with self.subTest(day):
                self.assertNotIn(DerivedGroup.NEW_RECRUIT, self.recruit.groups_on(day))
                self.assertEqual(group_members(DerivedGroup.NEW_RECRUIT, day), set())


class PartyAndLeadershipGroupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.member = CadreFactory(political_status=PoliticalStatus.CPC_MEMBER)
        cls.probationary = CadreFactory(political_status=PoliticalStatus.CPC_PROBATIONARY)
        cls.league = CadreFactory(political_status=PoliticalStatus.CYL_MEMBER)
        cls.masses = CadreFactory(political_status=PoliticalStatus.MASSES)
        cls.democratic = CadreFactory(political_status=PoliticalStatus.DEMOCRATIC_PARTY)
        cls.leader = CadreFactory(leadership_level=LeadershipLevel.DIVISION_CHIEF)
        cls.head = CadreFactory(leadership_level=LeadershipLevel.DEPUTY_SECTION_CHIEF)

    def test_party_members_include_probationary_members(self):
        self.assertEqual(group_members(DerivedGroup.PARTY_MEMBER, TODAY), {self.member.pk, self.probationary.pk})
        self.assertIn(DerivedGroup.PARTY_MEMBER, self.probationary.groups_on(TODAY))

    def test_league_members(self):
        self.assertEqual(group_members(DerivedGroup.LEAGUE_MEMBER, TODAY), {self.league.pk})
        self.assertNotIn(DerivedGroup.PARTY_MEMBER, self.league.groups_on(TODAY))

    def test_masses_and_democratic_parties_are_in_neither(self):
        for cadre in (self.masses, self.democratic):
            groups = cadre.groups_on(TODAY)
            self.assertNotIn(DerivedGroup.PARTY_MEMBER, groups)
            self.assertNotIn(DerivedGroup.LEAGUE_MEMBER, groups)

    def test_leaders_and_section_heads_come_from_the_leadership_post(self):
        self.assertEqual(group_members(DerivedGroup.LEADER, TODAY), {self.leader.pk})
        self.assertEqual(group_members(DerivedGroup.SECTION_HEAD, TODAY), {self.head.pk})
        self.assertIn("领导干部", self.leader.get_groups_display(TODAY))


class ConsistencyWithIdNumberTests(TestCase):
    def cadre(self, **changes) -> Cadre:
        born = dt.date(1988, 5, 17)
        fields = {
            "name": "张晓明",
            "gender": Gender.MALE,
            "birth_date": born,
            "id_number": make_id_number(born, Gender.MALE, 7),
            "section": SectionFactory(),
        }
        return Cadre(**(fields | changes))

    def test_a_consistent_cadre_is_valid(self):
        self.cadre().full_clean()

    def test_birth_date_mismatch_is_an_error_on_the_birth_date(self):
        with self.assertRaises(ValidationError) as caught:
            self.cadre(birth_date=dt.date(1988, 5, 18)).full_clean()
        self.assertEqual(list(caught.exception.message_dict), ["birth_date"])
        self.assertIn("1988-05-17", caught.exception.message_dict["birth_date"][0])

    def test_gender_mismatch_is_an_error_on_the_gender(self):
        with self.assertRaises(ValidationError) as caught:
            self.cadre(gender=Gender.FEMALE).full_clean()
        self.assertEqual(list(caught.exception.message_dict), ["gender"])


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.zhang = CadreFactory(name="张晓明", name_initials=name_initials("张晓明"))
        cls.li = CadreFactory(name="李晓红", name_initials=name_initials("李晓红"))

    def found(self, text: str) -> set[int]:
        return set(Cadre.objects.search(text).values_list("pk", flat=True))

    def test_initials_are_computed_from_the_name(self):
        self.assertEqual(self.zhang.name_initials, "zxm")

    def test_by_name_part_initials_and_id_digits(self):
        self.assertEqual(self.found("晓"), {self.zhang.pk, self.li.pk})
        self.assertEqual(self.found("ZXM"), {self.zhang.pk})
        self.assertEqual(self.found("zx"), {self.zhang.pk})
        self.assertEqual(self.found(self.li.id_number[-6:]), {self.li.pk})
        self.assertEqual(self.found("   "), {self.zhang.pk, self.li.pk})
