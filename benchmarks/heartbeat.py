"""The 微课堂 heartbeat under load: ``python -m benchmarks.heartbeat --viewers 200 --seconds 60``.

Builds a temporary SQLite database (migrated; N cadres with accounts, each assigned a course of one long lesson,
each with a viewing opened through the service), or uses ``--database-url`` (a PostgreSQL database, emptied and
migrated), serves it with gunicorn (2 workers, gthread, 8 threads each), and has N viewers, one thread each with
its own logged-in session cookie and keep-alive connection, send a heartbeat every ``--interval`` seconds
(default 5) for the given time, as the player page does.  The first beat of each viewer is offset at random
within the interval, so the beats arrive evenly, as real viewers' do.

Baseline, measured in the same run under the same load: a trivial request (GET /healthz) sent by one more
thread every 100 ms among the heartbeats.  Prints the requests, errors (must be zero), p50/p95/max of both, the
time the server credited (checked against the wall time: at most the elapsed time per viewer), and the last line
``ratio=<p95 of the heartbeats / p95 of /healthz>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import statistics
import string
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.checkin_burst import HOST, free_port, gunicorn, server_side_login

CSRF_SECRET = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(32))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.heartbeat", description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=float, default=5, help="seconds between one viewer's heartbeats")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", default="", help="e.g. postgres://postgres@127.0.0.1:5432/microclass_bench")
    return parser.parse_args(argv)


def build_world(viewers: int) -> list[tuple[int, str, int]]:
    """(user id, viewing token, lesson id) per viewer: cadres with accounts, one course of one lesson of an hour
    assigned to all, a viewing opened for each."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from ganxun.accounts.models import Role, User
    from ganxun.microclass.models import Assignment, Course, Lesson
    from ganxun.microclass.services import viewing_start
    from ganxun.roster.idcard import check_digit
    from ganxun.roster.models import Cadre, Section

    call_command("migrate", verbosity=0)
    sections = [Section.objects.create(name=f"第{n + 1}科", sort_order=n) for n in range(5)]
    people = []
    for n in range(viewers):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=n * 7)
        first17 = f"310110{born:%Y%m%d}{n % 500 * 2 + 1:03d}"
        people.append(
            Cadre(
                name=f"观众{n:04d}",
                gender="M",
                birth_date=born,
                id_number=first17 + check_digit(first17),
                section=sections[n % len(sections)],
                unit_id=sections[n % len(sections)].unit_id,  # bulk_create skips the save() that sets it
            )
        )
    Cadre.objects.bulk_create(people, batch_size=500)
    people = list(Cadre.objects.order_by("pk"))
    User.objects.bulk_create(
        [User(username=f"viewer{n:04d}", role=Role.CADRE, cadre=c, password="!") for n, c in enumerate(people)],
        batch_size=500,
    )
    course = Course.objects.create(title="基准测试微课", published=True)
    lesson = Lesson(course=course, title="一小时的课时", kind="video", length_seconds=3600)
    lesson.file.save("bench.webm", ContentFile(b"\x1a\x45\xdf\xa3" + b"\0" * 1024), save=False)
    lesson.save()
    Assignment.objects.bulk_create([Assignment(course=course, cadre=c, section_id=c.section_id) for c in people])
    users = dict(User.objects.values_list("cadre_id", "pk"))
    return [(users[c.pk], viewing_start(cadre=c, lesson=lesson).token, lesson.pk) for c in people]


class Viewer(threading.Thread):
    def __init__(self, port: int, cookie: str, token: str, lesson_id: int, args, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.port, self.cookie, self.token, self.lesson_id = port, cookie, token, lesson_id
        self.args, self.stop_at = args, stop_at
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.credited_ms = 0
        self.first_beat: float | None = None
        self.last_beat: float | None = None

    def run(self) -> None:
        headers = {
            "Cookie": f"sessionid={self.cookie}; csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
            "Content-Type": "application/json",
            "Referer": f"http://{HOST}:{self.port}/",
        }
        path = f"/microclass/lessons/{self.lesson_id}/beat/"
        next_at = time.monotonic() + random.uniform(0, self.args.interval)
        seq = 0
        while True:
            time.sleep(max(0.0, next_at - time.monotonic()))
            if time.monotonic() >= self.stop_at:
                break
            seq += 1
            body = json.dumps({"token": self.token, "seq": seq, "state": "playing", "position": seq * 5})
            began = time.perf_counter()
            # A connection per heartbeat: five seconds apart, a browser's keep-alive connection has been closed by
            # the server meanwhile (gunicorn keeps an idle one two seconds), so each beat connects anew.
            connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - began
                if response.status != 200:
                    self.errors.append(f"{response.status} {data[:120]!r}")
                else:
                    answer = json.loads(data)
                    if answer["status"] != "ok":
                        self.errors.append(f"status {answer['status']}")
                    self.credited_ms += answer["credited_ms"]
                self.latencies.append(elapsed)
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error))
            finally:
                connection.close()
            now = time.monotonic()
            self.first_beat = self.first_beat or now
            self.last_beat = now
            next_at += self.args.interval


class Baseline(threading.Thread):
    """GET /healthz every 100 ms, under the same load."""

    def __init__(self, port: int, stop_at: float) -> None:
        super().__init__(daemon=True)
        self.port, self.stop_at = port, stop_at
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        while time.monotonic() < self.stop_at:
            began = time.perf_counter()
            connection = http.client.HTTPConnection(HOST, self.port, timeout=30)  # as the heartbeats: a new one
            try:
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    self.errors.append(str(response.status))
                self.latencies.append(time.perf_counter() - began)
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error))
            finally:
                connection.close()
            time.sleep(0.1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ganxun-heartbeat-") as tmp:
        ok = run(args, Path(tmp))
    if not ok:
        sys.exit(1)


def run(args: argparse.Namespace, workdir: Path) -> bool:
    database_url = args.database_url or f"sqlite:///{workdir / 'heartbeat.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "GANXUN_VAR_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LOG_LEVEL": "ERROR",
    }
    if args.database_url:  # PostgreSQL as deployed: each gunicorn thread keeps its connection between requests
        env.setdefault("CONN_MAX_AGE", "60")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    if args.database_url:  # a database of its own for the run: emptied first
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)
    print(f"building: {args.viewers} cadres with accounts and a viewing each …", flush=True)
    world = build_world(args.viewers)
    cookies = [server_side_login(user_id) for user_id, _token, _lesson in world]
    connection.close()
    port = free_port()
    with gunicorn(port, env, args.workers, args.threads, workdir / "gunicorn.log") as _server:
        kind = "PostgreSQL" if database_url.startswith("postgres") else "SQLite (WAL)"
        print(f"gunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} threads (gthread), {kind}")
        stop_at = time.monotonic() + args.seconds
        viewers = [
            Viewer(port, cookie, token, lesson_id, args, stop_at)
            for cookie, (_user, token, lesson_id) in zip(cookies, world, strict=True)
        ]
        baseline = Baseline(port, stop_at)
        print(f"load average before: {os.getloadavg()[0]:.2f} (the machine's other work shows in both figures)")
        started = time.monotonic()
        for viewer in viewers:
            viewer.start()
        baseline.start()
        for thread in [*viewers, baseline]:
            thread.join(args.seconds + 60)
        wall = time.monotonic() - started
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    beats = [latency for viewer in viewers for latency in viewer.latencies]
    errors = [error for viewer in viewers for error in viewer.errors] + baseline.errors
    credited = sum(viewer.credited_ms for viewer in viewers) / 1000
    # What the server may have credited at most: each viewer's span between its first and last beat.
    spans = sum((v.last_beat - v.first_beat) for v in viewers if v.first_beat and v.last_beat)
    print(
        f"wall time {wall:.1f} s; heartbeats {len(beats)} ({len(beats) / wall:.1f}/s); /healthz {len(baseline.latencies)}"
    )
    print(f"errors={len(errors)}" + (f" first: {errors[:3]}" if errors else ""))
    for name, values in (("heartbeat", beats), ("healthz", baseline.latencies)):
        if values:
            print(
                f"{name}: p50 {percentile(values, 0.5) * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} ms, "
                f"max {max(values) * 1000:.1f} ms, mean {statistics.fmean(values) * 1000:.1f} ms"
            )
    print(f"credited {credited:.1f} s of viewing against {spans:.1f} s of beats sent (never more)")
    ok = not errors and bool(beats) and credited <= spans + 1 * len(viewers)
    ratio = (
        percentile(beats, 0.95) / percentile(baseline.latencies, 0.95) if beats and baseline.latencies else float("nan")
    )
    print(f"ratio={ratio:.2f}")
    return ok


if __name__ == "__main__":
    main()
