"""A class on one server under load: N learners signing in and answering at once, through HTTP,
against `srs serve --workers W` on PostgreSQL. Loopback only, bounded, stops by itself.

    SRS_TEST_PG_URL="$(bash .ci/postgres.sh)" python benchmarks/class_load.py \\
        [--learners 20] [--answers 30] [--exam 5] [--workers 2] [--cards 300]

It makes a new PostgreSQL database (dropped at the end), imports a deck of multiple-choice
cards, gives every learner an account and every card a review due now (so the queue never
runs dry), starts `python -m srs serve` on 127.0.0.1 with W worker processes, then runs one
thread per learner, each with its own HTTP connection (httpx2 from the test extra, keep-alive):
  sign in (POST /signin), then ``--answers`` times: GET /review, POST /review/choose (the
  answer, written by that POST: its 303 is the acknowledgement), GET /review (the verdict),
  POST /review/next; then one mock exam of ``--exam`` questions (POST /exam, an answer per
  question, the hand-in).
It reports, over all learners: the time from sending an answer to having the next card's
page (choose + verdict + next + next page), p50 and p99; every request's p50/p99; the
answers per second; the errors (any unexpected status, or a refused connection); and then
checks the database: each learner's review log holds exactly the answers acknowledged to
them (none lost, none twice), and each has the one attempt with its questions.

With ``--faults``, one worker process is killed with SIGKILL at a third of the answers
and every database connection cut at two thirds: the requests caught by them fail (counted
as errors, by kind), nothing acknowledged may be missing, and an answer saved just before
its worker died is counted as "saved but never acknowledged".
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import deck_spec  # noqa: E402

from srs.accounts import hash_password  # noqa: E402
from srs.importer import import_decks  # noqa: E402
from srs.model import REVIEW, MemoryState  # noqa: E402
from srs.store import open_store  # noqa: E402
from tests.store_helpers import bulk_load

PASSWORD = "class-load-pw"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CARD = re.compile(r'name="card" value="(\d+)"')
QUESTION = re.compile(r'name="question" value="(\d+)"')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def build(url: str, learners: int, cards: int, now: datetime) -> list[str]:
    store, _ = open_store(url, "server")
    import_decks(store, [deck_spec(cards)], now - timedelta(days=60))
    keys = [c.key for c in store.cards("bench")]
    digest = hash_password(PASSWORD)  # one hash for all: the server still checks each sign-in
    names = [f"learner{i:03d}" for i in range(learners)]
    for name in names:
        store.add_user(name, digest, False, now)
        mine = open_store(url, name)[0]
        bulk_load(mine, [(k, MemoryState(REVIEW, None, 12.0, 5.0, now - timedelta(minutes=1 + i % 600),
                                        now - timedelta(days=12), 3, 0)) for i, k in enumerate(keys)], [])
        mine.close()
    store.close()
    return names


class Learner(threading.Thread):
    def __init__(self, base: str, name: str, answers: int, exam: int) -> None:
        super().__init__(daemon=True)
        self.base, self.name, self.answers, self.exam = base, name, answers, exam
        self.acked = 0                 # answers the server acknowledged (303 to the choose POST)
        self.exams_acked = 0
        self.cycle: list[float] = []   # seconds from sending an answer to having the next card
        self.requests: list[float] = []
        self.errors: list[str] = []

    def call(self, client, method: str, path: str, expect: int | tuple[int, ...], data: dict | None = None):
        start = time.perf_counter()
        try:
            r = client.request(method, self.base + path, data=data)
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            self.errors.append(f"{method} {path}: {type(exc).__name__}")
            return None
        self.requests.append(time.perf_counter() - start)
        if r.status_code not in (expect if isinstance(expect, tuple) else (expect,)):
            self.errors.append(f"{method} {path}: {r.status_code}")
            return None
        return r

    def run(self) -> None:
        try:
            import httpx2 as httpx  # the test extra's HTTP client (what Starlette's TestClient uses)
        except ImportError:
            import httpx

        with httpx.Client(follow_redirects=False, timeout=30) as c:
            page = self.call(c, "GET", "/signin", 200)
            if page is None:
                return
            csrf = CSRF.search(page.text).group(1)
            if self.call(c, "POST", "/signin", 303, {"csrf": csrf, "name": self.name, "password": PASSWORD}) is None:
                return
            page = self.call(c, "GET", "/review?deck=bench", 200)
            for _ in range(self.answers):
                if page is None or not CARD.search(page.text):
                    self.errors.append("no card on the review page: " + (re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", page.text))[:160] if page is not None else "none"))
                    return
                key = CARD.search(page.text).group(1)
                start = time.perf_counter()
                if self.call(c, "POST", "/review/choose", 303, {"csrf": csrf, "card": key, "choice": "A",
                                                                 "deck": "bench"}) is None:
                    # as a learner would: Next past a verdict left on screen, then the page again
                    self.call(c, "POST", "/review/next", (303, 409), {"csrf": csrf, "card": key, "deck": "bench"})
                    page = self.call(c, "GET", "/review?deck=bench", 200)
                    continue
                self.acked += 1
                self.call(c, "GET", "/review?deck=bench", 200)
                self.call(c, "POST", "/review/next", 303, {"csrf": csrf, "card": key, "deck": "bench"})
                page = self.call(c, "GET", "/review?deck=bench", 200)
                self.cycle.append(time.perf_counter() - start)
            if self.exam:
                self.sit(c, csrf)

    def sit(self, c, csrf: str) -> None:
        r = self.call(c, "POST", "/exam", 303, {"csrf": csrf, "deck": "bench", "questions": str(self.exam)})
        if r is None:
            return
        url = r.headers["location"]
        for _ in range(self.exam + 1):
            page = self.call(c, "GET", url, (200, 303))
            if page is None:
                return
            if page.status_code == 303:  # the last answer ended it: handed in and saved
                if page.headers["location"].startswith("/results/"):
                    self.exams_acked += 1
                return
            found = QUESTION.search(page.text)
            self.call(c, "POST", url + "/answer", 303, {"csrf": csrf, "question": found.group(1), "choice": "A"})
        self.errors.append("the exam did not end after its questions")


class Faults(threading.Thread):
    """--faults: at a third of the answers one worker process is killed (SIGKILL: no
    clean-up; uvicorn starts another), at two thirds every connection to the database is cut
    (pg_terminate_backend: what the server sees when PostgreSQL restarts)."""

    def __init__(self, server: subprocess.Popen, learners: list[Learner], total: int, database: str) -> None:
        super().__init__(daemon=True)
        self.server, self.learners, self.total, self.database = server, learners, total, database
        self.events: list[str] = []
        self.done = threading.Event()

    def acked(self) -> int:
        return sum(t.acked for t in self.learners)

    def wait_until(self, share: float) -> bool:
        while self.acked() < share * self.total:
            if self.done.wait(0.05):
                return False
        return True

    def run(self) -> None:
        if not self.wait_until(1 / 3):
            return
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text().split()
        workers = [int(c) for c in children if b"multiprocessing" in Path(f"/proc/{c}/cmdline").read_bytes()]
        if workers:
            os.kill(workers[0], signal.SIGKILL)
            self.events.append(f"killed worker {workers[0]} at {self.acked()} answers")
        if not self.wait_until(2 / 3):
            return
        from tests.dbs import _pg_connect

        with _pg_connect(os.environ["SRS_TEST_PG_URL"]) as conn:
            cut = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
                               (self.database,)).fetchone()[0]
        self.events.append(f"cut {cut} database connections at {self.acked()} answers")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--answers", type=int, default=30, help="review answers per learner")
    parser.add_argument("--exam", type=int, default=5, help="questions of each learner's mock exam (0: none)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--faults", action="store_true",
                        help="kill a worker at a third of the answers, cut the database connections at two thirds")
    args = parser.parse_args()
    admin = os.environ.get("SRS_TEST_PG_URL")
    if not admin:
        raise SystemExit('needs PostgreSQL: SRS_TEST_PG_URL="$(bash .ci/postgres.sh)"')
    from tests.dbs import create_pg_database, drop_pg_database

    url, name = create_pg_database()
    now = datetime.now(timezone.utc)
    process = None
    try:
        names = build(url, args.learners, args.cards, now)
        port = free_port()
        env = {**os.environ, "SRS_DB": url, "SRS_FUZZ": "0", "SRS_LEARNER": "server"}
        log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (read after the server stops): its stderr
        process = subprocess.Popen([sys.executable, "-m", "srs", "serve", "--host", "127.0.0.1", "--port", str(port),
                                    "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=log, text=True)
        wait_for(port, process)
        learners = [Learner(f"http://127.0.0.1:{port}", n, args.answers, args.exam) for n in names]
        faults = Faults(process, learners, args.learners * args.answers, name) if args.faults else None
        start = time.perf_counter()
        for t in learners:
            t.start()
        if faults is not None:
            faults.start()
        for t in learners:
            t.join(timeout=600)
        wall = time.perf_counter() - start
        if faults is not None:
            faults.done.set()
            faults.join(10)
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    try:
        lost = unacked = exams_wrong = 0
        for t in learners:
            store = open_store(url, t.name)[0]
            logged = sum(1 for _, e in store.review_log() if e.source == "review")
            attempts = store.attempts()
            store.close()
            lost += max(0, t.acked - logged)
            unacked += max(0, logged - t.acked)
            exams_wrong += len(attempts) != t.exams_acked
    finally:
        drop_pg_database(name)
    cycles = [x for t in learners for x in t.cycle]
    requests = [x for t in learners for x in t.requests]
    errors = [e for t in learners for e in t.errors]
    acked = sum(t.acked for t in learners)
    print(f"learners {args.learners}, workers {args.workers}, answers acknowledged {acked} "
          f"(+{sum(t.exams_acked for t in learners)} mock exams), wall {wall:.1f} s")
    print(f"answer -> next card: p50 {percentile(cycles, .5) * 1000:.0f} ms, p99 {percentile(cycles, .99) * 1000:.0f} ms"
          f" ({len(cycles)} cycles of 4 requests)")
    print(f"every request: p50 {percentile(requests, .5) * 1000:.0f} ms, p99 {percentile(requests, .99) * 1000:.0f} ms, "
          f"{len(requests)} requests, {len(requests) / wall:.0f}/s; answers {acked / wall:.1f}/s")
    kinds: dict[str, int] = {}
    for e in errors:
        kind = re.sub(r"/exam/[\w-]+", "/exam/ID", e)
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"errors {len(errors)}" + (f": {dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:6])}" if errors else ""))
    if faults is not None:
        print("faults: " + "; ".join(faults.events))
        log.seek(0)
        said = [line.strip() for line in log if line.strip() and not line.startswith((" ", "Traceback"))]
        print(f"the server's log: {len(said)} lines, the last: {said[-3:]}")
    print(f"review log vs acknowledged: lost {lost}, saved but never acknowledged {unacked}; "
          f"attempts not as acknowledged: {exams_wrong}")
    if lost or exams_wrong or (not args.faults and (errors or unacked)):
        sys.exit(1)


if __name__ == "__main__":
    main()
