"""Query-string values that name nothing are ignored, never a 500: ids beyond the database, odd digits, NUL."""

from __future__ import annotations

import shutil
import tempfile

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from ganxun.core.params import id_from, query_id, query_ids, query_text
from ganxun.core.tests.test_permissions import World
from ganxun.training.tests.policy_activities import add_targets

BIGGEST = connection.ops.integer_field_range("BigIntegerField")[1]
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (str(BIGGEST), BIGGEST),  # the largest id the database holds
        (str(BIGGEST + 1), None),  # one more no longer fits
        (HUGE, None),
        ("0", None),
        ("-3", None),
        ("²", None),  # str.isdigit says yes, int() says no
        ("١٢", None),  # Arabic-Indic digits: int() would read 12
        ("１２", None),  # full-width digits
        ("12a", None),
        (" 12", None),
        ("", None),
        (None, None),
    ],
)
def test_an_id_is_ascii_digits_within_the_databases_integers(value, expected):
    assert id_from(value) == expected


def test_repeated_keys_keep_the_valid_ids_once_each():
    params = QueryDict(f"cadres=3&cadres=²&cadres={HUGE}&cadres=3&cadres=5&section=")
    assert query_ids(params, "cadres") == [3, 5]
    assert query_ids(params, "missing") == []
    assert query_id(params, "section") is None


def test_search_text_loses_nul_and_is_cut():
    assert query_text(QueryDict("q=%20%E5%BC%A0%00%E4%B8%89%20"), "q") == "张三"
    assert query_text(QueryDict("q=" + "x" * 500), "q") == "x" * 100
    assert query_text(QueryDict(""), "q") == ""


HOSTILE = {"section": HUGE, "tag": "²", "q": "张\x00三"}


@pytest.fixture
def world(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-params-")
    world = World()
    add_targets(world)
    yield world
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["training_admin", "section_head"])
def test_the_roster_and_its_export_ignore_what_names_nothing(world, role):
    client = world.client(role)
    plain = client.get(reverse("roster:cadre_list"))
    for name, value in HOSTILE.items():
        response = client.get(reverse("roster:cadre_list"), {name: value})
        assert response.status_code == 200, name
        if name != "q":
            assert response.context["page"].paginator.count == plain.context["page"].paginator.count
        assert client.get(reverse("roster:cadre_export"), {name: value}).status_code == 200, name


@pytest.mark.django_db
def test_the_activity_list_ignores_what_names_nothing(world):
    client = world.client("section_head")
    plain = client.get(reverse("training:activity_list")).context["page"].paginator.count
    for name in ("kind", "topic", "organiser"):
        for value in (HUGE, "²", "-1"):
            response = client.get(reverse("training:activity_list"), {name: value})
            assert response.status_code == 200, (name, value)
            assert response.context["page"].paginator.count == plain
    assert client.get(reverse("training:activity_list"), {"q": "\x00"}).status_code == 200
    admin = world.client("training_admin")
    assert admin.get(reverse("training:activity_create"), {"kind": HUGE}).status_code == 200


@pytest.mark.django_db
def test_the_enrolment_list_and_the_cadre_picker_ignore_what_names_nothing(world):
    url = reverse("training:enrolment_list", args=[world.activity_enrolled.pk])
    head = world.client("section_head")
    for value in (HUGE, "²"):
        response = head.get(url, {"section": value})
        assert response.status_code == 200
        assert response.context["section_filter"] is None
    picker = reverse("training:cadre_picker")
    admin = world.client("training_admin")
    response = admin.get(picker, {"cadres": [str(world.peer.pk), HUGE, "²"], "cadre_q": "张\x00"})
    assert response.status_code == 200
    assert response.context["picked"] == [world.peer]
    assert head.get(picker, {"cadres": HUGE}).status_code == 403  # the picker is the administrators'


@pytest.mark.django_db
def test_chosen_ids_beyond_the_database_are_invalid_choices_not_a_500(world):
    """Django fetches ticked ids with __in, which does not know the integers' range (SQLite: OverflowError)."""
    admin = world.client("training_admin")
    enrol = admin.post(
        reverse("training:activity_enrol", args=[world.activity_enrolled.pk]),
        {"sections": [HUGE], "tags": ["²"], "cadres": [str(world.peer.pk), HUGE]},
    )
    assert enrol.status_code == 400
    errors = enrol.context["enrol_form"].errors
    assert set(errors) == {"sections", "tags", "cadres"}
    assert f"“{HUGE}” 不是一个有效的值。" in errors["sections"][0] or HUGE in errors["sections"][0]
    created = admin.post(reverse("roster:cadre_create"), {"name": "陈静", "tags": [HUGE]})
    assert created.status_code == 200
    assert "tags" in created.context["form"].errors


@pytest.mark.django_db
def test_the_filter_bar_shows_the_filters_as_applied(world):
    """What the list ignored is shown as not given: not marked invalid without a word, no NUL echoed back."""
    admin = world.client("training_admin")
    roster = admin.get(reverse("roster:cadre_list"), {"section": HUGE, "tag": "²", "status": "x", "q": "张\x00三"})
    assert "is-invalid" not in roster.content.decode()
    assert "\x00" not in roster.content.decode()
    assert roster.context["form"]["q"].value() == "张三"
    assert roster.context["form"]["section"].value() is None
    ignored_only = admin.get(reverse("roster:cadre_list"), {"section": HUGE, "tag": "²"})
    assert not ignored_only.context["form"].has_filters
    activities = admin.get(reverse("training:activity_list"), {"kind": HUGE, "organiser": "²", "month": "9999-12"})
    assert "is-invalid" not in activities.content.decode()
    assert not activities.context["form"].has_filters
    chosen = admin.get(reverse("training:activity_list"), {"month": "2026-03", "classroom": "theory"})
    assert chosen.context["form"].has_filters
    assert chosen.context["form"]["month"].value() == "2026-03"
