"""A class on one server under load: N learners signing in, answering reviews and sitting mock
exams at once, through HTTP, against `srs serve --workers W` on PostgreSQL. Loopback only,
bounded, stops by itself.

    SRS_TEST_PG_URL="$(bash .ci/postgres.sh)" python benchmarks/class_load.py \\
        [--learners 50] [--minutes 3] [--answers N] [--exam 5] [--every 20] [--workers 4] [--faults]

It makes a new PostgreSQL database (dropped at the end), imports a deck of multiple-choice
cards, gives every learner an account and every card a review due now (so the queue never
runs dry), starts `python -m srs serve` on 127.0.0.1 with W worker processes, then runs one
thread per learner. Each signs in (POST /signin) and, until ``--minutes`` have passed (or it
has given ``--answers``), answers reviews on its own keep-alive connection (httpx2 from the
test extra): GET /review, POST /review/choose (the answer, written by that POST: its 303 is
the acknowledgement), GET /review (the verdict), POST /review/next; after every ``--every``
answers it sits a mock exam of ``--exam`` questions (POST /exam, a page and an answer per
question, until the last answer hands it in) with a new connection for every request, so the
exam's requests land on any of the workers, as a phone switching networks or a proxy that
does not keep connections would send them. So at any moment some learners answer reviews
while others sit mocks.

It reports, over all learners: the time from sending an answer to having the next card's
page (choose + verdict + next + next page), p50 and p99; every request's p50/p99; requests
and answers per second; the errors (any unexpected status, or a refused or dropped
connection) by kind. Then it checks the database: each learner's review log (source
"review") holds exactly the cards acknowledged to them, in order (none lost, none twice),
each acknowledged mock exam is one attempt, and each attempt holds as many answers as were
acknowledged for it.

With ``--faults``, one worker process is killed with SIGKILL at a third of the run (uvicorn
starts another) and PostgreSQL itself is restarted (pg_ctl restart -m fast: every
connection dropped, the server down for a moment) at two thirds. A learner whose request
fails waits a moment and carries on, as a person reloading would. Every failure must be a
dropped connection (the killed worker) or a one-line 503 (the database), never a 500 or a
traceback; nothing acknowledged may be missing; an answer saved just before its worker died
is counted as "saved but never acknowledged".
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
from collections import Counter
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
SEEN = re.compile(r'name="seen" value="([^"]*)"')  # the card's state as shown (worker processes)
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


def _client(**kw):
    try:
        import httpx2 as httpx  # the test extra's HTTP client (what Starlette's TestClient uses)
    except ImportError:
        import httpx
    return httpx.Client(follow_redirects=False, timeout=30, **kw), httpx


class Learner(threading.Thread):
    def __init__(self, base: str, name: str, answers: int, exam: int, every: int, until: float,
                 keepalive: bool = True) -> None:
        super().__init__(daemon=True)
        self.keepalive = keepalive
        self.base, self.name, self.answers, self.exam, self.every, self.until = base, name, answers, exam, every, until
        self.acked: list[int] = []     # the card of each answer the server acknowledged (303 to the choose POST)
        self.exams: list[int] = []     # each acknowledged mock (handed in): its acknowledged answers
        self.cycle: list[float] = []   # seconds from sending an answer to having the next card
        self.requests: list[float] = []
        self.errors: list[str] = []
        self.csrf = ""
        self.trail: list[str] = []     # the last requests (what led to an error, with --trail)

    def call(self, client, method: str, path: str, expect: int | tuple[int, ...], data: dict | None = None):
        start = time.perf_counter()
        try:
            r = client.request(method, self.base + path, data=data)
        except Exception as exc:  # noqa: BLE001 - counted, the run goes on
            self.errors.append(f"{method} {path}: {type(exc).__name__}")
            time.sleep(0.5)
            return None
        self.requests.append(time.perf_counter() - start)
        self.trail = [*self.trail[-5:], f"{method} {path} {data and data.get('card', '')} -> {r.status_code}"]
        if r.status_code not in (expect if isinstance(expect, tuple) else (expect,)):
            first = r.text.strip().splitlines()[0][:80] if r.text.strip() else ""
            self.errors.append(f"{method} {path}: {r.status_code} {first}")
            if os.environ.get("CLASS_LOAD_TRAIL"):
                print(self.name, " | ".join(self.trail), file=sys.stderr)
            if r.status_code == 503:
                time.sleep(float(r.headers.get("retry-after", "1")) / 2)
            return None
        return r

    def going(self) -> bool:
        return len(self.acked) < self.answers and time.monotonic() < self.until

    def run(self) -> None:
        c, _ = _client(**({} if self.keepalive else {"limits": httpx_limits()}))
        with c:
            page = None
            while page is None and time.monotonic() < self.until:
                page = self.call(c, "GET", "/signin", 200)
                if page is not None and self.call(c, "POST", "/signin", 303, {
                        "csrf": CSRF.search(page.text).group(1), "name": self.name, "password": PASSWORD}) is None:
                    page = None
            if page is None:
                return
            self.csrf = CSRF.search(page.text).group(1)
            page = self.call(c, "GET", "/review?deck=bench", 200)
            while self.going():
                if page is None or not CARD.search(page.text):
                    if page is not None:
                        self.errors.append("no card on the review page: " + re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", page.text))[:160])
                        return
                    page = self.call(c, "GET", "/review?deck=bench", 200)
                    continue
                key = CARD.search(page.text).group(1)
                seen = SEEN.search(page.text)
                start = time.perf_counter()
                answered = self.call(c, "POST", "/review/choose", 303, {"csrf": self.csrf, "card": key, "choice": "A",
                                                                     "deck": "bench", **({"seen": seen.group(1)} if seen else {})})
                if answered is None:
                    # as a learner would: Next past a verdict left on screen, then the page again
                    self.call(c, "POST", "/review/next", (303, 409), {"csrf": self.csrf, "card": key, "deck": "bench"})
                    page = self.call(c, "GET", "/review?deck=bench", 200)
                    continue
                self.acked.append(int(key))
                self.call(c, "GET", answered.headers["location"], 200)  # the verdict, as a browser follows it
                self.call(c, "POST", "/review/next", 303, {"csrf": self.csrf, "card": key, "deck": "bench"})
                page = self.call(c, "GET", "/review?deck=bench", 200)
                self.cycle.append(time.perf_counter() - start)
                if self.exam and self.every and len(self.acked) % self.every == 0:
                    self.sit(c.cookies)
                    # back to the review page, as a browser would: the exam may have answered the
                    # card the page before it showed (that page's form is then stale: a 409)
                    page = self.call(c, "GET", "/review?deck=bench", 200)

    def sit(self, cookies) -> None:
        """A mock exam, every request on a new connection (any worker may answer it)."""
        def fresh(method: str, path: str, expect, data=None):
            one, httpx = _client(cookies=cookies, limits=httpx_limits())
            with one:
                return self.call(one, method, path, expect, data)

        r = fresh("POST", "/exam", 303, {"csrf": self.csrf, "deck": "bench", "questions": str(self.exam)})
        if r is None:
            return
        url, given = r.headers["location"], 0
        for _ in range(self.exam * 4):
            page = fresh("GET", url, (200, 303))
            if page is None:
                continue
            if page.status_code == 303:  # the last answer ended it: handed in and saved
                if page.headers["location"].startswith("/results/"):
                    self.exams.append(given)
                else:
                    self.errors.append(f"exam ended at {page.headers['location'][:40]}")
                return
            found = QUESTION.search(page.text)
            if fresh("POST", url + "/answer", 303, {"csrf": self.csrf, "question": found.group(1), "choice": "A"}):
                given += 1
        self.errors.append("the exam did not end after its questions")


def httpx_limits():
    _, httpx = _client()
    return httpx.Limits(max_keepalive_connections=0)


class Faults(threading.Thread):
    """--faults: at a third of the run one worker process is killed (SIGKILL: no clean-up;
    uvicorn starts another), at two thirds PostgreSQL is restarted (every connection dropped,
    the server down until it is back)."""

    def __init__(self, server: subprocess.Popen, learners: list[Learner], total: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.server, self.learners, self.total, self.seconds = server, learners, total, seconds
        self.start_time = time.monotonic()
        self.events: list[str] = []
        self.done = threading.Event()

    def acked(self) -> int:
        return sum(len(t.acked) for t in self.learners)

    def wait_until(self, share: float) -> bool:
        while self.acked() < share * self.total and time.monotonic() - self.start_time < share * self.seconds:
            if self.done.wait(0.05):
                return False
        return True

    def run(self) -> None:
        if not self.wait_until(1 / 3):
            return
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text().split()
        # uvicorn's workers, not multiprocessing's resource tracker (also a child)
        workers = [int(c) for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]
        if workers:  # the busiest: the one holding the most sockets (learners' connections, its database pool)
            victim = max(workers, key=sockets)
            held = sockets(victim)
            os.kill(victim, signal.SIGKILL)
            self.events.append(f"killed worker {victim} (holding {held} sockets) at {self.acked()} answers")
        if not self.wait_until(2 / 3):
            return
        took = restart_postgres()
        self.events.append(f"restarted PostgreSQL at {self.acked()} answers (down and up in {took:.1f} s)")


def sockets(pid: int) -> int:
    """How many sockets process ``pid`` has open."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            continue
    return count


def restart_postgres() -> float:
    """pg_ctl restart -m fast of the test server (SRS_TEST_PG_URL's, started by .ci/postgres.sh)."""
    import glob

    from tests.dbs import _pg_connect

    with _pg_connect(os.environ["SRS_TEST_PG_URL"]) as conn:
        data = conn.execute("SHOW data_directory").fetchone()[0]
    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
    command = [pg_ctl, "-D", data, "-w", "-m", "fast", "restart"]
    if os.geteuid() == 0:  # .ci/postgres.sh runs the server as the postgres user
        command = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return time.monotonic() - start


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
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=3.0, help="how long the learners keep going")
    parser.add_argument("--answers", type=int, default=10**9, help="review answers per learner at most")
    parser.add_argument("--exam", type=int, default=5, help="questions of each mock exam (0: none)")
    parser.add_argument("--every", type=int, default=20, help="a mock exam after every this many answers")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--no-keepalive", action="store_true",
                        help="every request on a new connection (as behind a proxy that does not keep them)")
    parser.add_argument("--faults", action="store_true",
                        help="kill a worker at a third of the run, restart PostgreSQL at two thirds")
    args = parser.parse_args()
    admin = os.environ.get("SRS_TEST_PG_URL")
    if not admin:
        raise SystemExit('needs PostgreSQL: SRS_TEST_PG_URL="$(bash .ci/postgres.sh)"')
    from tests.dbs import create_pg_database, drop_pg_database

    url, name = create_pg_database()
    now = datetime.now(timezone.utc)
    process = None
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - the server's stderr, read after it stopped
    try:
        names = build(url, args.learners, args.cards, now)
        port = free_port()
        env = {**os.environ, "SRS_DB": url, "SRS_FUZZ": "0", "SRS_LEARNER": "server"}
        process = subprocess.Popen([sys.executable, "-m", "srs", "serve", "--host", "127.0.0.1", "--port", str(port),
                                    "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL,
                                   stderr=log, text=True)
        wait_for(port, process)
        until = time.monotonic() + args.minutes * 60
        learners = [Learner(f"http://127.0.0.1:{port}", n, args.answers, args.exam, args.every, until,
                            not args.no_keepalive) for n in names]
        total = min(args.answers * args.learners, 10**9)
        faults = Faults(process, learners, total, args.minutes * 60) if args.faults else None
        start = time.perf_counter()
        for t in learners:
            t.start()
        if faults is not None:
            faults.start()
        for t in learners:
            t.join(timeout=args.minutes * 60 + 300)
        wall = time.perf_counter() - start
        if faults is not None:
            faults.done.set()
            faults.join(150)
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    try:
        lost = unacked = exams_wrong = answers_wrong = 0
        for t in learners:
            store = open_store(url, t.name)[0]
            logged = [e.card_key for _, e in sorted(store.review_log(), key=lambda pair: pair[1].id)
                      if e.source == "review"]
            attempts = store.attempts()
            given = [sum(1 for a in store.attempt(a.number)[1] if a.chosen is not None) for a in attempts]
            store.close()
            missing, extra = Counter(t.acked) - Counter(logged), Counter(logged) - Counter(t.acked)
            lost += sum(missing.values())
            unacked += sum(extra.values())
            if not args.faults and logged != t.acked:  # without faults: the very same answers, in order
                lost += 1
            if args.faults:  # a hand-in (or an answer) saved as its reply was lost counts for more, never less
                exams_wrong += len(attempts) < len(t.exams)
                answers_wrong += sum(given) < sum(t.exams)
            else:
                exams_wrong += len(attempts) != len(t.exams)
                answers_wrong += sorted(given) != sorted(t.exams)
    finally:
        drop_pg_database(name)
    cycles = [x for t in learners for x in t.cycle]
    requests = [x for t in learners for x in t.requests]
    errors = [e for t in learners for e in t.errors]
    acked = sum(len(t.acked) for t in learners)
    mocks = sum(len(t.exams) for t in learners)
    print(f"learners {args.learners}, workers {args.workers}{', no keep-alive' if args.no_keepalive else ''}, answers acknowledged {acked} "
          f"(+{mocks} mock exams of {args.exam} questions, {sum(sum(t.exams) for t in learners)} exam answers), "
          f"wall {wall:.1f} s")
    print(f"answer -> next card: p50 {percentile(cycles, .5) * 1000:.0f} ms, p99 {percentile(cycles, .99) * 1000:.0f} ms"
          f" ({len(cycles)} cycles of 4 requests)")
    print(f"every request: p50 {percentile(requests, .5) * 1000:.0f} ms, p99 {percentile(requests, .99) * 1000:.0f} ms, "
          f"{len(requests)} requests, {len(requests) / wall:.0f}/s; answers {acked / wall:.1f}/s")
    kinds: dict[str, int] = {}
    for e in errors:
        kind = re.sub(r"/exam/[\w-]+", "/exam/ID", e)
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"errors {len(errors)}" + (f": {dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:8])}" if errors else ""))
    handled = r"ConnectError|RemoteProtocolError|ReadError|ConnectTimeout|503 503: the database is unavailable; try again in a moment"
    if args.faults:  # a learner moved to another worker whose next card differs: refused, reloaded, nothing lost
        handled += "|409 409: (that card is no longer on screen: reload the review page|no review session: open the review page first)"
    bad = [e for e in errors if not re.search(f": ({handled})$", e)]
    log.seek(0)
    said = [line.rstrip() for line in log if line.strip()]
    tracebacks = sum(1 for line in said if line.startswith("Traceback"))
    if faults is not None:
        print("faults: " + "; ".join(faults.events))
        print(f"the server's log: {len(said)} lines, {tracebacks} tracebacks, the last: {said[-2:]}")
    print(f"failures other than a dropped connection, a one-line 503 or (faults) a 409 refusal: {len(bad)}" + (f" {bad[:3]}" if bad else ""))
    print(f"review log vs acknowledged: lost {lost}, saved but never acknowledged {unacked}; "
          f"attempts not as acknowledged: {exams_wrong}, attempts' answers not as acknowledged: {answers_wrong}")
    if lost or exams_wrong or answers_wrong or bad or tracebacks or (not args.faults and (errors or unacked)):
        sys.exit(1)


if __name__ == "__main__":
    main()
