"""Writing the planned year through the services an administrator uses.

Activities, sessions, lecturers, attendance (``attendance_set``), outside classes and self-report
decisions go through the services, so the ledger, the audit trail and every figure built on them are
real.  Three writes cannot: a cadre's self-report submission and evaluation (the demo's cadres have no
accounts of their own), and the enrolment of a past activity (``enrol_audience`` resolves its audience
on the day it runs; a past activity is enrolled as its audience stood then, so this year's recruits are
not in last winter's lectures).  Those, and the plain "came, counted" attendance rows that make up the
bulk of the year, are written here exactly as the services write them, audit rows included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ganxun.accounts.models import Role, User
from ganxun.attendance import services as attendance_services
from ganxun.attendance.models import Attendance, Evaluation
from ganxun.audit.models import Action
from ganxun.audit.services import audit_record
from ganxun.hours import services as hours
from ganxun.hours import totals
from ganxun.hours.models import ConversionRule, EntryStatus, LedgerEntry, Source, source_content_type
from ganxun.roster.models import Cadre, DerivedGroup, LeadershipLevel, Section, Tag, Tier
from ganxun.training import services
from ganxun.training.models import (
    Activity,
    ActivityKind,
    AttendanceMethod,
    AttendanceStatus,
    Enrolment,
    Session,
    TopicModule,
)

from .reports import OtherHours
from .schedule import ONE, SEED, Plan, plan_year

LEAVE_REASONS = (
    "参加市房管局业务会议",
    "外出开展执法检查",
    "效能接待窗口值班",
    "信访接待值班",
    "旧改基地现场协调",
    "病假",
    "年休假",
    "公务出差",
    "参加区专项督查",
    "事假（家中有事）",
)
LEADER_LEAVE_REASONS = (
    "参加区委专题会议",
    "参加市局工作会议",
    "带队赴对口支援地区考察",
    "公务出差",
    "参加区人大常委会会议",
)
COMMENTS = (
    "案例贴近实际工作，很有收获。",
    "政策解读清晰，对日常审核工作帮助很大。",
    "讲解深入浅出，建议多安排此类课程。",
    "结合一线实例，很接地气。",
    "内容丰富，希望课件能共享到学习群。",
    "互动环节可以再多一些。",
    "时间略紧，部分内容没有展开。",
    "建议增加答疑时间。",
    "对新进干部很有帮助。",
    "形式新颖，直观了解了项目推进的难点。",
    "希望后续能安排专题深入讲解。",
)


@dataclasses.dataclass
class TrainingYear:
    """What load_training_year wrote."""

    activities: int = 0
    sessions: int = 0
    attendances: int = 0
    outside_classes: int = 0
    self_reports: int = 0
    entries: int = 0


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class Loader(OtherHours):
    """Writes the planned year; one seeded generator decides who came, who taught and who reported what."""

    def __init__(self, today: dt.date, seed: int) -> None:
        self.today = today
        self.rng = random.Random(seed + 1)
        self.admin = User.objects.filter(role=Role.TRAINING_ADMIN, is_active=True).order_by("pk").first()
        if self.admin is None:
            raise ValueError("load the demo bureau (with its training administrator) first")
        self.second_admin = User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True).order_by("pk").first()
        self.accounts = {u.cadre_id: u for u in User.objects.filter(is_active=True).exclude(cadre=None)}
        self.heads = {
            u.cadre.section_id: u
            for u in User.objects.filter(role=Role.SECTION_HEAD, is_active=True)
            .exclude(cadre=None)
            .select_related("cadre")
        }
        # The year is the bureau's: its training administrator's cadres and 科室 (the chokepoint decides).
        self.cadres = list(
            Cadre.objects.visible_to(self.admin)
            .active()
            .select_related("section")
            .prefetch_related("tags")
            .order_by("pk")
        )
        self.tags_of = {c.pk: {t.name for t in c.tags.all()} for c in self.cadres}
        self.kinds = {k.name: k for k in ActivityKind.objects.all()}
        self.topics = {t.name: t for t in TopicModule.objects.all()}
        self.sections = {s.name: s for s in Section.objects.visible_to(self.admin)}
        self.tags = {t.name: t for t in Tag.objects.all()}
        ranks = {LeadershipLevel.DIVISION_CHIEF: 0, LeadershipLevel.DEPUTY_DIVISION_CHIEF: 1}
        self.leaders = sorted(
            (c for c in self.cadres if c.leadership_level in ranks),
            key=lambda c: (ranks[c.leadership_level], "党委书记" not in c.post, c.pk),
        )
        self.chiefs = {c.section.name: c for c in self.cadres if c.leadership_level == LeadershipLevel.SECTION_CHIEF}
        # Some people simply make it to fewer things (duty, field work, family): the same ones all year.
        self.reliability = {c.pk: 1.0 if self.rng.random() < 0.85 else self.rng.uniform(0.7, 0.9) for c in self.cadres}
        self.inducted: set[int] = set()
        self.result = TrainingYear()
        self.checked_in: list[tuple[Attendance, dt.datetime]] = []
        self.evaluations: list[tuple[Evaluation, dt.datetime]] = []

    # --- people --------------------------------------------------------------------------------------

    def in_post(self, cadre: Cadre, day: dt.date) -> bool:
        return cadre.hire_date is None or cadre.hire_date <= day

    def lecturer(self, spec: str) -> tuple[Cadre | None, str, str]:
        """(cadre, outside name, affiliation) of a lecturer spec."""
        what, _sep, which = spec.partition(":")
        if what == "outside":
            name, _sep, affiliation = which.partition("|")
            return None, name, affiliation
        if what == "leader":
            return self.leaders[int(which)], "", ""
        if what == "expert":
            experts = [
                c
                for c in self.cadres
                if c.section.name == which and {"内训师", "业务骨干"} & self.tags_of[c.pk] and not c.leadership_level
            ]
            if experts:
                return sorted(experts, key=lambda c: ("内训师" not in self.tags_of[c.pk], c.pk))[0], "", ""
        return self.chiefs[which], "", ""

    def named(self, selection: str, day: dt.date) -> list[Cadre]:
        """The hand-made selections of the plan, as they stood on ``day``."""
        people = [c for c in self.cadres if self.in_post(c, day)]
        rng = self.rng
        if selection == "senior_researchers":
            return [
                c
                for c in people
                if c.section.name == "局领导" and c.tier == Tier.COUNTY_DIVISION and not c.leadership_level
            ]
        if selection == "symposium":
            party = [c for c in people if DerivedGroup.PARTY_MEMBER in c.groups_on(day) and not c.leadership_level]
            old = [c for c in party if c.age_on(day) >= 52]
            young = [c for c in people if c.age_on(day) <= 30 and c.political_status in ("cpc_member", "cyl_member")]
            return [
                self.leaders[1],
                self.chiefs["党群工作科"],
                *rng.sample(old, min(6, len(old))),
                *rng.sample(young, min(6, len(young))),
            ]
        if selection == "recruits":
            chosen = [
                c
                for c in people
                if c.hire_date
                and c.pk not in self.inducted
                and dt.timedelta(days=3) <= day - c.hire_date < dt.timedelta(days=365)
            ]
            self.inducted.update(c.pk for c in chosen)
            return chosen
        if selection == "community":
            party = [
                c for c in people if DerivedGroup.PARTY_MEMBER in c.groups_on(day) and c.tier == Tier.TOWNSHIP_SECTION
            ]
            return rng.sample(party, len(party) * 3 // 5)
        raise ValueError(selection)

    def audience(self, plan: Plan, day: dt.date) -> list[tuple[str, list[Cadre]]]:
        """(the `via` label, the cadres it meant on ``day``), in the order enrol_audience lets labels win."""
        people = [c for c in self.cadres if self.in_post(c, day)]
        found: list[tuple[str, list[Cadre]]] = []
        audience = plan.audience
        with translation.override(settings.LANGUAGE_CODE):
            if audience.named:
                found.append((_("Named"), self.named(audience.named, day)))
            for name in audience.sections:
                found.append((_("Section: %(name)s") % {"name": name}, [c for c in people if c.section.name == name]))
            for group in audience.groups:
                found.append((str(DerivedGroup(group).label), [c for c in people if group in c.groups_on(day)]))
            for tag in audience.tags:
                found.append((tag, [c for c in people if tag in self.tags_of[c.pk]]))
            if audience.everyone:
                found.append((_("Everyone"), people))
        return found

    def audience_note(self, plan: Plan) -> str:
        audience = plan.audience
        with translation.override(settings.LANGUAGE_CODE):
            words = [*audience.sections, *(str(DerivedGroup(g).label) for g in audience.groups), *audience.tags]
            if audience.everyone:
                words.append(str(_("Everyone")))
        named = {
            "senior_researchers": "二级调研员",
            "symposium": "老党员代表、青年干部代表",
            "recruits": "新录用人员",
            "community": "在职党员（分批）",
        }
        if audience.named:
            words.append(named[audience.named])
        return "、".join(words)

    def enrol(self, activity: Activity, plan: Plan, exclude: Iterable[int]) -> list[Cadre]:
        """Enrol the plan's audience: through enrol_audience for what is still ahead, else as it stood then."""
        skip = set(exclude)
        if plan.first_day >= self.today and not plan.audience.named:
            services.enrol_audience(
                actor=self.admin,
                activity=activity,
                everyone=plan.audience.everyone,
                sections=[self.sections[n] for n in plan.audience.sections],
                groups=list(plan.audience.groups),
                tags=[self.tags[n] for n in plan.audience.tags],
            )
            return list(Cadre.objects.filter(enrolments__activity=activity).select_related("section"))
        chosen: dict[int, tuple[Cadre, str]] = {}
        for via, people in self.audience(plan, plan.first_day):
            for cadre in people:
                if cadre.pk not in skip:
                    chosen.setdefault(cadre.pk, (cadre, via))
        rows = [
            Enrolment(activity=activity, cadre=c, section_id=c.section_id, via=via[:100]) for c, via in chosen.values()
        ]
        Enrolment.objects.bulk_create(rows, batch_size=500)
        by_via: dict[str, int] = {}
        for _cadre, via in chosen.values():
            by_via[via] = by_via.get(via, 0) + 1
        # The audit row enrol_audience writes.
        with translation.override(settings.LANGUAGE_CODE):
            audit_record(
                actor=self.admin,
                action=Action.UPDATE,
                obj=activity,
                before={"enrolled": 0},
                after={"enrolled": len(rows)},
                summary=_("Enrolled %(count)s: %(audience)s")
                % {"count": len(rows), "audience": "、".join(f"{v} {n}" for v, n in by_via.items())},
            )
        return [c for c, _via in chosen.values()]

    # --- activities ----------------------------------------------------------------------------------

    def register(self, plan: Plan, absent: dict[int, str]) -> dict[str, str]:
        """The register of a study session: who chaired, led, spoke and recorded, and who made up for it."""
        secretary, *others = self.leaders[1:] or self.leaders
        speaker = others[plan.first_day.month % len(others)] if others else secretary
        speakers = [c.name for c in self.leaders if c not in (secretary, speaker)][:2]
        recorder = self.chiefs["办公室" if plan.kind == "党委会学习" else "党群工作科"]
        topic = plan.title.partition("：")[2]
        names = {c.pk: c.name for c in self.cadres}
        # 请假 (with a reason) and 缺席 (without) are told apart, as the register counts them.
        makeup = "\n".join(
            f"{names[pk]}{f'因{reason}请假' if reason else '缺席'}，会后已补学会议内容并提交书面学习体会。"
            for pk, reason in absent.items()
        )
        return {
            "host": secretary.name,
            "speaker": speaker.name,
            "key_speakers": "、".join(speakers),
            "recorder": recorder.name,
            "makeup_note": makeup,
            "minutes": (
                f"{secretary.name}主持学习。{speaker.name}领学{topic}；{'、'.join(speakers)}结合分管工作作交流发言。"
                "会议强调，要把学习成果转化为推动住房民生改善、破解群众急难愁盼问题的实际成效。"
            ),
        }

    def attendance_plan(self, plan: Plan, people: list[Cadre]) -> dict[int, dict[int, str]]:
        """{sitting index: {cadre id: leave reason}} for those who did not come (present otherwise)."""
        rng = self.rng
        missed: dict[int, dict[int, str]] = {i: {} for i in range(len(plan.sittings))}
        is_class = self.kinds[plan.kind].is_class

        def reason(cadre: Cadre) -> str:
            return rng.choice(
                LEADER_LEAVE_REASONS
                if cadre.leadership_level in (LeadershipLevel.DIVISION_CHIEF, LeadershipLevel.DEPUTY_DIVISION_CHIEF)
                else LEAVE_REASONS
            )

        if is_class:
            failing = set(c.pk for c in rng.sample(people, min(plan.non_completions, len(people))))
            for cadre in people:
                leaves = plan.max_leaves + 1 if cadre.pk in failing else 0
                if (
                    not leaves
                    and plan.max_leaves
                    and rng.random() < (1 - plan.presence * self.reliability[cadre.pk]) * len(plan.sittings) / 2
                ):
                    leaves = 1
                for index in rng.sample(range(len(plan.sittings)), min(leaves, len(plan.sittings))):
                    missed[index][cadre.pk] = reason(cadre)
            return missed
        for index in missed:
            for cadre in people:
                if rng.random() >= plan.presence * self.reliability[cadre.pk]:
                    # One in eight who miss it never said so: absent, no reason.
                    missed[index][cadre.pk] = reason(cadre) if rng.random() < 0.88 else ""
        return missed

    def write(self, plan: Plan) -> None:
        rng = self.rng
        kind = self.kinds[plan.kind]
        activity = services.activity_create(
            actor=self.admin,
            title=plan.title,
            kind=kind,
            topic=self.topics.get(plan.topic),
            organiser=self.sections[plan.organiser],
            place=plan.place,
            description=plan.description,
            audience_note=self.audience_note(plan),
            allow_walk_in=plan.walk_in,
        )
        self.result.activities += 1
        teachers: list[Cadre] = []
        for spec in plan.lecturers:
            cadre, outside, affiliation = self.lecturer(spec)
            if cadre is not None and cadre in teachers:
                continue
            services.lecturer_add(
                actor=self.actor_for(cadre),
                activity=activity,
                cadre=cadre,
                outside_name=outside,
                affiliation=affiliation,
            )
            if cadre is not None:
                teachers.append(cadre)
        # The lecturer of a lecture teaches rather than attends: not enrolled, credited for the lecture
        # (as lecture_credit_sync would; in a class of several sittings nobody knows who taught which).
        lecture = plan.credit_lecturer or len(plan.sittings) == 1
        people = self.enrol(activity, plan, exclude=[t.pk for t in teachers] if lecture else [])
        missed = self.attendance_plan(plan, people)
        sessions = []
        # Every sitting first: a class's total (and so its 1/7 line) is settled before anyone's attendance.
        for index, sitting in enumerate(plan.sittings):
            fields = self.register(plan, missed[index]) if kind.is_study_session and sitting.date < self.today else {}
            closes = _aware(sitting.date + ONE * 14, dt.time(18)) if plan.evaluated else None
            session = services.session_create(
                actor=self.admin,
                activity=activity,
                date=sitting.date,
                start_time=sitting.start,
                end_time=sitting.end,
                evaluation_closes_at=closes,
                **fields,
            )
            sessions.append(session)
        self.result.sessions += len(sessions)
        if lecture and len(sessions) > 1:  # a lecture series of several sittings: its lecturers teach each one
            for lecturer in activity.lecturers.filter(cadre__isnull=False).select_related("activity", "cadre"):
                services.lecturer_set_sessions(
                    actor=self.actor_for(lecturer.cadre), lecturer=lecturer, sessions=sessions
                )
        # Through attendance_set: the study registers, the demo accounts, and everyone whose class record
        # has a leave in it (the 1/7 rule); the plain "came, counted" rows of the rest in bulk.
        missing = {pk for absent in missed.values() for pk in absent}
        by_service = {
            c.pk
            for c in people
            if kind.is_study_session or c.pk in self.accounts or (kind.is_class and c.pk in missing)
        }
        quality = rng.uniform(3.9, 4.7)
        for index, session in enumerate(sessions):
            if session.date >= self.today:
                continue
            plain = [c for c in people if c.pk not in by_service]
            self.attend_in_bulk(plan, activity, session, plain, missed[index])
            for cadre in people:
                if cadre.pk in by_service:
                    self.attend(plan, session, cadre, missed[index])
            if plan.evaluated:
                self.evaluate(session, people, missed[index], quality)
            if lecture:
                for teacher in teachers:
                    self.credit(activity, session, teacher)

    def actor_for(self, cadre: Cadre | None) -> User:
        """Who records this cadre's hours: nobody records their own, so the other administrator does."""
        if cadre is not None and self.admin.cadre_id == cadre.pk and self.second_admin is not None:
            return self.second_admin
        return self.admin

    def check_in_time(self, plan: Plan, session: Session) -> dt.datetime:
        """When the scan (or the sheet) would have said they came: before the start, not at loading time."""
        early = self.rng.randint(1, 25) if plan.qr else 0
        return _aware(session.date, session.start_time) - dt.timedelta(minutes=early)

    def attend(self, plan: Plan, session: Session, cadre: Cadre, missed: dict[int, str]) -> None:
        if cadre.pk in missed:
            reason = missed[cadre.pk]
            status = AttendanceStatus.LEAVE if reason else AttendanceStatus.ABSENT
            attendance_services.attendance_set(
                actor=self.actor_for(cadre),
                session=session,
                cadre=cadre,
                status=status,
                method=AttendanceMethod.MANUAL,
                reason=reason,
            )
        else:
            method = AttendanceMethod.QR if plan.qr else AttendanceMethod.MANUAL
            attendance = attendance_services.attendance_set(
                actor=self.actor_for(cadre),
                session=session,
                cadre=cadre,
                status=AttendanceStatus.PRESENT,
                method=method,
            )
            self.checked_in.append((attendance, self.check_in_time(plan, session)))
        self.result.attendances += 1

    def attend_in_bulk(
        self, plan: Plan, activity: Activity, session: Session, people: list[Cadre], missed: dict[int, str]
    ) -> None:
        """What attendance_set writes for each of ``people``, in a few statements instead of a dozen each.

        Only for rows whose outcome does not depend on the cadre's other rows: outside a class, or in a
        class when the cadre came to every sitting.  Then attendance_set's sync_ledger records one confirmed
        entry for a cadre present (ledger_record) and nothing for one absent or on leave (there is no entry
        to withdraw).  The audit rows are the services' own, written through audit_record.
        """
        now = timezone.now()
        rows = []
        for cadre in people:
            reason = missed.get(cadre.pk, "")
            if cadre.pk not in missed:
                status, method = AttendanceStatus.PRESENT, AttendanceMethod.QR if plan.qr else AttendanceMethod.MANUAL
            else:
                status, method = (
                    (AttendanceStatus.LEAVE if reason else AttendanceStatus.ABSENT),
                    AttendanceMethod.MANUAL,
                )
            rows.append(
                Attendance(
                    session=session,
                    cadre=cadre,
                    status=status,
                    reason=reason,
                    method=method,
                    recorded_by=self.admin,
                    checked_in_at=now if status == AttendanceStatus.PRESENT else None,
                )
            )
        Attendance.objects.bulk_create(rows, batch_size=500)
        entries = []
        session_type = source_content_type(Source.SESSION)
        for row in rows:
            audit_record(
                actor=self.admin,
                action=Action.CREATE,
                obj=row,
                before=None,
                after={"status": str(row.get_status_display()), "reason": row.reason},
            )
            if row.status != AttendanceStatus.PRESENT:
                continue
            self.checked_in.append((row, self.check_in_time(plan, session)))
            entries.append(
                LedgerEntry(
                    cadre=row.cadre,
                    date=session.date,
                    hours=session.hours,
                    bucket=activity.kind.bucket,
                    source=Source.SESSION,
                    source_id=session.pk,
                    source_type=session_type,
                    title=f"{activity.title}（{session.date:%Y-%m-%d}）"[:200],
                    status=EntryStatus.CONFIRMED,
                    created_by=self.admin,
                    decided_by=self.admin,
                    decided_at=now,
                )
            )
        LedgerEntry.objects.bulk_create(entries, batch_size=500)
        totals.refresh([entry.cadre_id for entry in entries])  # bulk_create skips save(): attribute and total here
        for entry in entries:
            audit_record(actor=self.admin, action=Action.CREATE, obj=entry, after=hours.entry_snapshot(entry))
        self.result.attendances += len(rows)

    def evaluate(self, session: Session, people: list[Cadre], missed: dict[int, str], quality: float) -> None:
        """Most of those who came fill in the questionnaire, a day or two after; the demo cadre through the service."""
        rng = self.rng
        end = _aware(session.date, session.end_time)
        now = timezone.now()
        still_open = session.evaluation_closes_at is not None and session.evaluation_closes_at > _aware(
            self.today, dt.time(0)
        )
        for cadre in people:
            if cadre.pk in missed or rng.random() > (0.45 if still_open else 0.7):
                continue
            user = self.accounts.get(cadre.pk)
            if user is not None and user.role == Role.CADRE and still_open:
                continue  # left for the demo: an evaluation to fill in on 我的学习
            scores = [min(5, max(1, round(rng.gauss(quality, 0.6)))) for _ in range(3)]
            comment = rng.choice(COMMENTS) if rng.random() < 0.3 else ""
            anonymous = rng.random() < 0.8
            submitted = min(end + dt.timedelta(minutes=rng.randint(5, 2 * 24 * 60)), now)
            if session.evaluation_closes_at:
                submitted = min(submitted, session.evaluation_closes_at - dt.timedelta(minutes=1))
            if user is not None:
                evaluation = attendance_services.evaluation_submit(
                    user=user,
                    session=session,
                    content=scores[0],
                    delivery=scores[1],
                    usefulness=scores[2],
                    comment=comment,
                    anonymous=anonymous,
                    at=submitted,
                )
            else:
                # What evaluation_submit writes (it keeps no audit row: evaluations may be anonymous).
                evaluation = Evaluation(
                    session=session,
                    cadre=cadre,
                    content=scores[0],
                    delivery=scores[1],
                    usefulness=scores[2],
                    comment=comment,
                    anonymous=anonymous,
                )
                evaluation.full_clean(validate_unique=False, validate_constraints=False)
                evaluation.save()
            self.evaluations.append((evaluation, submitted))

    def credit(self, activity: Activity, session: Session, teacher: Cadre) -> None:
        """The lecturer's own 学时 for teaching (授课学时), counted once per session."""
        services.lecture_credit(actor=self.admin, session=session, cadre=teacher)

    def backdate(self) -> None:
        """Check-in and submission times as they would have been recorded on the day."""
        rows = []
        for attendance, moment in self.checked_in:
            attendance.checked_in_at = moment
            rows.append(attendance)
        Attendance.objects.bulk_update(rows, ["checked_in_at"], batch_size=500)
        evaluations = []
        for evaluation, moment in self.evaluations:
            evaluation.submitted_at = moment
            evaluations.append(evaluation)
        Evaluation.objects.bulk_update(evaluations, ["submitted_at"], batch_size=500)

    # --- the whole year ------------------------------------------------------------------------------

    def ensure_rules(self, plans: list[Plan]) -> None:
        """Conversion rules for every year a session falls in (copied from the nearest year, as an admin would)."""
        have = sorted(set(ConversionRule.objects.values_list("year", flat=True)))
        for year in sorted({s.date.year for plan in plans for s in plan.sittings} - set(have)):
            if have:
                source = max((y for y in have if y < year), default=have[0])
                hours.rules_copy(actor=self.admin, from_year=source, to_year=year)

    def load(self, plans: list[Plan]) -> TrainingYear:
        self.ensure_rules(plans)
        for plan in plans:
            self.write(plan)
        self.outside_classes()
        self.self_reports()
        self.backdate()
        self.result.entries = LedgerEntry.objects.count()
        return self.result


@transaction.atomic
def load_training_year(*, today: dt.date, seed: int = SEED) -> TrainingYear:
    """Write a year of the demo bureau's training up to ``today``; the bureau must be loaded already."""
    return Loader(today, seed).load(plan_year(today, seed))
