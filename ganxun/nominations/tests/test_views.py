"""The pages through HTTP: nominating over the quota is refused on the page, the result with its certificate,
the export masks ID numbers, the lists keep their query count whatever the rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.hours.models import LedgerEntry, Source
from ganxun.roster.tests.factories import CadreFactory

from ..models import Nomination, Result
from ..services import nomination_confirm, nomination_create, nomination_review
from .world import Bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_page_shows_places_left_and_refuses_a_nomination_over_the_quota():
    world = Bureau(places=1)
    head = client(world.head)
    url = reverse("nominations:nomination_create", args=[world.programme.pk])
    assert "剩余1个" in head.get(url).content.decode()
    assert head.post(url, {"cadre": world.cadres[0].pk, "reason": "业务骨干"}).status_code == 302
    page = head.post(url, {"cadre": world.cadres[1].pk})
    assert page.status_code == 400
    text = page.content.decode()
    assert "《2026年区中青年干部培训班》分配给区房管局的名额为1个，现已占满，不能再推荐。" in text
    assert Nomination.objects.count() == 1


def test_a_section_head_is_offered_only_their_section_with_each_candidate_checked():
    world = Bureau(max_age=35)
    page = client(world.head).get(reverse("nominations:nomination_create", args=[world.programme.pk]))
    text = page.content.decode()
    assert "青年干部1" in text and "赵四" not in text
    candidates = text[text.index('id="candidates"') :]
    assert "青年干部1" in candidates and "35周岁（1991-09-01出生）" in candidates


def test_review_confirm_and_result_with_certificate_through_the_pages(media):
    world = Bureau()
    nomination = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    admin = client(world.admin)
    review = reverse("nominations:nomination_review", args=[nomination.pk])
    page = admin.post(review, {"decision": "reject"})
    assert page.status_code == 400 and "请填写退回理由" in page.content.decode()
    assert admin.post(review, {"decision": "approve"}).status_code == 302
    confirm = reverse("nominations:nomination_confirm", args=[nomination.pk])
    assert admin.post(confirm, {"decision": "confirm", "document": "", "date": "2026-08-20"}).status_code == 400
    assert (
        admin.post(confirm, {"decision": "confirm", "document": "区委组〔2026〕20号", "date": "2026-08-20"}).status_code
        == 302
    )
    result = reverse("nominations:nomination_result", args=[nomination.pk])
    fake = SimpleUploadedFile("证书.pdf", b"MZ not a pdf", content_type="application/pdf")
    page = admin.post(result, {"result": Result.COMPLETED, "certificate": fake})
    assert page.status_code == 400 and "PDF" in page.content.decode()
    exe = SimpleUploadedFile("证书.exe", b"MZ", content_type="application/octet-stream")
    assert admin.post(result, {"result": Result.COMPLETED, "certificate": exe}).status_code == 400
    png = SimpleUploadedFile("证书.png", b"\x89PNG\r\n\x1a\n rest", content_type="image/png")
    assert admin.post(result, {"result": Result.COMPLETED, "score": "优秀", "certificate": png}).status_code == 302
    assert LedgerEntry.objects.filter(cadre=world.cadres[0], source=Source.OUTSIDE_CLASS).count() == 1
    own = client(world.cadre_user)
    mine = own.get(reverse("nominations:my_nominations")).content.decode()
    assert "2026年区中青年干部培训班" in mine and "结业" in mine
    download = own.get(reverse("nominations:nomination_certificate", args=[nomination.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_a_certificate_over_the_limit_is_refused(media, settings):
    world = Bureau()
    nomination = nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    nomination = nomination_review(actor=world.admin, nomination=nomination, approve=True)
    nomination_confirm(actor=world.admin, nomination=nomination, confirm=True, document="x号", date=dt.date(2026, 8, 1))
    big = SimpleUploadedFile("证书.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 - 3), content_type="application/pdf")
    page = client(world.admin).post(
        reverse("nominations:nomination_result", args=[nomination.pk]), {"result": Result.COMPLETED, "certificate": big}
    )
    assert page.status_code == 400 and "10 MB" in page.content.decode()
    assert not Nomination.objects.get(pk=nomination.pk).certificate


def test_the_export_masks_id_numbers_and_shows_the_criteria():
    world = Bureau(max_age=35)
    nomination_create(actor=world.head, programme=world.programme, cadre=world.cadres[0])
    response = client(world.admin).get(reverse("nominations:programme_export", args=[world.programme.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    id_number = world.cadres[0].id_number
    assert rows[1][2] == "青年干部0"
    assert rows[1][3] == id_number[:6] + "********" + id_number[-4:]
    assert "年龄" in rows[1][6] and "符合" in rows[1][6]
    assert id_number not in str(rows)


def test_announcing_a_class_on_the_page_gives_places_to_the_units_in_reach():
    world = Bureau()
    page = client(world.org_admin).post(
        reverse("nominations:programme_create"),
        {
            "title": "2026年青年干部培训班",
            "kind": "young",
            "organiser": world.org.pk,
            "start_date": "2026-10-10",
            "end_date": "2026-10-14",
            "hours": "40",
            "max_age": "35",
            f"quota_{world.bureau.pk}": "3",
        },
    )
    assert page.status_code == 302
    detail = client(world.head).get(page["Location"]).content.decode()
    assert "已占0 / 共3，剩余3" in detail
    too_many = client(world.org_admin).post(
        reverse("nominations:programme_create"),
        {
            "title": "一天",
            "kind": "young",
            "organiser": world.org.pk,
            "start_date": "2026-10-10",
            "end_date": "2026-10-10",
            "hours": "9",
            f"quota_{world.bureau.pk}": "3",
        },
    )
    assert too_many.status_code == 400 and "学时" in too_many.content.decode()


def _grow(world: Bureau, n: int) -> None:
    for k in range(n):
        cadre = CadreFactory(name=f"增加{k}", section=world.section)
        nomination = nomination_create(actor=world.admin, programme=world.programme, cadre=cadre)
        if k % 2:
            nomination_review(actor=world.admin, nomination=nomination, approve=False, reason="不符合条件")


@pytest.mark.parametrize(
    "name,args",
    [
        ("nominations:programme_list", False),
        ("nominations:programme_detail", True),
        ("nominations:counts", False),
        ("nominations:my_nominations", False),
        ("nominations:nomination_create", True),
    ],
)
def test_list_pages_do_not_grow_with_the_rows(name, args, django_assert_max_num_queries):
    world = Bureau(places=50, max_age=40, min_years_in_rank=2, min_rank="clerk_1")
    url = reverse(name, args=[world.programme.pk] if args else [])
    admin = client(world.admin)
    _grow(world, 2)
    admin.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert admin.get(url + "?year=2026").status_code == 200
    _grow(world, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin.get(url + "?year=2026").status_code == 200


def test_places_are_changed_on_the_page_but_never_below_what_is_held():
    world = Bureau(places=2)
    for cadre in world.cadres[:2]:
        nomination_create(actor=world.head, programme=world.programme, cadre=cadre)
    admin = client(world.admin)
    url = reverse("nominations:quota_update", args=[world.programme.pk])
    page = admin.post(url, {"unit": world.bureau.pk, "places": "1"})
    assert page.status_code == 400 and "区房管局在本班次已占用2个名额" in page.content.decode()
    assert admin.post(url, {"unit": world.bureau.pk, "places": "3"}).status_code == 302
    assert world.programme.quotas.get(unit=world.bureau).places == 3
    # another bureau is out of this administrator's reach: not among the choices
    assert admin.post(url, {"unit": world.other_bureau.pk, "places": "5"}).status_code == 400
    assert world.programme.quotas.get(unit=world.other_bureau).places == 1
