"""Side-by-side benchmark of srs and Anki's engine on equal collections.

    python benchmarks/run.py [--cards 100000] [--reviews 1000000] [--work /tmp/srs-bench] [--only e]

Generates the collections once (srs: benchmarks/generate.py, Anki: benchmarks/anki_side.py),
then measures, in the same run: whole-process times, answering cards, stats, export and
import, optimizing, with the floors beside them; prints one table of medians and ratios.
``--only`` picks rows by letter: ``--only e`` measures the deck-file import alone, which needs
only the TOML file, not the two collections.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

PY = sys.executable
LEARNER = "bench"


#: CPU seconds (user + system, all threads) of the last process run_process waited for
LAST_CPU = [0.0]


def run_process(args: list[str], env: dict[str, str], stdin: str | None = None,
                out: Path | None = None) -> tuple[float, float, int]:
    """(seconds, peak resident MiB, exit code) of one whole process; its CPU time in LAST_CPU;
    its output goes to ``out`` when given, else nowhere."""
    peak_file = Path(tempfile.mkstemp(prefix="peak")[1])
    env = dict(env, BENCH_PEAK_FILE=str(peak_file))
    if args[:2] == [PY, "-m"] or args[:2] == [PY, "-c"]:
        args = [PY, str(HERE / "peak.py"), *args[1:]]
    started = time.perf_counter()
    sink = out.open("wb") if out is not None else subprocess.DEVNULL
    proc = subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=sink, stderr=subprocess.PIPE)
    if stdin is not None:
        proc.stdin.write(stdin.encode())
    proc.stdin.close()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    if out is not None:
        sink.close()
    text = peak_file.read_text().strip()
    peak_file.unlink()
    peak = int(text) / 1024 if text else 0.0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(args)} exited {code}: {err[-500:]}")
    return elapsed, peak, code


def import_costs(command: list[str], env: dict[str, str], stdin: str | None = None) -> list[tuple[str, float]]:
    """What ``python -X importtime -m srs <command>`` imports, as seconds of import work
    (each module's own time) per top-level package, largest first."""
    proc = subprocess.run([PY, "-X", "importtime", "-m", "srs", *command], env=env, input=(stdin or "").encode(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    totals: dict[str, float] = {}
    for line in proc.stderr.decode().splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        own, _, name = line[len("import time:"):].split("|", 2)
        if not own.strip().isdigit():
            continue  # the header line
        top = name.strip().split(".")[0]
        totals[top] = totals.get(top, 0.0) + int(own) / 1e6
    return sorted(totals.items(), key=lambda kv: -kv[1])


def imports_line(label: str, costs: list[tuple[str, float]], shown: int = 6) -> str:
    total = sum(t for _, t in costs)
    named = ", ".join(f"{name} {t:.3f}" for name, t in costs[:shown])
    return f"{label}: {total:.3f} s of imports ({named}, {len(costs) - shown} more packages)"


def flush_to_disk(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


#: the median CPU seconds (user + system) of the runs of the last median_process
LAST_MEDIAN_CPU = [0.0]


def median_process(args, env, stdin=None, repeat=5, out=None) -> tuple[float, float]:
    runs, cpu = [], []
    for _ in range(repeat):
        runs.append(run_process(args, env, stdin, out))
        cpu.append(LAST_CPU[0])
    LAST_MEDIAN_CPU[0] = statistics.median(cpu)
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def median_fresh(args, env, database: Path, repeat: int, name: str, stdin: str | None = None) -> tuple[float, float]:
    """Like ``median_process``, each run into a new, empty ``database`` (an import, not a re-sync).
    Prints the median CPU time too: on a busy machine it moves less than the wall time."""
    runs, cpu = [], []
    for _ in range(max(1, min(repeat, 3))):
        for leftover in database.parent.glob(database.name + "*"):
            leftover.unlink()
        runs.append(run_process(args, env, stdin))
        cpu.append(LAST_CPU[0])
    print(f"    {name}: wall {[round(r[0], 2) for r in runs]} s, "
          f"cpu {[round(c, 2) for c in cpu]} s (median {statistics.median(cpu):.2f})", flush=True)
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def real_text_files(work: Path, cards: int) -> tuple[Path, Path]:
    """A deck file of ``cards`` cards of real text, the bundled deck's cards repeated under new
    ids, and the same cards as Anki's CSV (front: question and choices; back: the answer, its
    explanation and feedback; tags), made once in ``work``."""
    import csv

    from srs.deckfile import CardSpec, DeckSpec, dump_toml, read_deck

    toml_path, csv_path = work / f"real-{cards}.toml", work / f"real-{cards}.csv"
    if toml_path.exists() and csv_path.exists():
        return toml_path, csv_path
    base = read_deck(HERE.parent / "decks" / "deep-learning-final.toml")
    specs = [CardSpec(f"{c.id}-{i // len(base.cards)}", c.question, c.answer, c.choices, c.explanation,
                      c.wrong_feedback, c.tags) for i, c in zip(range(cards), itertools.cycle(base.cards))]
    toml_path.write_text(dump_toml(DeckSpec("real", "Real text", "", base.exam, tuple(specs), toml_path.name)))
    with csv_path.open("w", newline="") as f:
        f.write("#separator:Comma\n#columns:Front,Back,Tags\n")
        writer = csv.writer(f)
        for c in specs:
            front = c.question + "".join(f"<br>{letter}) {choice}" for letter, choice in zip("ABCDEF", c.choices or (), strict=False))
            writer.writerow([front, f"{c.answer}<br>{c.explanation}<br>{c.wrong_feedback}", " ".join(c.tags)])
    return toml_path, csv_path


def anki_script(code: str) -> list[str]:
    return [PY, "-c", "import sys\nfrom anki.collection import Collection\n" + code]


def bare_commit_ms(folder: Path, synchronous: str = "NORMAL") -> float:
    path = folder / "floor.db"
    for leftover in folder.glob("floor.db*"):
        leftover.unlink()
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(f"PRAGMA synchronous={synchronous}")
    connection.execute("CREATE TABLE t (x INTEGER)")
    times = []
    for i in range(1000):
        t = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t VALUES (?)", (i,))
        connection.execute("COMMIT")
        times.append(time.perf_counter() - t)
    connection.close()
    return statistics.median(times) * 1000


def srs_store(db: str, synchronous: str = "NORMAL"):
    """The benchmark learner's store, its SQLite connections at ``synchronous`` (srs's own is
    NORMAL; Anki's engine runs FULL)."""
    from sqlalchemy import event

    from srs.store import open_store

    store, _ = open_store(db, LEARNER)
    event.listen(store.engine, "connect", lambda dbapi, _record: dbapi.execute(f"PRAGMA synchronous = {synchronous}"))
    store.engine.dispose()  # new connections get it
    return store


def srs_answers(db: str, n: int = 1000, synchronous: str = "NORMAL") -> tuple[float, float]:
    from datetime import datetime, timezone

    from srs.review import ReviewSession
    from srs.settings import Settings

    store = srs_store(db, synchronous)
    session = ReviewSession(store, Settings(new_per_day=n, reviews_per_day=n * 2), fuzz=True)
    now = datetime.now(timezone.utc)
    card = session.next(now)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        session.answer(card, 3, now)
        card = session.next(now)
        times.append(time.perf_counter() - t)
        if card is None:
            break
    store.close()
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000


def srs_screen_answers(db: str, n: int = 1000, synchronous: str = "NORMAL") -> tuple[float, float, float, float]:
    """The review screen as the CLI runs it, keys scripted (the first choice, then Good):
    median ms from a card's answer key to the next card drawn, the median ms of drawing a
    card with Rich alone (to a terminal-like console on /dev/null), the p99 of the first, and
    the median CPU ms of the first (this thread's: on a busy machine the steadier measure)."""
    import os as _os
    from datetime import datetime, timezone

    from rich.console import Console

    from srs.review import ReviewSession
    from srs.settings import Settings
    from srs.ui.review_screen import ReviewScreen

    store = srs_store(db, synchronous)
    session = ReviewSession(store, Settings(new_per_day=n, reviews_per_day=n * 2), fuzz=True)
    now = datetime.now(timezone.utc)
    sink = open(_os.devnull, "w")  # noqa: SIM115 (closed after the timed loop)
    console = Console(file=sink, width=100, force_terminal=True, color_system="truecolor")
    cycles: list[float] = []
    cpu: list[float] = []
    draws: list[float] = []

    class Keys:
        is_tty = False

        def active(self):
            import contextlib

            return contextlib.nullcontext(self)

    class Scripted(ReviewScreen):
        answered_at: float | None = None
        answered_cpu = 0.0
        drawn = 0.0  # seconds the last flush took: the one before an answer prompt drew the card

        def read(self, prompt: str) -> str:
            if prompt.startswith("Answer") or prompt.startswith("Any key shows"):
                if self.answered_at is not None:
                    cycles.append(time.perf_counter() - self.answered_at)
                    cpu.append(time.thread_time() - self.answered_cpu)
                    draws.append(self.drawn)
                if len(cycles) >= n:
                    raise KeyboardInterrupt
                self.answered_at = time.perf_counter()
                self.answered_cpu = time.thread_time()
                return "A" if prompt.startswith("Answer") else " "
            return "3" if prompt.startswith("Rate") else " "

        def flush(self) -> None:
            t = time.perf_counter()
            super().flush()
            self.drawn = time.perf_counter() - t

    with store.checkpoints_held():  # as `srs review` runs its screen
        Scripted(session, Keys(), console, lambda: now).run()
    store.close()
    sink.close()
    cycles.sort()
    return (statistics.median(cycles) * 1000, statistics.median(draws) * 1000,
            cycles[int(len(cycles) * 0.99) - 1] * 1000, statistics.median(cpu) * 1000)


def anki_answers(path: str, n: int = 1000, synchronous: str = "FULL") -> tuple[float, float]:
    from anki.collection import Collection
    from anki.scheduler_pb2 import CardAnswer

    col = Collection(path)
    col.db.execute(f"pragma synchronous = {synchronous}")  # Anki's own: WAL, FULL
    conf = col.decks.config_dict_for_deck_id(col.decks.selected())
    conf["new"]["perDay"], conf["rev"]["perDay"] = n, n * 2
    col.decks.update_config(conf)
    times = []
    queued = col.sched.get_queued_cards(fetch_limit=1)
    for _ in range(n):
        t = time.perf_counter()
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        answer = col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.GOOD)
        col.sched.answer_card(answer)
        queued = col.sched.get_queued_cards(fetch_limit=1)
        card = col.get_card(queued.cards[0].card.id)
        card.question()  # show it
        times.append(time.perf_counter() - t)
        if not queued.cards:
            break
    col.close()
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "srs-bench"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="abcdef", metavar="LETTERS",
                        help="measure only these rows (e.g. 'e': the deck-file import)")
    args = parser.parse_args()
    only = set(args.only)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    tag = f"{args.cards}-{args.reviews}"
    srs_db, anki_db, deck_toml = work / f"srs-{tag}.db", work / f"anki-{tag}.anki2", work / f"deck-{tag}.toml"
    needs_collections = bool(only & set("abcdf"))
    if needs_collections and not srs_db.exists():
        import generate

        print("generating srs collection:", generate.generate(str(srs_db), args.cards, args.reviews), flush=True)
        generate.write_toml(generate.deck_spec(args.cards), deck_toml)
    if not deck_toml.exists():
        import generate

        generate.write_toml(generate.deck_spec(args.cards), deck_toml)
    if needs_collections and not anki_db.exists():
        import anki_side

        print("building Anki collection:", anki_side.build(str(anki_db), str(srs_db), LEARNER), flush=True)

    # srs measured as installed: pip writes each module's byte-code at install time (an editable
    # checkout under PYTHONDONTWRITEBYTECODE would compile every module on every start)
    import compileall

    compileall.compile_dir(str(HERE.parent / "srs"), quiet=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=str(srs_db), SRS_LEARNER=LEARNER)
    srs = [PY, "-m", "srs"]
    rows: list[tuple] = []

    def row(name, ours, theirs, unit="s", floor=None, mem=(None, None), target=""):
        rows.append((name, ours, theirs, unit, floor, mem, target))
        print(f"  {name}: srs {ours} anki {theirs}", flush=True)

    python_floor, _ = median_process([PY, "-c", "pass"], env, repeat=args.repeat)
    python_cpu = LAST_MEDIAN_CPU[0]
    notes: list[str] = []  # printed under the table

    copy, anki_copy = work / "review.db", work / "review.anki2"
    if needs_collections:
        shutil.copy(srs_db, copy)
        shutil.copy(anki_db, anki_copy)
    if "a" in only:
        cpu_line = [f"python -c pass {python_cpu:.3f}"]  # on a busy machine these move less than wall times
        t, m = median_process(srs + ["decks"], env, repeat=args.repeat)
        cpu_line.append(f"srs decks {LAST_MEDIAN_CPU[0]:.3f}")
        at, am = median_process(anki_script(
            f"col = Collection({str(anki_db)!r}); col.sched.deck_due_tree(); col.close()"), env, repeat=args.repeat)
        cpu_line.append(f"anki deck list {LAST_MEDIAN_CPU[0]:.3f}")
        row("(a) srs decks  /  deck list", t, at, floor=python_floor, mem=(m, am), target="≤ 0.8× anki")

        review_env = dict(env, SRS_DB=str(copy))
        t, m = median_process(srs + ["review"], review_env, stdin="q\n", repeat=args.repeat)
        cpu_line.append(f"srs review {LAST_MEDIAN_CPU[0]:.3f}")
        at, am = median_process(anki_script(
            f"col = Collection({str(anki_copy)!r}); q = col.sched.get_queued_cards(fetch_limit=1); "
            "col.get_card(q.cards[0].card.id).question(); col.close()"), env, repeat=args.repeat)
        cpu_line.append(f"anki first card {LAST_MEDIAN_CPU[0]:.3f}")
        row("(a) srs review to the first card", t, at, floor=python_floor, mem=(m, am), target="≤ 0.8× anki")

        # a newcomer's first command: the database made, the bundled deck loaded, its first card shown
        first = work / "first-run.db"
        t, m = median_fresh(srs + ["review"], dict(env, SRS_DB=str(first)), first, args.repeat, "srs first run",
                            stdin="q\n")
        row("(a) srs review on a new database (first run)", t, None, floor=python_floor, mem=(m, None))

        # what importing the libraries alone costs: srs's SQLAlchemy (Core: no ORM), Typer and
        # Rich against Anki's Python package (its Rust engine loaded)
        t, m = median_process([PY, "-c", "import sqlalchemy, typer, rich.console, rich.table"], env,
                              repeat=args.repeat)
        at, am = median_process(anki_script("pass"), env, repeat=args.repeat)
        row("(a) of which importing the libraries", t, at, floor=python_floor, mem=(m, am))
        for flag in ("--version", "--help"):  # no database opened: against python itself
            t, m = median_process(srs + [flag], env, repeat=args.repeat)
            cpu_line.append(f"srs {flag} {LAST_MEDIAN_CPU[0]:.3f}")
            row(f"(a) srs {flag}", t, None, floor=python_floor, mem=(m, None),
                target=f"≤ {2 * python_floor + 0.05:.3f} s (2× python + 50 ms)")
        notes.append("(a) CPU seconds (user + system), medians: " + ", ".join(cpu_line))
        notes.append(imports_line("(a) python -X importtime -m srs decks", import_costs(["decks"], env)))
        notes.append(imports_line("(a) python -X importtime -m srs review", import_costs(["review"], review_env, "q\n")))

    floors: dict[str, float] = {}
    if "b" in only:
        for sync in ("NORMAL", "FULL"):  # equal durability: WAL with synchronous NORMAL, then FULL
            commit_floor = floors[sync] = bare_commit_ms(work, sync)
            ours = srs_answers(str(copy), synchronous=sync)
            theirs = anki_answers(str(anki_copy), synchronous=sync)
            row(f"(b) answer + show next, median, {sync}", ours[0], theirs[0], "ms", commit_floor, target="≤ anki")
            row(f"(b) answer + show next, p99, {sync}", ours[1], theirs[1], "ms", commit_floor)
        cli = srs_screen_answers(str(copy))
        row("(b) CLI answer to next card drawn, median", cli[0], None, "ms", target="≤ 3 ms")
        row("(b) CLI answer to next card drawn, p99", cli[2], None, "ms", target="≤ 10 ms")
        row("(b) the same, median CPU", cli[3], None, "ms")
        row("(b) of which drawing it (Rich), median", cli[1], None, "ms")

    if "c" in only:
        for command in (["stats"], ["readiness", "--deck", "bench"]):
            try:
                t, m = median_process(srs + command, env, repeat=args.repeat)
            except RuntimeError as exc:
                print("  skipped", command, exc, flush=True)
                continue
            row(f"(c) srs {' '.join(command)}", t, None, floor=python_floor, mem=(m, None),
                target="≤ 0.5 s" if command == ["stats"] else "≤ 2 s (≤ 1 s at 2,000 cards)")

    if "d" in only:
        apkg = work / "export.apkg"
        try:
            t, m = median_process(srs + ["export", str(apkg), "--deck", "bench", "--force"], env, repeat=1)
            anki_apkg = work / "anki-export.apkg"
            at, am = median_process(anki_script(
                "from anki.import_export_pb2 import ExportAnkiPackageOptions\nfrom anki.collection import DeckIdLimit\n"
                f"col = Collection({str(anki_db)!r})\n"
                f"col.export_anki_package(out_path={str(anki_apkg)!r}, options=ExportAnkiPackageOptions("
                "with_scheduling=False, with_media=False, legacy=True), limit=DeckIdLimit(col.decks.selected()))\n"
                "col.close()"), env, repeat=1)
            row("(d) .apkg export", t, at, mem=(m, am), target="≤ anki, flat memory")
            fresh_env = dict(env, SRS_DB=str(work / "apkg-import.db"))
            Path(fresh_env["SRS_DB"]).unlink(missing_ok=True)
            t, m = median_process(srs + ["import", str(apkg)], fresh_env, repeat=1)
            fresh_anki = work / "apkg-import.anki2"
            fresh_anki.unlink(missing_ok=True)
            at, am = median_process(anki_script(
                "from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest\n"
                f"col = Collection({str(fresh_anki)!r})\n"
                f"col.import_anki_package(ImportAnkiPackageRequest(package_path={str(anki_apkg)!r}, "
                "options=ImportAnkiPackageOptions()))\ncol.close()"), env, repeat=1)
            row("(d) .apkg import", t, at, mem=(m, am), target="≤ anki, flat memory")
        except RuntimeError as exc:
            print("  skipped (d):", exc, flush=True)

    if "e" in only:
        def deck_imports(toml: Path, csv_path: Path, name: str) -> tuple[float, float, float, float]:
            """srs importing ``toml`` and Anki's engine ``csv_path`` (the same cards), each into a
            new database: (srs seconds, srs peak MiB, Anki seconds, Anki peak MiB)."""
            fresh = work / f"toml-{name}.db"
            t, m = median_fresh(srs + ["import", str(toml)], dict(env, SRS_DB=str(fresh)), fresh, args.repeat,
                                f"srs import ({name})")
            fresh_anki = work / f"csv-{name}.anki2"
            at, am = median_fresh(anki_script(
                "from anki.import_export_pb2 import ImportCsvRequest\n"
                f"col = Collection({str(fresh_anki)!r})\n"
                f"meta = col.get_csv_metadata({str(csv_path)!r}, None)\n"
                f"col.import_csv(ImportCsvRequest(path={str(csv_path)!r}, metadata=meta))\ncol.close()"), env,
                fresh_anki, args.repeat, f"anki import_csv ({name})")
            return t, m, at, am

        csv_path = work / "deck.csv"
        with csv_path.open("w") as f:
            f.write("#separator:Comma\n#columns:Front,Back,Tags\n")
            for i in range(args.cards):
                f.write(f'"Question number {i}: which choice is right?",answer {i},tag{i % 5}\n')
        t, m, at, am = deck_imports(deck_toml, csv_path, "generated")
        row(f"(e) import a {args.cards:,}-card deck file", t, at, mem=(m, am), target="≤ anki (its CSV import)")
        # held out: the generated deck's text is short and alike; the bundled deck's twenty real
        # cards, repeated, have the length, punctuation and words of a real one (and its lint)
        t, m, at, am = deck_imports(*real_text_files(work, args.cards), "real-text")
        row("(e) the same, the bundled deck's real text repeated", t, at, mem=(m, am), target="(held out)")

    # both fit the generated log as it is (the review copy has had answers in (b)); srs keeps
    # what it fits, so it works on a copy; the item counts go beside the table
    items_note = ""
    if "f" in only:
        try:
            fit_copy, srs_out, anki_out = work / "optimize.db", work / "optimize-srs.json", work / "optimize-anki.txt"
            shutil.copy(srs_db, fit_copy)
            flush_to_disk(fit_copy)  # else the commit at its end waits for the whole copy to be written
            t, m = median_process(srs + ["optimize", "--json"], dict(env, SRS_DB=str(fit_copy)), repeat=1,
                                  out=srs_out)
            at, am = median_process(anki_script(
                f"col = Collection({str(anki_db)!r})\n"
                "r = col._backend.compute_fsrs_params(search='', current_params=[], ignore_revlogs_before_ms=0, "
                "num_of_relearning_steps=1, health_check=False)\ncol.close()\nprint(r.fsrs_items)"),
                env, repeat=1, out=anki_out)
            row(f"(f) optimize on {args.reviews:,} reviews", t, at, mem=(m, am), target="≤ 2× anki")
            fitted = json.loads(srs_out.read_text())
            items_note = (f"(f) FSRS items: srs {fitted['items']:,} ({fitted['train']:,} fitted, "
                          f"{fitted['held_out']:,} held out and scored); Anki {int(anki_out.read_text()):,} "
                          "(all fitted and scored)")
        except RuntimeError as exc:
            print("  skipped (f):", exc, flush=True)

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"srs vs Anki's engine: {args.cards:,} cards, ~{args.reviews:,} reviews (medians)")
    for col in ("measure", "srs", "anki", "srs/anki", "floor", "peak MiB srs / anki", "target"):
        table.add_column(col, justify="left" if col in ("measure", "target") else "right")
    for name, ours, theirs, unit, floor, mem, target in rows:
        fmt = (lambda v: f"{v:.3f} s") if unit == "s" else (lambda v: f"{v:.2f} ms")
        table.add_row(name, fmt(ours), fmt(theirs) if theirs else "–",
                      f"{ours / theirs:.2f}" if theirs else "–", fmt(floor) if floor else "–",
                      " / ".join(f"{x:.0f}" if x else "–" for x in mem) if any(mem) else "–", target)
    Console(width=140).print(table)
    print(f"floors: python -c pass {python_floor:.3f} s; one bare sqlite3 commit "
          + ", ".join(f"{v:.3f} ms ({k})" for k, v in floors.items()))
    if items_note:
        print(items_note)
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
