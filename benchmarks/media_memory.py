"""Peak memory of `srs import` as a package's media grow in number and in size.

    python benchmarks/media_memory.py [--work /tmp/srs-media] [--checkout DIR]

For each (N, S) below, a package Anki writes (the current format: zstd media, protobuf map;
built with the `anki` package as tests/hostile.py does) holds N media files of S random
(incompressible) bytes, all shown by one note; a fresh process imports it into a fresh
database and its peak resident memory (VmHWM, benchmarks/peak.py) is printed. ``--checkout``
runs the srs of another checkout (its folder on PYTHONPATH) on the same packages, to compare.
Memory, not time: the numbers hold on a loaded machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import PY, run_process  # noqa: E402

KIB, MIB = 1024, 1024**2
#: (number of media files, bytes each)
GRID = [(1, 64 * KIB), (10, 64 * KIB), (100, 64 * KIB), (1000, 64 * KIB),
        (10, 1 * MIB), (10, 8 * MIB), (10, 32 * MIB), (100, 1 * MIB)]


def build(work: Path, n: int, size: int) -> Path:
    from tests.hostile import genuine, with_media

    source = work / f"source-{n}"
    if not (source / "genuine.apkg").exists():
        genuine(source, media=n)
    rng = random.Random(n * 7919 + size)
    return with_media(source / "genuine.apkg", work / f"media-{n}x{size}.apkg", lambda i: rng.randbytes(size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/srs-media-bench"))
    parser.add_argument("--checkout", type=Path, help="another srs checkout to run on the same packages")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    sides = [("this", str(HERE.parent))] + ([("other", str(args.checkout.resolve()))] if args.checkout else [])
    print(f"{'N':>5} {'S':>9} {'package MiB':>12} " + " ".join(f"{name + ' peak MiB':>15}" for name, _ in sides))
    for n, size in GRID:
        package = build(args.work, n, size)
        peaks = []
        for _, root in sides:
            db = args.work / "bench.db"
            db.unlink(missing_ok=True)
            env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
            env.update(SRS_DB=str(db), SRS_LEARNER="bench", SRS_NOW="2026-11-02T09:00:00+00:00", PYTHONPATH=root)
            _, peak, _ = run_process([PY, "-m", "srs", "import", str(package)], env)
            peaks.append(peak)
        size_text = f"{size // MIB} MiB" if size >= MIB else f"{size // KIB} KiB"
        print(f"{n:>5} {size_text:>9} {package.stat().st_size / MIB:>12.1f} "
              + " ".join(f"{p:>15.0f}" for p in peaks), flush=True)
        package.unlink()
    shutil.rmtree(args.work / "bench.db", ignore_errors=True)


if __name__ == "__main__":
    main()
