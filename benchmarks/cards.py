"""CPU and peak memory of `srs cards` on a big collection.

    python benchmarks/cards.py [--db /tmp/srs-cards-bench.db] [--cards 100000] [--reviews 0]
                               [--checkout DIR] [--runs 3]

The collection is made by benchmarks/generate.py (kept and reused when ``--db`` exists).
Each case is one fresh process, output to a file (a pipe's way: no terminal); CPU (user +
system) and peak resident memory (VmHWM, benchmarks/peak.py) are printed, the median CPU of
``--runs``. ``--checkout`` runs another srs checkout (its folder on PYTHONPATH) on the same
collection, side by side (one run each: a whole-table checkout can take a minute a case;
--limit cases are skipped there, its plain `srs cards` shows every card).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import LAST_CPU, LEARNER, PY, run_process  # noqa: E402

CASES = [("srs cards", ["cards"]), ("srs cards --limit 0", ["cards", "--limit", "0"]),
         ("srs cards --json", ["cards", "--json"])]


def measure(root: str, db: Path, command: list[str], runs: int) -> tuple[float, float, int]:
    """(median CPU seconds, peak MiB, output bytes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=str(db), SRS_LEARNER=LEARNER, SRS_NOW="2026-11-02T09:00:00+00:00", PYTHONPATH=root,
               COLUMNS="120")
    cpu, peaks, size = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        for _ in range(runs):
            _, peak, _ = run_process([PY, "-m", "srs", *command], env, out=out)
            cpu.append(LAST_CPU[0])
            peaks.append(peak)
            size = out.stat().st_size
    return statistics.median(cpu), max(peaks), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("/tmp/srs-cards-bench.db"))
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=0)
    parser.add_argument("--checkout", type=Path, help="another srs checkout to run side by side")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        from generate import generate

        generate(str(args.db), args.cards, args.reviews)
    sides = [("this", str(HERE.parent), args.runs)]
    if args.checkout:
        sides.append(("other", str(args.checkout.resolve()), 1))
    print(f"{'case':24} {'side':6} {'CPU s':>7} {'peak MiB':>9} {'output bytes':>13}")
    for label, command in CASES:
        for side, root, runs in sides:
            if side == "other" and "--limit" in command:
                continue  # a checkout before --limit: its `srs cards` is already every card
            cpu, peak, size = measure(root, args.db, command, runs)
            print(f"{label:24} {side:6} {cpu:7.2f} {peak:9.0f} {size:13d}", flush=True)


if __name__ == "__main__":
    main()
