"""Correcting an announced class (its places never below the nominations already approved, a unit's quota with
nominations kept) and withdrawing a nomination (the nominator or an administrator before the confirmation, an
administrator with a reason after it, never once a result is recorded), each audited; the place frees up."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from ganxun.audit.models import Action, AuditEvent

from .. import services
from ..models import Nomination, NominationStatus, Quota, Result
from .world import Bureau


class EditAndWithdrawTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.w = Bureau(places=3)

    def nominate(self, cadre, actor=None) -> Nomination:
        return services.nomination_create(actor=actor or self.w.admin, programme=self.w.programme, cadre=cadre)

    def approve(self, nomination: Nomination) -> Nomination:
        return services.nomination_review(actor=self.w.admin, nomination=nomination, approve=True)

    def edit(self, actor=None, **places: int):
        w = self.w
        units = {"bureau": w.bureau, "other": w.other_bureau}
        return services.programme_edit(
            actor=actor or w.org_admin,
            programme=w.programme,
            units=list(units.values()),
            quotas=[(units[k], n) for k, n in places.items()],
            title="2026年区中青年干部培训班（第二期）",
        )

    # --- editing ------------------------------------------------------------------------------------------

    def test_places_go_down_to_the_approved_and_not_one_below(self):
        first, second = self.approve(self.nominate(self.w.cadres[0])), self.approve(self.nominate(self.w.cadres[1]))
        self.nominate(self.w.cadres[2])  # awaiting review: does not hold the quota up
        with self.assertRaises(ValidationError) as refused:
            self.edit(bureau=1, other=1)
        message = refused.exception.messages[0]
        self.assertIn("区房管局", message)
        self.assertIn("2", message)
        self.edit(bureau=2, other=1)
        self.assertEqual(Quota.objects.get(programme=self.w.programme, unit=self.w.bureau).places, 2)
        self.w.programme.refresh_from_db()
        self.assertEqual(self.w.programme.title, "2026年区中青年干部培训班（第二期）")
        event = AuditEvent.objects.filter(action=Action.UPDATE, object_id=str(self.w.programme.pk)).latest("pk")
        self.assertIn("区房管局: 3", event.changes["quotas"][0])
        self.assertIn("区房管局: 2", event.changes["quotas"][1])
        self.assertTrue(first.pk and second.pk)

    def test_a_unit_with_nominations_keeps_its_quota_one_without_loses_it(self):
        self.nominate(self.w.cadres[0])
        with self.assertRaises(ValidationError):
            self.edit(other=1)
        self.edit(bureau=3)
        self.assertFalse(Quota.objects.filter(programme=self.w.programme, unit=self.w.other_bureau).exists())

    def test_only_the_announcing_units_administrators_edit(self):
        with self.assertRaises(PermissionDenied):
            self.edit(actor=self.w.admin, bureau=3, other=1)  # the bureau is given places, it did not announce
        with self.assertRaises(PermissionDenied):
            self.edit(actor=self.w.head, bureau=3, other=1)

    def test_the_edit_page_refuses_with_the_message(self):
        self.approve(self.nominate(self.w.cadres[0]))
        self.approve(self.nominate(self.w.cadres[1]))
        self.client.force_login(self.w.org_admin)
        url = reverse("nominations:programme_update", args=[self.w.programme.pk])
        page = self.client.get(url)
        self.assertEqual(page.context["form"][f"quota_{self.w.bureau.pk}"].value(), 3)
        data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
        data.update(
            start_date="2026-09-01",
            end_date="2026-09-10",
            organiser=self.w.org.pk,
            **{f"quota_{self.w.bureau.pk}": 1, f"quota_{self.w.other_bureau.pk}": 1},
        )
        data.pop("party_member_required", None)
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "不能少于2", status_code=400)
        data[f"quota_{self.w.bureau.pk}"] = 2
        self.assertRedirects(self.client.post(url, data), self.w.programme.get_absolute_url())
        self.client.force_login(self.w.admin)
        self.assertEqual(self.client.get(url).status_code, 403)

    # --- withdrawing --------------------------------------------------------------------------------------

    def test_the_nominator_withdraws_before_confirmation_and_the_place_frees_up(self):
        w = self.w
        taken = [self.nominate(c, actor=w.head) for c in w.cadres[:3]]
        with self.assertRaises(ValidationError):
            self.nominate(w.cadres[3], actor=w.head)  # three places, all taken
        withdrawn = services.nomination_withdraw(actor=w.head, nomination=taken[0])
        self.assertEqual(withdrawn.status, NominationStatus.WITHDRAWN)
        self.nominate(w.cadres[3], actor=w.head)  # the place freed
        services.nomination_withdraw(actor=w.admin, nomination=taken[1])  # an administrator, not the nominator
        again = self.nominate(w.cadres[0], actor=w.admin)  # one withdrawn may be nominated again
        self.assertEqual(again.status, NominationStatus.NOMINATED)
        event = AuditEvent.objects.filter(action=Action.STATUS, object_id=str(taken[0].pk)).latest("pk")
        self.assertEqual(event.changes["status"][1], "已撤回")

    def test_another_nominator_or_the_cadre_may_not_withdraw(self):
        w = self.w
        nomination = self.nominate(w.cadres[0], actor=w.admin)
        for actor in (w.head, w.cadre_user):
            with self.assertRaises(PermissionDenied):
                services.nomination_withdraw(actor=actor, nomination=nomination)
        services.nomination_withdraw(actor=w.admin, nomination=self.approve(nomination))

    def test_after_confirmation_an_administrator_with_a_reason_only(self):
        w = self.w
        nomination = self.approve(self.nominate(w.cadres[0], actor=w.head))
        nomination = services.nomination_confirm(
            actor=w.admin, nomination=nomination, confirm=True, document="区委组〔2026〕20号", date=dt.date(2026, 8, 1)
        )
        with self.assertRaises(PermissionDenied):
            services.nomination_withdraw(actor=w.head, nomination=nomination, reason="工作需要")
        with self.assertRaises(ValidationError) as refused:
            services.nomination_withdraw(actor=w.admin, nomination=nomination, reason="  ")
        self.assertIn("reason", refused.exception.message_dict)
        done = services.nomination_withdraw(actor=w.admin, nomination=nomination, reason="因工作需要无法参训")
        self.assertEqual((done.status, done.withdraw_reason), (NominationStatus.WITHDRAWN, "因工作需要无法参训"))
        with self.assertRaises(ValidationError):
            services.nomination_withdraw(actor=w.admin, nomination=done, reason="再次")

    def test_not_once_a_result_is_recorded(self):
        w = self.w
        nomination = self.approve(self.nominate(w.cadres[0]))
        nomination = services.nomination_confirm(
            actor=w.admin, nomination=nomination, confirm=True, document="区委组〔2026〕20号", date=dt.date(2026, 8, 1)
        )
        services.nomination_result(actor=w.admin, nomination=nomination, result=Result.NOT_COMPLETED, note="缺课")
        self.assertFalse(services.may_withdraw(w.admin, Nomination.objects.get(pk=nomination.pk)))
        with self.assertRaises(ValidationError):
            services.nomination_withdraw(actor=w.admin, nomination=nomination, reason="补录")

    def test_the_page_offers_withdrawing_to_the_nominator_and_records_it(self):
        w = self.w
        nomination = self.nominate(w.cadres[1], actor=w.head)
        self.client.force_login(w.cadre_user)
        self.assertEqual(
            self.client.post(reverse("nominations:nomination_withdraw", args=[nomination.pk])).status_code, 404
        )
        self.client.force_login(w.head)
        page = self.client.get(nomination.get_absolute_url())
        self.assertIsNotNone(page.context["withdraw_form"])
        response = self.client.post(reverse("nominations:nomination_withdraw", args=[nomination.pk]))
        self.assertRedirects(response, nomination.get_absolute_url())
        self.assertContains(self.client.get(nomination.get_absolute_url()), "data-withdrawn")
        self.assertIsNone(self.client.get(nomination.get_absolute_url()).context["withdraw_form"])
