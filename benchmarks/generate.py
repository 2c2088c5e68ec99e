"""Large collections for the benchmarks: a deck of N multiple-choice cards and a simulated
learner's review history, written straight through the store.

    python benchmarks/generate.py OUT.db [--cards 100000] [--reviews 1000000] [--toml OUT.toml]

The learner studies every card for about a year: each answer is drawn from FSRS's own
predicted recall under "true" parameters that differ from the defaults (so the optimizer
has something to find), and scheduled with fsrs at default settings.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fsrs import Card as FsrsCard  # noqa: E402
from fsrs import Rating, Scheduler, State  # noqa: E402
from fsrs.scheduler import DEFAULT_PARAMETERS  # noqa: E402

from srs.deckfile import CardSpec, DeckSpec, ExamSettings  # noqa: E402
from srs.importer import import_decks  # noqa: E402
from srs.model import MemoryState  # noqa: E402
from srs.store import open_store  # noqa: E402
from tests.store_helpers import bulk_load

#: the learner's history ends now (Anki's engine reads the real clock, so srs does too)
NOW = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
START = NOW - timedelta(days=365)
LEARNER = "bench"
#: the simulated learner's memory: forgets faster than the default parameters say
TRUE_PARAMETERS = tuple(p * f for p, f in zip(DEFAULT_PARAMETERS, [0.5, 0.5, 0.5, 0.5] + [1.0] * 17, strict=True))
_STATE = {State.Learning: 1, State.Review: 2, State.Relearning: 3}


def deck_spec(cards: int, deck_id: str = "bench") -> DeckSpec:
    tags = ["alpha", "beta", "gamma", "delta", "epsilon"]
    specs = tuple(
        CardSpec(f"c{i:06d}", f"Question number {i}: which choice is right?", "ABCD"[i % 4],
                 (f"first {i}", f"second {i}", f"third {i}", f"fourth {i}"), f"Because {i}.", f"Not quite {i}.",
                 (tags[i % 5],))
        for i in range(cards)
    )
    return DeckSpec(deck_id, "Benchmark deck", "", ExamSettings(20, 30, 0.7), specs, f"{deck_id}.toml")


def write_toml(spec: DeckSpec, path: Path) -> None:
    with path.open("w") as f:
        f.write(f'[deck]\nid = "{spec.id}"\nname = "{spec.name}"\n\n[deck.exam]\nquestions = 20\n\n')
        for c in spec.cards:
            choices = ", ".join(f'"{x}"' for x in c.choices or ())
            f.write(f'[[card]]\nid = "{c.id}"\nquestion = "{c.question}"\nchoices = [{choices}]\n'
                    f'answer = "{c.answer}"\nexplanation = "{c.explanation}"\ntags = ["{c.tags[0]}"]\n\n')


def simulate(keys: list[int], reviews: int, seed: int):
    """Yield (states, review rows) for the store's bulk_load."""
    rng = random.Random(seed)
    truth = Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False)
    scheduler = Scheduler(enable_fuzzing=False)
    per_card = max(1, reviews // len(keys))
    states, rows = [], []
    span = (NOW - START).total_seconds()
    for key in keys:
        card = FsrsCard(card_id=key, state=State.Learning, step=0, due=START)
        real = FsrsCard(card_id=key, state=State.Learning, step=0, due=START)
        when = START + timedelta(seconds=rng.uniform(0, span * 0.3))
        memory, before = MemoryState(), None
        for _ in range(per_card):
            if when >= NOW:
                break
            recall = truth.get_card_retrievability(real, when) if real.last_review else 0.0
            rating = Rating.Again if rng.random() > recall else (Rating.Good if rng.random() < 0.85 else Rating.Easy)
            real, _ = truth.review_card(real, rating, when)
            card, _ = scheduler.review_card(card, rating, when)
            lapse = rating == Rating.Again and memory.state == 2
            after = MemoryState(_STATE[card.state], card.step, card.stability, card.difficulty, card.due,
                                card.last_review, memory.reps + 1, memory.lapses + int(lapse))
            rows.append((key, int(rating), when, rng.randint(2000, 15000), before, after))
            memory = before = after
            when = max(card.due, when + timedelta(minutes=1))
        if memory.reps:
            states.append((key, memory))
    return states, rows


def generate(db: str, cards: int, reviews: int, seed: int = 1) -> dict[str, float]:
    timings = {}
    store, _ = open_store(db, LEARNER)
    t = time.perf_counter()
    import_decks(store, [deck_spec(cards)], START)
    timings["import"] = time.perf_counter() - t
    keys = [c.key for c in store.cards("bench")]
    t = time.perf_counter()
    states, rows = simulate(keys, reviews, seed)
    timings["simulate"] = time.perf_counter() - t
    t = time.perf_counter()
    bulk_load(store, states, rows)
    timings["write"] = time.perf_counter() - t
    timings["reviews"] = len(rows)
    store.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--toml", help="also write the deck as a TOML file here")
    args = parser.parse_args()
    if args.toml:
        write_toml(deck_spec(args.cards), Path(args.toml))
    print(generate(args.db, args.cards, args.reviews))


if __name__ == "__main__":
    main()
