"""`srs serve`'s server time: from an answer to the next card, and the first page after start.

    python benchmarks/web.py [--cards 2000 16000] [--answers 200]

For each deck size (n and 8n by default, in one process, so the machine's load affects both
alike): a deck of multiple-choice cards, every card a review due now; the app in-process
(Starlette's TestClient, no network); then, ``--answers`` times, the learner's three requests
for one card, timed on the server's side of the socket:
  answer   POST /review/choose (the answer written to the store) + GET /review (the verdict page)
  next     POST /review/next + GET /review (the next card's page)
and prints the medians. Then `srs serve` as a process: the time from starting it to the first
page served (GET / answered with 200), median of three starts, on the larger deck or, with
``--db``, on an existing database (learner "bench": benchmarks/run.py's collection).
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import deck_spec  # noqa: E402

from srs.importer import import_decks  # noqa: E402
from srs.model import REVIEW, MemoryState  # noqa: E402
from srs.store import open_store  # noqa: E402
from tests.store_helpers import bulk_load

LEARNER = "bench"


def build(db: str, cards: int, now: datetime) -> None:
    store, _ = open_store(db, LEARNER)
    import_decks(store, [deck_spec(cards)], now - timedelta(days=60))
    states = [(c.key, MemoryState(REVIEW, None, 12.0, 5.0, now - timedelta(minutes=1 + i % 600),
                                  now - timedelta(days=12), 3, 0)) for i, c in enumerate(store.cards("bench"))]
    bulk_load(store, states, [])
    store.close()


def answers(db: str, count: int) -> tuple[list[float], list[float]]:
    from starlette.testclient import TestClient

    from srs.web.app import create_app
    from srs.web.security import Guard

    app = create_app(lambda: open_store(db, LEARNER)[0], Guard("127.0.0.1", 8765), fuzz=False)
    answer, following = [], []
    with TestClient(app, base_url="http://127.0.0.1:8765") as client:
        page = client.get("/review?deck=bench").text
        csrf = client.cookies["srs_csrf"]
        for _ in range(count):
            key = re.search(r'name="card" value="(\d+)"', page).group(1)
            t0 = time.perf_counter()
            client.post("/review/choose", data={"csrf": csrf, "card": key, "choice": "A"}, follow_redirects=False)
            verdict = client.get("/review?deck=bench")
            t1 = time.perf_counter()
            assert "Right" in verdict.text or "Wrong" in verdict.text
            client.post("/review/next", data={"csrf": csrf, "card": key}, follow_redirects=False)
            page = client.get("/review?deck=bench").text
            t2 = time.perf_counter()
            answer.append(t1 - t0)
            following.append(t2 - t1)
    return answer, following


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) process ``pid`` has used so far (Linux: /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_page(db: str) -> tuple[float, float, float]:
    """(seconds from starting `srs serve` to listening plus its first request, seconds of that
    first request, the server's CPU seconds for it: on a busy machine the steadier measure)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=db, SRS_LEARNER=LEARNER)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "srs", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:  # until it listens (a connection refused costs the server nothing)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("srs serve exited") from None
                time.sleep(0.01)
        listening = time.perf_counter()
        time.sleep(0.2)  # its start-up done: the CPU counted below is the request's (not in the times)
        cpu = cpu_seconds(proc.pid)
        asked = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
            assert r.status == 200
            done = time.perf_counter()
        return listening - started + done - asked, done - asked, cpu_seconds(proc.pid) - cpu
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, nargs="+", default=[2000, 16000])
    parser.add_argument("--answers", type=int, default=200)
    parser.add_argument("--db", help="measure the first page on this database instead (learner 'bench')")
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory() as work:
        for cards in args.cards:
            db = str(Path(work) / f"web-{cards}.db")
            build(db, cards, now)
            answer, following = answers(db, args.answers)
            ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
            print(f"{cards:>7} cards: answer {ms(answer):6.1f} ms  next card {ms(following):6.1f} ms  "
                  f"(medians of {args.answers}; p90 {sorted(answer + following)[int(0.9 * 2 * args.answers)] * 1000:.1f} ms)")
        if args.db:
            db = args.db
        runs = [first_page(db) for _ in range(3)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
        env.update(SRS_DB=db, SRS_LEARNER=LEARNER)
        floor = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "srs", "decks"], env=env, stdout=subprocess.DEVNULL, check=True)
            floor.append(time.perf_counter() - t)
        med = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        print(f"`srs serve` ({args.db or f'{args.cards[-1]} cards'}): start to first page {med([r[0] for r in runs]):.0f} ms, "
              f"the first request itself {med([r[1] for r in runs]):.0f} ms, the server's CPU for it "
              f"{med([r[2] for r in runs]):.0f} ms (medians of 3 starts); "
              f"`srs decks` as a whole process {med(floor):.0f} ms in the same run")


if __name__ == "__main__":
    main()
