"""Draw README's pictures from real sessions: the bundled deck, a fresh database, real code.

    python docs/screenshots.py        # writes docs/review.svg, docs/exam.svg, docs/readiness.svg
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from rich.console import Console

from srs import attempts
from srs.importer import load_bundled
from srs.forecast import assess, outcomes
from srs.review import ReviewSession, showing
from srs.scheduler import make_scheduler
from srs.settings import Settings
from srs.store import open_store
from srs.ui.exam_report import render_report
from srs.ui.keys import KeyReader
from srs.ui.progress_views import render_readiness
from srs.ui.review_screen import ReviewScreen

HERE = Path(__file__).parent
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)


def keys(text: str) -> KeyReader:
    read, write = os.pipe()
    os.write(write, text.encode())
    os.close(write)
    return KeyReader(fd=read, tty_mode=False)


def console(width: int = 92) -> Console:
    return Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store, _ = open_store(str(Path(tmp) / "demo.db"), "demo")
        load_bundled(store, NOW)
        deck = next(d for d in store.decks() if d.exam_enabled)
        first = store.mc_cards(deck.id)[0]
        out = console()
        session = ReviewSession(store, Settings(), deck.id, None, limit=1, fuzz=False)
        ReviewScreen(session, keys(f"{showing(first).shown_letter(first.answer)}\n3\n"), out, lambda: NOW).run()
        out.save_svg(str(HERE / "review.svg"), title="srs review")

        out = console()
        settings = Settings()
        seconds = [0.0]
        sitting = attempts.take(store, settings, deck.id, NOW, seed=7, clock=lambda: seconds[0])
        for i, q in enumerate(sitting.run.questions):  # a learner who knows 15 of the 20
            sitting.run.current()
            right = q.shown_letter(q.card.answer)
            wrong = next(letter for letter in q.valid if letter != right)
            sitting.run.answer(right if i % 4 else wrong, confidence=4 if i % 8 == 0 else 3)
        seconds[0] = 17 * 60 + 42
        rep, attempt_id = attempts.hand_in(store, sitting, True, make_scheduler(settings, fuzz=False))
        render_report(out, rep, deck.name, attempt_id)
        out.save_svg(str(HERE / "exam.svg"), title="srs exam — the report")
        later, exam_day = datetime(2026, 11, 24, 18, 0, tzinfo=timezone.utc), datetime(2026, 12, 4, 12, 0, tzinfo=timezone.utc)
        out = console(100)  # the report's one screen: 100 × 35
        render_readiness(out, assess(store, settings, deck.id, exam_day, later), outcomes(store, deck.id))
        out.save_svg(str(HERE / "readiness.svg"), title="srs readiness --on 2026-12-04")
        store.close()


if __name__ == "__main__":
    main()
