"""Two people editing one record: the later save over a version it did not see is refused, and nothing is written.

Every edit form of the roster, the activities, the sessions, the hour rules and the outside classes is driven
through HTTP by two clients who open it at the same moment; the first saves, the second gets the conflict page
(409) naming who changed what, with the form re-filled, and saving again from there goes through.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import threading
from contextlib import contextmanager, suppress
from pathlib import Path
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from ganxun.accounts.models import Role
from ganxun.audit.models import Action, AuditEvent
from ganxun.core import concurrency
from ganxun.core.concurrency import VERSION_FIELD, read_token
from ganxun.core.tests.editing import form_data
from ganxun.hours.tests.test_permissions_hours import HoursWorld
from ganxun.microclass.tests.policy_microclass import add_targets as microclass_targets
from ganxun.practice.tests.policy_practice import add_targets as practice_targets
from ganxun.roster.models import Cadre, Status, Tag
from ganxun.roster.services import cadre_set_status
from ganxun.roster.tests.factories import CadreFactory, TagFactory, UserFactory
from ganxun.study.tests.policy_study import add_targets as study_targets
from ganxun.training.tests.policy_activities import add_targets
from ganxun.yearend.tests.policy_yearend import add_targets as yearend_targets


@dataclasses.dataclass(frozen=True)
class EditForm:
    url_name: str
    target: str  # the world's attribute the URL points at
    field: str  # the field both people change
    first: str  # what the one who saves first enters
    second: str  # what the one who comes too late enters
    first_role: str = "system_admin"
    # The system-wide default rules are the system administrator's alone: both people are system administrators.
    late_role: str = "training_admin"


EDIT_FORMS = [
    # A section head and an administrator editing the same cadre of the head's 科室.
    EditForm("roster:cadre_update", "peer", "post", "副科长", "科员", first_role="section_head"),
    EditForm("roster:section_update", "head_section", "name", "旧区改造一科", "旧区改造二科"),
    EditForm("roster:tag_update", "tag", "description", "防汛防台", "抢险救灾"),
    EditForm("roster:unit_update", "sub_unit", "name", "区建管委", "区建设委"),
    EditForm("training:activity_update", "activity_enrolled", "place", "三楼会议室", "五楼报告厅"),
    EditForm("training:kind_update", "kind", "sort_order", "7", "9"),
    EditForm("training:topic_update", "topic", "sort_order", "11", "12"),
    EditForm("training:session_update", "session_enrolled", "place", "一号会议室", "二号会议室"),
    EditForm("hours:conversion_update", "conversion_rule", "hours", "7", "6.5", late_role="system_admin"),
    EditForm("hours:requirement_update", "requirement", "hours", "60", "70", late_role="system_admin"),
    EditForm("hours:cap_update", "cap", "cap", "22", "24", late_role="system_admin"),
    EditForm("hours:history_rule_update", "history_rule", "promotion_makeup_years", "2", "3", late_role="system_admin"),
    EditForm(
        "hours:completion_rule_update",
        "completion_rule",
        "missed_share_denominator",
        "6",
        "8",
        late_role="system_admin",
    ),
    EditForm("hours:outside_class_update", "outside_class", "note", "结业证书已收", "证书待补"),
    EditForm("practice:place_update", "place", "note", "原长白一村", "原长白二村"),
    EditForm("practice:campaign_update", "campaign", "description", "核酸检测", "物资保障"),
    EditForm("practice:team_update", "team", "description", "防汛防台", "抢险救灾"),
    EditForm("practice:stint_update", "stint_own", "task", "楼道消杀", "物资配送"),
    EditForm("practice:community_report_update", "community_report_own", "service", "垃圾分类宣传", "独居老人走访"),
    EditForm("practice:team_membership_update", "team_membership_own", "note", "抢险", "值守"),
    EditForm("practice:secondment_update", "secondment_own", "post", "规划科副科长", "局长助理"),
    EditForm("practice:visit_update", "visit_own", "task", "学习旧改经验", "交流征收做法"),
    EditForm("microclass:course_update", "course", "description", "政策解读", "案例分析"),
    EditForm("microclass:lesson_update", "lesson", "title", "第一讲 总则", "第一讲 概述"),
    EditForm("study:self_study_update", "study_self_study", "title", "论党的自我革命（上）", "论党的自我革命（下）"),
    EditForm("study:plan_update", "study_plan", "title", "中心组学习计划", "中心组学习安排"),
    EditForm("study:topic_update", "study_topic", "lead", "王局长", "李副局长"),
    EditForm(
        "yearend:paragraph_update",
        "yearend_paragraph",
        "text",
        "全年在册干部{cadres_total}人。",
        "年末在册{cadres_total}人。",
    ),
]


@pytest.fixture
def world(settings):
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="ganxun-conflicts-")
    world = HoursWorld()
    add_targets(world)
    practice_targets(world)
    microclass_targets(world)
    study_targets(world)
    yearend_targets(world)
    yield world
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_every_edit_view_is_covered():
    """A new edit view without a row above fails here: give it the version check and a row."""
    from django.urls import get_resolver

    from ganxun.core.tests.test_permissions import all_routes

    resolver = get_resolver()
    edit_views = set()
    for route in all_routes():
        if route.name.startswith("admin:"):
            continue
        match = resolver.resolve(reverse(route.name, kwargs={p: 1 for p in route.params}))
        view_class = getattr(match.func, "view_class", None)
        if view_class is not None and any(base.__name__ == "UpdateView" for base in view_class.__mro__):
            edit_views.add(route.name)
            assert issubclass(view_class, concurrency.EditConflictMixin), f"{route.name} has no version check"
    assert edit_views == {form.url_name for form in EDIT_FORMS}


@pytest.mark.django_db
@pytest.mark.parametrize("edit", EDIT_FORMS, ids=lambda e: e.url_name)
def test_a_save_over_a_newer_version_is_refused_and_writes_nothing(world, edit: EditForm):
    obj = getattr(world, edit.target)
    model = type(obj)
    url = reverse(edit.url_name, args=[obj.pk])
    first, late = world.client(edit.first_role), world.client(edit.late_role)
    first_data, late_data = form_data(first.get(url)), form_data(late.get(url))  # both open the form

    saved = first.post(url, {**first_data, edit.field: edit.first})
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    events = AuditEvent.objects.count()
    row = model.objects.values().get(pk=obj.pk)

    refused = late.post(url, {**late_data, edit.field: edit.second})
    assert refused.status_code == 409
    assert model.objects.values().get(pk=obj.pk) == row  # nothing written
    assert AuditEvent.objects.count() == events  # and nothing audited
    conflict = refused.context["edit_version"]["conflict"]
    who = world.users[edit.first_role]
    name = who.cadre.name if who.cadre_id else who.get_username()
    assert [e.actor_name for e in conflict.events] == [name]
    assert edit.field in conflict.events[0].changes
    assert [value for _label, value in conflict.entered] == [edit.second]
    page = refused.content.decode()
    assert "未保存：您编辑期间，此记录已被他人修改。" in page
    assert name in page
    # The form now holds the record as it is: saving from it (again changing the field) goes through.
    again = form_data(refused)
    assert again[edit.field] == str(model.objects.values_list(edit.field, flat=True).get(pk=obj.pk))
    retried = late.post(url, {**again, edit.field: edit.second})
    assert retried.status_code == 302, retried.context["form"].errors if retried.context else retried
    stored = model.objects.values_list(edit.field, flat=True).get(pk=obj.pk)
    assert stored == model._meta.get_field(edit.field).to_python(edit.second)


@pytest.mark.django_db
def test_what_you_entered_lists_your_changes_and_not_the_others(world):
    """The one who comes too late sees what they typed, not the fields the other person changed."""
    url = reverse("roster:cadre_update", args=[world.peer.pk])
    late, first = world.client("training_admin"), world.client("section_head")
    late_data = form_data(late.get(url))
    first.post(url, {**form_data(first.get(url)), "party_branch": "第三支部", "post": "副科长"})
    refused = late.post(url, {**late_data, "post": "科长", "phone": "13800001111"})
    conflict = refused.context["edit_version"]["conflict"]
    assert conflict.entered == [("手机", "13800001111"), ("职务", "科长")]
    assert [set(event.changes) for event in conflict.events] == [{"party_branch", "post"}]
    assert conflict.events[0].actor_name == world.head_cadre.name  # the person, not the account


@pytest.mark.django_db
def test_a_form_without_a_version_saves_nothing(world):
    """An old page (or a hand-made request) cannot say what it showed: the record as it is now is shown."""
    url = reverse("roster:tag_update", args=[world.tag.pk])
    admin = world.client("training_admin")
    data = form_data(admin.get(url))
    for token in ("", "forged:0", data[VERSION_FIELD][:-1] + "x"):
        response = admin.post(url, {**data, VERSION_FIELD: token, "description": "无版本"})
        assert response.status_code == 409
        assert not response.context["edit_version"]["conflict"].version_known
        assert "无法判断" in response.content.decode()
    assert Tag.objects.get(pk=world.tag.pk).description == ""


@pytest.mark.django_db
def test_an_invalid_form_keeps_the_version_it_was_opened_with(world):
    """Correcting a typo does not launder the version: the save after it still sees the other's change."""
    url = reverse("roster:tag_update", args=[world.tag.pk])
    late, first = world.client("training_admin"), world.client("system_admin")
    data = form_data(late.get(url))
    first.post(url, {**form_data(first.get(url)), "description": "先到"})
    invalid = late.post(url, {**data, "name": ""})
    assert invalid.status_code == 200 and invalid.context["form"].errors["name"]
    assert invalid.context["edit_version"]["token"] == data[VERSION_FIELD]
    assert late.post(url, {**data, "description": "后到"}).status_code == 409
    assert Tag.objects.get(pk=world.tag.pk).description == "先到"


@pytest.mark.django_db
def test_a_change_outside_the_form_is_not_put_back(world):
    """A status set while someone edits the post is no conflict, and the save does not revert it."""
    url = reverse("roster:cadre_update", args=[world.peer.pk])
    admin = world.client("training_admin")
    data = form_data(admin.get(url))
    cadre_set_status(
        actor=world.users["system_admin"], cadre=Cadre.objects.get(pk=world.peer.pk), status=Status.RETIRED
    )
    assert admin.post(url, {**data, "post": "主任科员"}).status_code == 302
    saved = Cadre.objects.get(pk=world.peer.pk)
    assert (saved.post, saved.status) == ("主任科员", Status.RETIRED)


@pytest.mark.django_db
def test_the_version_moves_with_the_values_not_with_the_saving(world):
    """Saving a record unchanged (or changed and changed back) leaves the version the same."""
    url = reverse("roster:tag_update", args=[world.tag.pk])
    admin = world.client("training_admin")
    data = form_data(admin.get(url))
    assert admin.post(url, data).status_code == 302
    assert read_token(form_data(admin.get(url))[VERSION_FIELD]).digest == read_token(data[VERSION_FIELD]).digest
    assert admin.post(url, data).status_code == 302  # the same page saved twice: nothing changed in between


@contextmanager
def threads_use_a_database_file(directory: Path):
    """Make new connections (the threads') use a copy of the SQLite test database in a file, as deployed.

    The SQLite test database lives in memory with a shared cache, where a second writer fails at once
    instead of waiting; a file gets the project's own set-up (WAL, BEGIN IMMEDIATE, a busy timeout).
    PostgreSQL needs nothing: the threads reach the test database as it is.
    """
    if connection.vendor != "sqlite":
        yield
        return
    import sqlite3

    path = directory / "concurrent.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    # A deployed database is in WAL mode from its first connection on.  The copy of an in-memory database is not,
    # and threads opening their first connections at once would race to switch it: the switch takes an exclusive
    # lock that SQLite may refuse at once ("database is locked") rather than wait the busy timeout for.
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    settings_dict = connections.settings[DEFAULT_DB_ALIAS]  # what each new thread's connection is built from
    in_memory = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        settings_dict["NAME"] = in_memory


def in_thread(work):
    """Run ``work`` in a thread of its own (with its own connection) and return what it returned."""
    result, errors = [], []

    def run():
        try:
            result.append(work())
        except Exception as error:  # re-raised below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


class ConcurrentSaveTests(TransactionTestCase):
    """Two administrators press 保存 on the same tag at once, each from a real connection of their own."""

    def test_one_save_wins_and_the_other_is_told(self):
        tag = TagFactory(name="应急支援队")
        users = [UserFactory(username=f"admin{n}", role=Role.TRAINING_ADMIN, cadre=None) for n in (1, 2)]
        CadreFactory()  # a roster to go with the accounts
        url = reverse("roster:tag_update", args=[tag.pk])
        directory = Path(tempfile.mkdtemp(prefix="ganxun-concurrent-"))
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        start = threading.Barrier(2)
        both_checked = threading.Barrier(2)
        statuses: list[int] = []
        errors: list[BaseException] = []
        keep = concurrency._keep_what_the_form_does_not_edit

        def checked_then_wait(*args):
            # Inside the lock, wait for the other save to pass its check too.  With the row locked it cannot,
            # so the wait runs out and this save goes on; were the check not under the lock, both would pass.
            with suppress(threading.BrokenBarrierError):
                both_checked.wait(timeout=1)
            return keep(*args)

        def save(user, description: str):
            try:
                client = Client()
                client.force_login(user)
                data = form_data(client.get(url))
                start.wait()
                statuses.append(client.post(url, {**data, "description": description}).status_code)
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        with (
            threads_use_a_database_file(directory),
            mock.patch.object(concurrency, "_keep_what_the_form_does_not_edit", checked_then_wait),
        ):
            threads = [threading.Thread(target=save, args=(u, f"{u.username}的说明")) for u in users]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            description = in_thread(lambda: Tag.objects.get(pk=tag.pk).description)
            updates = in_thread(lambda: AuditEvent.objects.filter(object_type="tag", action=Action.UPDATE).count())
        self.assertEqual(errors, [])
        self.assertEqual(sorted(statuses), [302, 409])
        self.assertIn(description, {"admin1的说明", "admin2的说明"})
        self.assertEqual(updates, 1)
