"""Attendance and Evaluation moved from training to the attendance app by migrations that keep every row.

The database is taken back to before the move (training 0003, no attendance app), rows are written there through
the historical ``training.Attendance`` / ``training.Evaluation``, and the move is applied again: every row is still
there, read through ``ganxun.attendance.models``, the constraints still hold, and the content types (which
permissions point to) moved with the models, keeping their ids.  Run on SQLite and on PostgreSQL
(``DATABASE_URL=postgres://…``).
"""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from ganxun.attendance.models import Attendance, Evaluation
from ganxun.roster.tests.factories import CadreFactory
from ganxun.training.models import AttendanceMethod, AttendanceStatus
from ganxun.training.tests.factories import AttendanceFactory, EvaluationFactory, SessionFactory

BEFORE = [("training", "0003_sessions_within_sane_bounds_and_kinds_evaluated_by_default"), ("attendance", None)]
AFTER = [("training", "0004_attendance_moves_to_its_app"), ("attendance", "0001_attendance_moves_to_its_app")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


class AttendanceMoveTests(TransactionTestCase):
    serialized_rollback = False

    def tearDown(self):
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # whatever happened, back to the head
        super().tearDown()

    def test_every_row_and_content_type_survives_the_move_and_its_reverse(self):
        session = SessionFactory()
        present, absent = CadreFactory(), CadreFactory()
        AttendanceFactory(session=session, cadre=present)
        AttendanceFactory(session=session, cadre=absent, status=AttendanceStatus.ABSENT, reason="出差")
        EvaluationFactory(session=session, cadre=present, comment="很好", anonymous=False)
        kinds = {
            model: ContentType.objects.get(app_label="attendance", model=model).pk
            for model in ("attendance", "evaluation")
        }
        permissions = set(Permission.objects.filter(content_type_id__in=kinds.values()).values_list("pk", flat=True))
        assert len(permissions) == 8  # add, change, delete, view of each

        old = migrate(BEFORE)
        # Back in training: the same content types, moved back, and the same rows through the historical models.
        assert {
            model: ContentType.objects.get(app_label="training", model=model).pk
            for model in ("attendance", "evaluation")
        } == kinds
        assert not ContentType.objects.filter(app_label="attendance").exists()
        OldAttendance = old.get_model("training", "Attendance")
        OldEvaluation = old.get_model("training", "Evaluation")
        assert OldAttendance.objects.count() == 2 and OldEvaluation.objects.count() == 1
        late = CadreFactory()
        OldAttendance.objects.create(
            session_id=session.pk, cadre_id=late.pk, status="leave", reason="病假", method=AttendanceMethod.IMPORT
        )
        OldEvaluation.objects.create(session_id=session.pk, cadre_id=late.pk, content=3, delivery=2, usefulness=1)

        migrate(AFTER)
        assert {
            model: ContentType.objects.get(app_label="attendance", model=model).pk
            for model in ("attendance", "evaluation")
        } == kinds
        assert not ContentType.objects.filter(app_label="training", model__in=["attendance", "evaluation"]).exists()
        assert set(Permission.objects.filter(content_type_id__in=kinds.values()).values_list("pk", flat=True)) == (
            permissions
        )
        rows = {(a.cadre_id, a.status, a.reason) for a in Attendance.objects.filter(session=session)}
        assert rows == {
            (present.pk, AttendanceStatus.PRESENT, ""),
            (absent.pk, AttendanceStatus.ABSENT, "出差"),
            (late.pk, AttendanceStatus.LEAVE, "病假"),
        }
        assert sorted(Evaluation.objects.values_list("cadre_id", "content", "comment")) == sorted(
            [(present.pk, 5, "很好"), (late.pk, 3, "")]
        )
        assert list(session.attendances.order_by("pk").values_list("cadre_id", flat=True)) == [
            present.pk,
            absent.pk,
            late.pk,
        ]
        # The tables kept their constraints: one attendance and one evaluation per cadre and session.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Attendance.objects.create(session=session, cadre=late, status=AttendanceStatus.PRESENT, method="qr")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(session=session, cadre=present, content=9, delivery=1, usefulness=1)
