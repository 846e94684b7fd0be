"""A check-in burst against gunicorn on SQLite: ``python -m benchmarks.checkin_burst --cadres 500 --seconds 60``.

Builds a temporary SQLite database (migrated, N cadres with accounts, all enrolled in one session happening
now), serves it with gunicorn on a free loopback port (2 workers × 4 threads), logs every cadre in before the
clock starts, then has N distinct cadres check in at once from a thread pool, each as a phone does it: open
the QR address (GET, the confirm page), then confirm (POST with the CSRF token).  Afterwards it checks that
there were no errors and exactly N attendance rows and N ledger entries (none lost, none doubled), and prints
latency percentiles and throughput.

Baseline, measured in the same run: the same number of plain INSERTs, each committed on its own, through
Python's sqlite3 into a table with the same unique key, on the same disk with the same pragmas.  The last line
is ``ratio=<wall time of the N check-ins / wall time of the N baseline INSERTs>``.

``--paced`` spreads the scans evenly over the window instead (a room arriving: 500 in 60 s is one scan every
120 ms), which shows what each person waits when the server is not saturated; the ratio then only says the
window was kept to.

Sessions are created server-side as a successful login would create them (``--http-login`` logs in through
the login page instead: the PBKDF2 password hash then costs about half a second of CPU per cadre).

The server's CPU time per request is read from the gunicorn workers' and master's own accounting
(``/proc/<pid>/stat``: user + system time) just before and just after the burst, divided by the requests made.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import http.client
import os
import re
import resource
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SESSION_INPUT = re.compile(r'name="session" value="(\d+)"')
PASSWORD = "Bench#Checkin2026"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.checkin_burst", description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=500, help="distinct cadres checking in (default 500)")
    parser.add_argument("--seconds", type=float, default=60, help="the window all must fit in (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="phones in flight at once (default 50)")
    parser.add_argument(
        "--paced",
        action="store_true",
        help="spread the cadres' scans evenly over the window (a room arriving) instead of all at once (the burst)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--http-login", action="store_true", help="log every cadre in through the login page")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    return parser.parse_args(argv)


# --- the database -------------------------------------------------------------------------------


def build_world(cadres: int, *, usable_passwords: bool) -> tuple[int, list[tuple[int, str]]]:
    """Migrate, then N cadres with accounts enrolled in one session happening now: (session id, [(user id, name)])."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from ganxun.accounts.models import Role, User
    from ganxun.roster.idcard import check_digit
    from ganxun.roster.models import Cadre, Section
    from ganxun.training.models import Activity, ActivityKind, Enrolment, Session

    call_command("migrate", verbosity=0)
    sections = [Section.objects.create(name=f"第{n + 1}科", sort_order=n) for n in range(10)]
    people = []
    for n in range(cadres):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=n * 7)
        first17 = f"310110{born:%Y%m%d}{n % 500 * 2 + 1:03d}"
        people.append(
            Cadre(
                name=f"干部{n:04d}",
                gender="M",
                birth_date=born,
                id_number=first17 + check_digit(first17),
                section=sections[n % len(sections)],
            )
        )
    Cadre.objects.bulk_create(people, batch_size=500)
    people = list(Cadre.objects.order_by("pk"))
    password = make_password(PASSWORD if usable_passwords else None)
    User.objects.bulk_create(
        [User(username=f"cadre{n:04d}", role=Role.CADRE, cadre=c, password=password) for n, c in enumerate(people)],
        batch_size=500,
    )
    now = timezone.localtime()
    start = max(dt.datetime.combine(now.date(), dt.time(0)), now.replace(tzinfo=None) - dt.timedelta(minutes=5))
    end = min(dt.datetime.combine(now.date(), dt.time(23, 59)), now.replace(tzinfo=None) + dt.timedelta(hours=2))
    activity = Activity.objects.create(
        title="基准测试：全员集中学习", kind=ActivityKind.objects.get(name="月末讲坛"), place="局大会议室"
    )
    session = Session.objects.create(
        activity=activity, date=now.date(), start_time=start.time(), end_time=end.time(), hours=2
    )
    Enrolment.objects.bulk_create(
        [Enrolment(activity=activity, cadre=c, section_id=c.section_id, via="点名") for c in people], batch_size=500
    )
    users = list(User.objects.filter(role=Role.CADRE).order_by("pk").values_list("pk", "username"))
    return session.pk, users


def server_side_login(user_id: int) -> str:
    """The session a successful login would leave behind: its key goes into the phone's cookie."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from ganxun.accounts.idle import LOGIN_AT_KEY, now_ms
    from ganxun.accounts.models import User

    user = User.objects.get(pk=user_id)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "ganxun.accounts.backends.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGIN_AT_KEY] = now_ms()  # the idle clock starts at login (ganxun.accounts.idle)
    store.save()
    return store.session_key


def tally(session_id: int) -> dict[str, int]:
    from django.db import connection

    from ganxun.attendance.models import Attendance
    from ganxun.hours.models import LedgerEntry, Source

    connection.close()  # a fresh connection sees everything gunicorn committed
    attendance = Attendance.objects.filter(session_id=session_id)
    entries = LedgerEntry.objects.filter(source=Source.SESSION, source_id=session_id)
    return {
        "attendance": attendance.count(),
        "attendance_present": attendance.filter(status="present", method="qr").count(),
        "attendance_cadres": attendance.values("cadre_id").distinct().count(),
        "ledger": entries.count(),
        "ledger_confirmed": entries.filter(status="confirmed").count(),
        "ledger_cadres": entries.values("cadre_id").distinct().count(),
    }


# --- the phones ---------------------------------------------------------------------------------


@dataclass
class Phone:
    """One cadre's browser: its cookies, kept by hand (http.client has none)."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "checkin-burst"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=data, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", text
        finally:
            connection.close()

    def login(self, username: str) -> None:
        status, _location, page = self.request("GET", "/accounts/login/")
        token = CSRF_INPUT.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page: HTTP {status}")
        status, location, _page = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        )
        if status != 302 or "/accounts/login/" in location:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")


@dataclass
class CheckIn:
    ok: bool
    total: float  # scan to confirmation, as the phone sees it
    confirm: float  # the POST alone
    error: str = ""
    requests: int = 2  # HTTP requests the server answered (or began to)


def check_in(phone: Phone, session_id: int) -> CheckIn:
    """Scan the code on the screen now (GET), then press the confirm button (POST)."""
    from ganxun.attendance.checkin import make_token

    started = time.perf_counter()
    path = f"/attendance/c/{make_token(session_id)}/"
    try:
        status, _location, page = phone.request("GET", path)
        csrf, session = CSRF_INPUT.search(page), SESSION_INPUT.search(page)
        if status != 200 or csrf is None or session is None:
            return CheckIn(False, time.perf_counter() - started, 0.0, f"GET {status}: no confirm button", 1)
        posted = time.perf_counter()
        status, _location, page = phone.request(
            "POST", path, {"csrfmiddlewaretoken": csrf.group(1), "session": session.group(1)}
        )
        done = time.perf_counter()
        if status != 200 or "data-checked-in" not in page or "data-refusal" in page:
            return CheckIn(False, done - started, done - posted, f"POST {status}")
        return CheckIn(True, done - started, done - posted)
    except (OSError, http.client.HTTPException) as exc:
        return CheckIn(False, time.perf_counter() - started, 0.0, f"{type(exc).__name__}: {exc}")


# --- gunicorn ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(port: int, env: dict[str, str], workers: int, threads: int, log: Path):
    """gunicorn serving config.wsgi on the loopback port; stopped on the way out, whatever happened."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"{HOST}:{port}",
        "--timeout",
        "120",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_up(port, process, log)
            yield process
        finally:
            stop(process)


def wait_until_up(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the master (it stops its workers), then SIGKILL to the group it leads if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def server_processes(master: int) -> list[int]:
    """The gunicorn master and its workers (the processes whose parent it is)."""
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                # The command name (field 2) may hold spaces: the fields after its closing bracket are fixed.
                if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == master:
                    pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time each process has used so far, in seconds (utime and stime of /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


# --- the baseline --------------------------------------------------------------------------------


def baseline_inserts(path: Path, count: int) -> tuple[float, list[float]]:
    """N plain INSERTs, each committed on its own, into a table with the attendance's unique key."""
    database = sqlite3.connect(path, isolation_level=None)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    database.execute(
        "CREATE TABLE attendance (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, cadre_id INTEGER NOT NULL,"
        " status TEXT NOT NULL, checked_in_at TEXT NOT NULL, UNIQUE (session_id, cadre_id))"
    )
    latencies = []
    started = time.perf_counter()
    for cadre in range(count):
        began = time.perf_counter()
        database.execute("BEGIN IMMEDIATE")
        database.execute(
            "INSERT INTO attendance (session_id, cadre_id, status, checked_in_at) VALUES (?, ?, ?, ?)",
            (1, cadre, "present", dt.datetime.now(dt.UTC).isoformat()),
        )
        database.execute("COMMIT")
        latencies.append(time.perf_counter() - began)
    total = time.perf_counter() - started
    database.close()
    return total, latencies


# --- the run -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f} ms"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ganxun-checkin-"))
    try:
        ok = run(args, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    if not ok:
        sys.exit(1)


def run(args: argparse.Namespace, workdir: Path) -> bool:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'checkin.sqlite3'}",
        "GANXUN_VAR_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",  # DEBUG keeps every SQL statement in memory
        "SECRET_KEY": secrets.token_urlsafe(50),  # the same in this process and in gunicorn: sessions, tokens
        # A session that began minutes ago may end after midnight: keep check-in open through the run.
        "CHECKIN_CLOSES_MINUTES_AFTER": "180",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    print(f"building: {args.cadres} cadres with accounts, enrolled in one session happening now …", flush=True)
    session_id, users = build_world(args.cadres, usable_passwords=args.http_login)
    port = free_port()
    phones = [Phone(port) for _ in users]
    if not args.http_login:
        for phone, (user_id, _username) in zip(phones, users, strict=True):
            phone.cookies["sessionid"] = server_side_login(user_id)
    connection.close()

    with gunicorn(port, env, args.workers, args.threads, workdir / "gunicorn.log") as server:
        print(f"gunicorn on {HOST}:{port}: {args.workers} workers × {args.threads} threads, SQLite (WAL)", flush=True)
        if args.http_login:
            print("logging every cadre in through the login page (not timed) …", flush=True)
            with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(lambda pu: pu[0].login(pu[1][1]), zip(phones, users, strict=True)))
        gate = threading.Event()

        spacing = args.seconds / len(phones) if args.paced else 0.0

        def phone_checks_in(numbered: tuple[int, Phone]) -> CheckIn:
            number, phone = numbered
            gate.wait()
            if spacing:  # this phone's turn in a room arriving over the window
                time.sleep(max(0.0, started + number * spacing - time.perf_counter()))
            return check_in(phone, session_id)

        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            futures = [pool.submit(phone_checks_in, numbered) for numbered in enumerate(phones)]
            pids = server_processes(server.pid)
            cpu_before = cpu_seconds(pids)
            phones_before = resource.getrusage(resource.RUSAGE_SELF)
            load = Path("/proc/loadavg").read_text().split()[0]
            started = time.perf_counter()
            gate.set()
            results = [future.result() for future in futures]
            wall = time.perf_counter() - started
            cpu_after = cpu_seconds(pids)
            phones_after = resource.getrusage(resource.RUSAGE_SELF)

    counts = tally(session_id)
    base_total, base_latencies = baseline_inserts(workdir / "baseline.sqlite3", args.cadres)

    failures = [r for r in results if not r.ok]
    # A worker that died during the burst took its counters with it: the figure is then marked as a floor.
    server_cpu = sum(cpu_after[pid] - cpu_before[pid] for pid in cpu_after if pid in cpu_before)
    lost_workers = len(cpu_before) - len(cpu_after)
    requests = sum(r.requests for r in results)
    totals = [r.total for r in results]
    confirms = [r.confirm for r in results if r.ok]
    print(f"check-ins: {len(results) - len(failures)} ok, {len(failures)} failed, in {wall:.2f} s")
    for reason in sorted({r.error for r in failures})[:5]:
        print(f"  failure: {reason}")
    print(
        f"throughput: {len(results) / wall:.1f} check-ins/s  (window {args.seconds:.0f} s, "
        + (
            f"paced: one scan every {args.seconds / len(results) * 1000:.0f} ms, up to {args.clients} in flight)"
            if args.paced
            else f"burst: {args.clients} phones at once)"
        )
    )
    print(
        f"latency, scan to confirmation (GET + POST): p50 {ms(statistics.median(totals))}"
        f"  p95 {ms(percentile(totals, 0.95))}  max {ms(max(totals))}"
    )
    if confirms:
        print(
            f"latency, confirm POST alone:               p50 {ms(statistics.median(confirms))}"
            f"  p95 {ms(percentile(confirms, 0.95))}  max {ms(max(confirms))}"
        )
    print(
        f"server CPU: {server_cpu:.2f} s over {requests} requests ({len(cpu_before) - 1} workers + master)"
        f" = {server_cpu / max(requests, 1) * 1000:.1f} ms per request, {server_cpu / max(len(results), 1) * 1000:.1f} ms"
        f" per check-in (GET + POST){'  (at least: a worker died)' if lost_workers else ''}"
    )
    phones_cpu = (phones_after.ru_utime + phones_after.ru_stime) - (phones_before.ru_utime + phones_before.ru_stime)
    print(
        f"phones' CPU (this process): {phones_cpu:.2f} s = {phones_cpu / max(len(results), 1) * 1000:.1f} ms per"
        f" check-in; machine load average when the burst began: {load} ({os.cpu_count()} cores)"
    )
    print(
        f"rows: attendance {counts['attendance']} ({counts['attendance_present']} present by QR,"
        f" {counts['attendance_cadres']} cadres), ledger {counts['ledger']} ({counts['ledger_confirmed']} confirmed,"
        f" {counts['ledger_cadres']} cadres)"
    )
    print(
        f"baseline: {args.cadres} plain sqlite3 INSERTs, each committed: {base_total:.3f} s;"
        f" p50 {ms(statistics.median(base_latencies))}  p95 {ms(percentile(base_latencies, 0.95))}"
    )
    n = args.cadres
    checks = {
        "no errors": not failures,
        f"exactly {n} attendance rows, one per cadre": counts["attendance"] == counts["attendance_cadres"] == n,
        f"all {n} present by QR": counts["attendance_present"] == n,
        f"exactly {n} ledger entries, one per cadre, confirmed": (
            counts["ledger"] == counts["ledger_cadres"] == counts["ledger_confirmed"] == n
        ),
        f"within {args.seconds:.0f} s": wall <= args.seconds,
    }
    for name, passed in checks.items():
        print(f"{'PASS' if passed else 'FAIL'}  {name}")
    print(f"ratio = wall time of {n} check-ins over HTTP / wall time of {n} committed sqlite3 INSERTs")
    print(f"ratio={wall / base_total:.1f}")
    return all(checks.values())


if __name__ == "__main__":
    main()
