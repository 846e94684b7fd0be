"""学时审核 through HTTP: filters and search, batch approve / return (each audited, each reason kept), the cap line,
returning a report and the cadre's correction, query budgets and bad filter values."""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.models import Role
from ganxun.audit.models import AuditEvent
from ganxun.hours import services
from ganxun.hours.models import Bucket, BucketCap, EntryStatus, LedgerEntry
from ganxun.roster.models import LeadershipLevel
from ganxun.roster.tests.factories import CadreFactory, SectionFactory, UserFactory

from .factories import LedgerEntryFactory, SelfReportFactory

D = Decimal
QUEUE = reverse("hours:self_report_queue")
BATCH = reverse("hours:self_report_batch")


class QueueData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.renewal = SectionFactory(name="旧区改造科")
        cls.security = SectionFactory(name="房屋安全科")  # no head account: its reports go to the admins at once
        cls.head_cadre = CadreFactory(
            section=cls.renewal, name="王科长", leadership_level=LeadershipLevel.SECTION_CHIEF
        )
        cls.head = UserFactory(username="wang", role=Role.SECTION_HEAD, cadre=cls.head_cadre)
        cls.li = CadreFactory(section=cls.renewal, name="李小红")
        cls.li_user = UserFactory(username="li", role=Role.CADRE, cadre=cls.li)
        cls.zhao = CadreFactory(section=cls.security, name="赵安全")
        cls.qian = CadreFactory(section=cls.security, name="钱安全")
        cls.admin = UserFactory(username="admin", role=Role.TRAINING_ADMIN, cadre=None)
        cls.year = timezone.localdate().year

    def report(self, cadre, status=EntryStatus.PENDING, **fields) -> LedgerEntry:
        values = {"date": timezone.localdate() - dt.timedelta(days=3), "hours": D(2), **fields}
        return SelfReportFactory(cadre=cadre, status=status, **values)

    def listed(self, response) -> list[int]:
        return [entry.pk for entry in response.context["page"]]


class QueueFilterTests(QueueData):
    def test_filters_by_section_category_status_dates_and_name(self):
        zhao = self.report(self.zhao, bucket=Bucket.ONLINE, date=dt.date(self.year, 1, 10))
        qian = self.report(self.qian, bucket=Bucket.SELF_STUDY, date=dt.date(self.year, 1, 20))
        approved = self.report(self.li, status=EntryStatus.SECTION_APPROVED, date=dt.date(self.year, 1, 15))
        confirmed = self.report(self.li, status=EntryStatus.CONFIRMED)
        self.client.force_login(self.admin)
        self.assertEqual(self.listed(self.client.get(QUEUE)), [zhao.pk, qian.pk, approved.pk])
        cases = {
            "section": ({"section": self.security.pk}, [zhao.pk, qian.pk]),
            "bucket": ({"bucket": Bucket.ONLINE}, [zhao.pk]),
            "name": ({"q": "钱"}, [qian.pk]),
            "from": ({"date_from": f"{self.year}-01-15"}, [qian.pk, approved.pk]),
            "to": ({"date_to": f"{self.year}-01-15"}, [zhao.pk, approved.pk]),
            "status": ({"status": EntryStatus.CONFIRMED}, [confirmed.pk]),
            "both": ({"section": self.renewal.pk, "status": EntryStatus.SECTION_APPROVED}, [approved.pk]),
        }
        for label, (params, expected) in cases.items():
            with self.subTest(label):
                self.assertEqual(self.listed(self.client.get(QUEUE, params)), expected)

    def test_a_section_head_filters_only_within_their_section(self):
        mine = self.report(self.li)
        self.report(self.zhao)
        self.client.force_login(self.head)
        response = self.client.get(QUEUE, {"section": self.security.pk})
        self.assertEqual(self.listed(response), [mine.pk])  # not a 科室 of theirs: no filter, still scoped
        self.assertEqual(self.listed(self.client.get(QUEUE, {"status": EntryStatus.PENDING})), [mine.pk])
        self.assertNotIn(str(self.security.pk), dict(response.context["form"].fields["section"].choices))

    def test_nonsense_is_ignored_never_a_server_error(self):
        entry = self.report(self.zhao)
        self.client.force_login(self.admin)
        for params in (
            {"section": "99999999999999999999"},
            {"section": "²"},
            {"date_from": "0001-01-01"},
            {"date_to": "9999-12-31"},
            {"date_from": "garbage"},
            {"status": "everything"},
            {"bucket": "x" * 500},
            {"page": "99999999999999999999"},
        ):
            with self.subTest(params):
                response = self.client.get(QUEUE, params)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self.listed(response), [entry.pk])

    def test_htmx_sends_the_table_and_a_clean_address(self):
        self.report(self.zhao)
        self.client.force_login(self.admin)
        response = self.client.get(
            QUEUE, {"section": self.security.pk, "q": "", "page": "1"}, headers={"HX-Request": "true"}
        )
        page = response.content.decode()
        self.assertTrue(page.lstrip().startswith('<div id="queue">'))
        self.assertNotIn("<html", page)
        self.assertEqual(response["HX-Push-Url"], f"{QUEUE}?section={self.security.pk}")

    def test_every_hx_get_has_a_real_href(self):
        for _ in range(35):
            self.report(self.zhao)
        self.client.force_login(self.admin)
        page = self.client.get(QUEUE, {"section": self.security.pk}).content.decode()
        for tag in re.findall(r"<a\b[^>]*hx-get[^>]*>", page):
            self.assertIn('href="', tag)
        self.assertIn(f'href="?section={self.security.pk}&amp;page=2"', page)

    def test_the_query_count_does_not_grow_with_the_rows(self):
        for _ in range(3):
            self.report(self.zhao)
        self.client.force_login(self.admin)
        params = {"section": self.security.pk, "bucket": Bucket.SELF_STUDY, "q": "安全"}
        with CaptureQueriesContext(connection) as few:
            self.client.get(QUEUE, params)
        for _ in range(25):
            self.report(self.qian)
        with self.assertNumQueries(len(few)):
            response = self.client.get(QUEUE, params)
        self.assertEqual(len(self.listed(response)), 28)


class BatchTests(QueueData):
    def test_approve_many_each_audited_with_the_reason(self):
        entries = [self.report(self.zhao), self.report(self.qian), self.report(self.li, EntryStatus.SECTION_APPROVED)]
        self.client.force_login(self.admin)
        response = self.client.post(
            BATCH,
            {"entries": [e.pk for e in entries], "outcome": "approve", "reason": "材料齐全", "back": "section=1&x=y"},
        )
        self.assertRedirects(response, f"{QUEUE}?section=1", fetch_redirect_response=False)
        for entry in entries:
            entry.refresh_from_db()
            self.assertEqual(
                (entry.status, entry.reason, entry.decided_by), (EntryStatus.CONFIRMED, "材料齐全", self.admin)
            )
            event = AuditEvent.objects.get(object_type="ledgerentry", object_id=str(entry.pk))
            self.assertEqual((event.summary, event.actor_id), ("学时申报已确认", self.admin.pk))
            self.assertEqual(event.changes["reason"], ["", "材料齐全"])

    def test_a_section_head_approves_on_to_the_administrators(self):
        entries = [self.report(self.li), self.report(self.li)]
        self.client.force_login(self.head)
        self.client.post(BATCH, {"entries": [e.pk for e in entries], "outcome": "approve"})
        self.assertEqual(
            set(LedgerEntry.objects.filter(pk__in=[e.pk for e in entries]).values_list("status", flat=True)),
            {EntryStatus.SECTION_APPROVED},
        )

    def test_return_many_needs_a_reason_and_records_it_on_each(self):
        entries = [self.report(self.zhao), self.report(self.qian)]
        self.client.force_login(self.admin)
        response = self.client.post(BATCH, {"entries": [e.pk for e in entries], "outcome": "return"}, follow=True)
        self.assertContains(response, "请说明需要申报人修改的内容。")
        self.assertEqual(LedgerEntry.objects.filter(status=EntryStatus.PENDING).count(), 2)
        self.client.post(BATCH, {"entries": [e.pk for e in entries], "outcome": "return", "reason": "请附平台截图"})
        for entry in entries:
            entry.refresh_from_db()
            self.assertEqual((entry.status, entry.reason), (EntryStatus.RETURNED, "请附平台截图"))
        self.assertEqual(AuditEvent.objects.filter(summary="学时申报退回修改").count(), 2)

    def test_all_or_nothing_when_one_is_no_longer_waiting(self):
        waiting = self.report(self.zhao)
        decided = self.report(self.qian, EntryStatus.CONFIRMED)
        self.client.force_login(self.admin)
        response = self.client.post(BATCH, {"entries": [waiting.pk, decided.pk], "outcome": "approve"}, follow=True)
        self.assertContains(response, "未作任何更改。钱安全 的申报")
        waiting.refresh_from_db()
        self.assertEqual(waiting.status, EntryStatus.PENDING)

    def test_nobody_decides_their_own_in_a_batch(self):
        admin_cadre = CadreFactory(section=self.security, name="周管理")
        own_admin = UserFactory(username="zhou", role=Role.TRAINING_ADMIN, cadre=admin_cadre)
        other = self.report(self.zhao)
        own = self.report(admin_cadre)
        self.client.force_login(own_admin)
        page = self.client.get(QUEUE).content.decode()
        self.assertNotIn(f'name="entries" value="{own.pk}"', page)  # not even offered
        self.assertIn(f'name="entries" value="{other.pk}"', page)
        response = self.client.post(BATCH, {"entries": [other.pk, own.pk], "outcome": "approve"}, follow=True)
        self.assertContains(response, "不能办理本人的学时，请由其他管理员办理。")
        self.assertEqual(LedgerEntry.objects.filter(pk__in=[other.pk, own.pk], status=EntryStatus.PENDING).count(), 2)

    def test_reports_out_of_sight_or_made_up_refuse_the_batch(self):
        elsewhere = self.report(self.zhao)
        mine = self.report(self.li)
        self.client.force_login(self.head)
        for ids in ([mine.pk, elsewhere.pk], [mine.pk, 99999999999999999999], []):
            with self.subTest(ids):
                response = self.client.post(BATCH, {"entries": ids, "outcome": "approve"})
                self.assertRedirects(response, QUEUE, fetch_redirect_response=False)
        self.assertEqual(LedgerEntry.objects.filter(status=EntryStatus.PENDING).count(), 2)
        self.client.force_login(self.li_user)
        self.assertEqual(self.client.post(BATCH, {"entries": [mine.pk], "outcome": "approve"}).status_code, 403)


class CapLineTests(QueueData):
    def test_the_review_page_shows_the_cap_and_what_approving_makes_it(self):
        BucketCap.objects.update_or_create(year=self.year, bucket=Bucket.SELF_STUDY, defaults={"cap": D(20)})
        LedgerEntryFactory(cadre=self.zhao, bucket=Bucket.SELF_STUDY, hours=D(18), date=dt.date(self.year, 1, 5))
        LedgerEntryFactory(cadre=self.zhao, bucket=Bucket.SELF_STUDY, hours=D(9), date=dt.date(self.year - 1, 6, 1))
        entry = self.report(self.zhao, bucket=Bucket.SELF_STUDY, hours=D("4.5"))
        self.client.force_login(self.admin)
        page = self.client.get(reverse("hours:self_report_detail", args=[entry.pk]))
        self.assertContains(page, "赵安全 本年度该类别已确认 18 学时，年度上限 20 学时。")
        self.assertContains(page, "确认本申报后为 22.5 学时。")
        self.assertContains(page, "其中 2.5 学时超出上限，不计入（计入 20 学时）。")

    def test_without_a_cap_it_says_so(self):
        entry = self.report(self.zhao, bucket=Bucket.PRACTICE, hours=D(4))
        self.client.force_login(self.admin)
        page = self.client.get(reverse("hours:self_report_detail", args=[entry.pk]))
        self.assertContains(page, "赵安全 本年度该类别已确认 0 学时，该类别无年度上限。")
        self.assertNotContains(page, "data-over-cap")

    def test_the_cadre_does_not_see_the_review_block(self):
        entry = self.report(self.li)
        self.client.force_login(self.li_user)
        self.assertNotContains(self.client.get(reverse("hours:self_report_detail", args=[entry.pk])), "data-cap")


class ReturnAndResubmitTests(QueueData):
    def form(self, **changes):
        return {
            "date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
            "hours": "3",
            "bucket": Bucket.SELF_STUDY,
            "title": "学习《上海市住宅物业管理规定》",
            "evidence": "读书笔记四页及心得一篇",
            "witness": "王科长",
            **changes,
        }

    def test_returned_the_cadre_corrects_it_and_it_goes_back_to_the_first_step(self):
        entry = self.report(self.li)
        self.client.force_login(self.head)
        self.client.post(
            reverse("hours:self_report_review", args=[entry.pk]), {"decision": "return", "reason": "请补充学习心得"}
        )
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.reason), (EntryStatus.RETURNED, "请补充学习心得"))
        self.client.force_login(self.li_user)
        detail = self.client.get(reverse("hours:self_report_detail", args=[entry.pk]))
        edit_url = reverse("hours:self_report_edit", args=[entry.pk])
        self.assertContains(detail, edit_url)
        page = self.client.get(edit_url)
        self.assertContains(page, "请补充学习心得")
        self.assertEqual(page.context["form"]["title"].value(), entry.title)
        self.assertEqual(page.context["form"]["hours"].value(), "2")  # as typed, not 2.00 (one decimal place)
        self.assertRedirects(self.client.post(edit_url, self.form()), reverse("hours:my_learning"))
        entry.refresh_from_db()
        self.assertEqual(
            (entry.status, entry.hours, entry.evidence, entry.reason, entry.section_reviewed_by),
            (EntryStatus.PENDING, D(3), "读书笔记四页及心得一篇", "", None),
        )
        self.assertTrue(AuditEvent.objects.filter(object_id=str(entry.pk), summary="学时申报修改后重新提交").exists())
        self.client.force_login(self.head)
        self.assertIn(entry.pk, self.listed(self.client.get(QUEUE)))

    def test_the_administrator_returns_too_and_a_return_needs_a_reason(self):
        entry = self.report(self.zhao)
        self.client.force_login(self.admin)
        url = reverse("hours:self_report_review", args=[entry.pk])
        response = self.client.post(url, {"decision": "return", "reason": " "})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "请说明需要申报人修改的内容。", status_code=400)
        self.client.post(url, {"decision": "return", "reason": "日期有误"})
        entry.refresh_from_db()
        self.assertEqual((entry.status, entry.decided_by), (EntryStatus.RETURNED, self.admin))

    def test_a_rejected_report_stays_final(self):
        entry = self.report(self.li, EntryStatus.REJECTED, reason="重复申报")
        self.client.force_login(self.li_user)
        url = reverse("hours:self_report_edit", args=[entry.pk])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.post(url, self.form()).status_code, 403)
        entry.refresh_from_db()
        self.assertEqual(entry.status, EntryStatus.REJECTED)

    def test_only_the_cadre_corrects_it_and_the_bounds_still_hold(self):
        entry = self.report(self.li, EntryStatus.RETURNED, reason="请改为实际学时")
        url = reverse("hours:self_report_edit", args=[entry.pk])
        self.client.force_login(self.head)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.li_user)
        response = self.client.post(url, self.form(hours="8.5"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("一项最多 8 学时", response.context["form"].errors["hours"][0])
        # Its own hours of the day are not counted twice against it.
        self.assertRedirects(self.client.post(url, self.form(hours="8")), reverse("hours:my_learning"))

    def test_returned_reports_count_for_nothing(self):
        entry = self.report(self.li, EntryStatus.RETURNED, reason="x")
        self.assertFalse(LedgerEntry.objects.confirmed().filter(pk=entry.pk).exists())
        with self.assertRaises(PermissionDenied):
            services.self_report_resubmit(
                actor=self.head, entry=entry, date=entry.date, hours=D(1), bucket=Bucket.SELF_STUDY, title="x"
            )
