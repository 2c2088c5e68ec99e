"""Is the readiness forecast honest? Learners whose memory does NOT follow FSRS study the
bundled deck with srs's own core (review sessions, mock exams, the store) for four weeks,
then sit the final; every forecast made before a mock or the final is scored against what
happened, beside three baselines.

    python -m benchmarks.honesty                 # 60 learners per family (a few minutes)
    python -m benchmarks.honesty --learners 10   # quicker, noisier

The simulated world (none of it is srs's model)
    Each learner knows a card or not. Knowledge from before the course comes with chance
    σ(ability − difficulty). A known card is recalled at time t with a forgetting curve of
    its own half-life h: exponential (2^(−t/h)) or a power law ((1 + t/(c·h))^−d, c making h
    the half-life). A successful recall makes h grow, more when recall was hard (the spacing
    effect); a failed one loses the trace. After a review the learner reads the answer and
    learns a card not recalled with their own chance; reading an exam report teaches less.
    A multiple-choice answer not recalled is a guess, after ruling out each wrong choice with
    the learner's own chance (partial knowledge: lucky guesses); a recalled one is still
    missed by a careless slip. Learners study daily, every other day, rarely, or only in the
    last two days (cramming), and take two to four mocks at random days.

Families: each stresses one part of that world (see FAMILIES).

Scores, per family: per-question log loss and Brier over every question of every mock and
final (forecast just before), pass-forecast Brier, and the expected calibration error of the
pass forecasts (10 bins). Baselines: (a) srs's former forecast, p = R + (1 − R)/k with FSRS's
R, questions independent; (b) the learner's past mock pass rate with a Laplace prior (and the
past share of right mock answers, Laplace, per question); (c) a binomial around the last mock
score (Laplace), 0.5 before any mock.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
DAYS = 28


# ---------------------------------------------------------------- the simulated learner
@dataclass
class Traits:
    forgetting: str        # "exp" or "power"
    power: float           # d of the power law
    ability: float
    half_life: float       # days, of a freshly learned card, before the card's difficulty
    growth: float          # spacing effect: h *= 1 + growth · (1 − P(recall)) on success
    learn: float           # chance of learning a card not recalled, reading a review's answer
    learn_exam: float      # the same from an exam report
    slip: float
    eliminate: float       # chance of ruling out each wrong choice when not recalling
    diligence: str         # "daily", "regular", "rare", "cram"


@dataclass
class Trace:
    known: bool = False
    h: float = 1.0
    last: float = 0.0       # days


@dataclass
class Learner:
    traits: Traits
    rng: random.Random
    difficulty: dict[int, float]
    memory: dict[int, Trace] = field(default_factory=dict)

    def recall_chance(self, key: int, day: float) -> float:
        m = self.memory[key]
        if not m.known:
            return 0.0
        t = max(0.0, day - m.last)
        if self.traits.forgetting == "exp":
            return 2.0 ** (-t / m.h)
        d = self.traits.power
        c = 1.0 / (2.0 ** (1.0 / d) - 1.0)
        return (1.0 + t / (c * m.h)) ** -d

    def fresh_half_life(self, key: int) -> float:
        return self.traits.half_life * math.exp(-0.5 * self.difficulty[key])

    def attempt(self, key: int, day: float) -> bool:
        """Try to recall; the trace grows on success and is lost on failure."""
        m = self.memory[key]
        p = self.recall_chance(key, day)
        recalled = self.rng.random() < p
        if recalled:
            m.h *= 1.0 + self.traits.growth * (1.0 - p)
            m.last = day
        else:
            m.known = False
        return recalled

    def answer(self, key: int, choices: int, answer: int, day: float) -> tuple[int, bool]:
        """(chosen index, recalled?) for a multiple-choice question."""
        recalled = self.attempt(key, day)
        if recalled and self.rng.random() >= self.traits.slip:
            return answer, True
        wrong = [i for i in range(choices) if i != answer]
        if recalled:  # a slip: a wrong choice
            return self.rng.choice(wrong), True
        left = [i for i in wrong if self.rng.random() >= self.traits.eliminate] or [self.rng.choice(wrong)]
        return self.rng.choice(left + [answer]), False

    def feedback(self, key: int, recalled: bool, day: float, chance: float) -> None:
        """The learner reads the right answer."""
        m = self.memory[key]
        if not recalled and self.rng.random() < chance:
            m.known, m.h, m.last = True, self.fresh_half_life(key), day

    def final(self, cards, day: float) -> list[bool]:
        """The final exam, from true memory (no feedback afterwards)."""
        out = []
        for card in cards:
            chosen, _ = self.answer(card.key, len(card.choices), "ABCDEF".index(card.answer), day)
            out.append(chosen == "ABCDEF".index(card.answer))
        return out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class Family:
    name: str
    what: str
    draw: Callable[[random.Random], Traits]


def _base(rng: random.Random, **over) -> Traits:
    values = dict(
        forgetting="exp", power=0.5, ability=rng.gauss(-1.0, 1.0), half_life=math.exp(rng.gauss(0.7, 0.6)),
        growth=rng.uniform(1.0, 3.0), learn=rng.uniform(0.3, 0.9), learn_exam=rng.uniform(0.0, 0.3),
        slip=rng.uniform(0.0, 0.06), eliminate=rng.uniform(0.0, 0.2),
        diligence=rng.choice(["daily", "regular", "rare", "cram"]))
    values.update({k: (v(rng) if callable(v) else v) for k, v in over.items()})
    return Traits(**values)


FAMILIES = [
    Family("exponential", "exponential forgetting with a spacing effect", lambda r: _base(r)),
    Family("power-law", "power-law forgetting (d 0.3–1.0)",
           lambda r: _base(r, forgetting="power", power=lambda q: q.uniform(0.3, 1.0))),
    Family("ability", "prior knowledge by ability − difficulty, abilities far apart",
           lambda r: _base(r, ability=lambda q: q.gauss(0.0, 2.0), diligence=lambda q: q.choice(["rare", "regular"]))),
    Family("lucky-guesses", "partial knowledge: wrong choices ruled out before guessing",
           lambda r: _base(r, eliminate=lambda q: q.uniform(0.3, 0.8))),
    Family("slips", "careless slips on known answers (5–20%)",
           lambda r: _base(r, slip=lambda q: q.uniform(0.05, 0.2))),
    Family("diligence", "from daily study to cramming the night before, slow and fast memories",
           lambda r: _base(r, diligence=lambda q: q.choice(["daily", "cram", "cram", "rare"]),
                           half_life=lambda q: math.exp(q.gauss(0.5, 1.0)))),
]


# ---------------------------------------------------------------- forecasts to score
@dataclass
class Scored:
    name: str
    questions: list[tuple[float, bool]] = field(default_factory=list)
    passes: list[tuple[float, bool]] = field(default_factory=list)
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (family, "mock"|"final", diligence)


def _binomial_tail(n: int, p: float, k: int) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def simulate_learner(engine, index: int, family: Family, seed: int, scored: dict[str, Scored]) -> None:
    """One learner's four weeks with srs's core, scoring every forecast on the way."""
    from srs import attempts
    from srs import exam as core
    from srs.forecast import assess
    from srs.model import needed
    from srs.readiness import exam_odds
    from srs.review import ReviewSession
    from srs.model import AGAIN, EASY, GOOD, HARD, LETTERS
    from srs.scheduler import make_scheduler, retrievability
    from srs.settings import Settings
    from srs.store import Store

    rng = random.Random(f"{seed}:{family.name}:{index}")
    store = Store(engine, f"{family.name}-{index}")
    traits = family.draw(rng)
    deck_id = "dl-final"
    deck = store.deck(deck_id)
    pool = store.mc_cards(deck_id)
    cards = {c.key: c for c in pool}
    difficulty = {c.key: random.Random(f"{seed}:item:{c.card_id}").gauss(0.0, 1.0) for c in pool}
    learner = Learner(traits, rng, difficulty)
    for c in pool:
        known = rng.random() < _sigmoid(traits.ability - difficulty[c.key])
        learner.memory[c.key] = Trace(known, 30.0 * learner.fresh_half_life(c.key) / traits.half_life * 2, 0.0)
    settings = Settings()
    scheduler = make_scheduler(settings, fuzz=False)
    n, mark = deck.exam_questions or len(pool), deck.exam_pass_mark
    k = needed(mark, n)

    if traits.diligence == "cram":
        study = {DAYS - 2, DAYS - 1}
        mocks = sorted({DAYS - 2, DAYS - 1} | ({rng.randrange(DAYS - 2)} if rng.random() < 0.5 else set()))
    else:
        chance = {"daily": 0.9, "regular": 0.45, "rare": 0.15}[traits.diligence]
        study = {d for d in range(DAYS) if rng.random() < chance}
        mocks = sorted(rng.sample(range(DAYS), rng.randint(2, 4)))
    history: list[tuple[int, int, bool]] = []  # (right, questions, passed) of past mocks
    right_answers = [0, 0]

    def forecast_and_score(at: datetime, outcomes: list[bool], keys: list[int], stage: str = "mock"):
        passed = sum(outcomes) >= k
        scored["srs"].labels.append((family.name, stage, traits.diligence))
        f = assess(store, settings, deck_id, at, at, value=False)
        by_key = {q.key: q.p for q in f.cards}
        scored["srs"].passes.append((f.pass_probability, passed))
        scored["srs"].questions.extend((by_key[key], y) for key, y in zip(keys, outcomes))
        # (a) FSRS recall, independent questions
        ps = []
        for key in keys:
            r = retrievability(scheduler, store.card(key).memory, at)
            ps.append(1 / len(cards[key].choices) if r is None else r + (1 - r) / len(cards[key].choices))
        scored["fsrs-recall"].passes.append((exam_odds(ps, n, mark, sensitivities=False).pass_probability, passed))
        scored["fsrs-recall"].questions.extend(zip(ps, outcomes))
        # (b) past pass rate, Laplace
        passes = sum(p for *_, p in history)
        scored["pass-rate"].passes.append(((passes + 1) / (len(history) + 2), passed))
        share = (right_answers[0] + 1) / (right_answers[1] + 2)
        scored["pass-rate"].questions.extend((share, y) for y in outcomes)
        # (c) binomial around the last mock
        p_last = 0.5 if not history else (history[-1][0] + 1) / (history[-1][1] + 2)
        scored["last-mock"].passes.append((_binomial_tail(n, p_last, k), passed))
        scored["last-mock"].questions.extend((p_last, y) for y in outcomes)
        return f

    for day in range(DAYS + 1):
        if day == DAYS:  # the final
            at = T0 + timedelta(days=day, hours=2)
            order = sorted(pool, key=lambda c: c.position)[:n]
            outcomes = learner.final(order, (at - T0).total_seconds() / 86400)
            forecast_and_score(at, outcomes, [c.key for c in order], "final")
            break
        if day in mocks:
            at = T0 + timedelta(days=day, hours=4)
            drawn = core.draw(store.mc_cards(deck_id), n, rng.randrange(2**31))
            clock = iter(range(10**6))
            run = core.ExamRun(drawn, None, lambda: float(next(clock)))
            recalled = []
            for q in drawn:
                t = (at - T0).total_seconds() / 86400
                chosen, was = learner.answer(q.card.key, len(q.card.choices), q.card.answer_index, t)
                recalled.append(was)
                run.current()
                run.answer(q.shown_letter(LETTERS[chosen]))
            run.hand_in()
            got = [a.chosen == q.card.answer for q, a in zip(drawn, run.answers)]
            before = forecast_and_score(at, got, [q.card.key for q in drawn])
            rep = core.report(deck_id, [q.card for q in drawn], run.answers, mark, run.elapsed)
            attempts.save(store, deck_id, run, rep, at, 0, None, scheduler, before.pass_probability,
                      {q.key: q.p for q in before.cards})
            for q, y, was in zip(drawn, got, recalled):
                learner.feedback(q.card.key, was and y, (at - T0).total_seconds() / 86400, traits.learn_exam)
            history.append((sum(got), len(got), sum(got) >= k))
            right_answers[0] += sum(got)
            right_answers[1] += len(got)
        if day in study:
            at = T0 + timedelta(days=day, hours=10)
            until = T0 + timedelta(days=DAYS, hours=2) if traits.diligence == "cram" else None
            session = ReviewSession(store, settings, deck_id, fuzz=False, until=until)
            for _ in range(400):
                card = session.next(at)
                if card is None:
                    break
                t = (at - T0).total_seconds() / 86400
                chosen, was = learner.answer(card.key, len(card.choices), card.answer_index, t)
                right = chosen == card.answer_index
                if not right:
                    rating = AGAIN
                elif not was:
                    rating = HARD if rng.random() < 0.5 else GOOD
                else:
                    rating = EASY if learner.recall_chance(card.key, t) > 0.95 and rng.random() < 0.3 else GOOD
                session.answer(card, rating, at, 20_000, right=right)
                learner.feedback(card.key, was and right, t, traits.learn)
                at += timedelta(seconds=rng.randint(10, 40))


# ---------------------------------------------------------------- scoring
def _log_loss(pairs):
    eps = 1e-4
    return -sum(math.log(min(1 - eps, max(eps, p if y else 1 - p))) for p, y in pairs) / len(pairs)


def _brier(pairs):
    return sum((p - y) ** 2 for p, y in pairs) / len(pairs)


def _ece(pairs, bins=10):
    total = 0.0
    for b in range(bins):
        inside = [(p, y) for p, y in pairs if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p >= 1.0)]
        if inside:
            total += len(inside) / len(pairs) * abs(sum(p for p, _ in inside) / len(inside)
                                                    - sum(y for _, y in inside) / len(inside))
    return total


def _ece_floor(pairs, draws=200, seed=0):
    """The calibration error that perfectly calibrated forecasts would still show on this many
    forecasts: the mean ECE of the same forecasts against outcomes drawn from them. A family's
    ECE near this floor is as calibrated as its number of forecasts can show."""
    rng = random.Random(seed)
    return sum(_ece([(p, rng.random() < p) for p, _ in pairs]) for _ in range(draws)) / draws


METHODS = ["srs", "fsrs-recall", "pass-rate", "last-mock"]


@dataclass(frozen=True)
class Row:
    family: str
    method: str
    forecasts: int
    pass_rate: float
    question_log_loss: float
    question_brier: float
    pass_brier: float
    pass_ece: float
    ece_floor: float = 0.0   # the ECE of perfectly calibrated forecasts, as many as these


def run(learners: int, seed: int, families: list[Family] | None = None, db: Path | None = None) -> list[Row]:
    """Simulate ``learners`` learners per family; one row per family and method, then the
    families pooled ("all")."""
    from srs.importer import load_bundled
    from srs.store import Store
    from srs.store.engine import open_engine

    families = families or FAMILIES
    with tempfile.TemporaryDirectory() as tmp:
        engine, _ = open_engine(str(db or Path(tmp) / "honesty.db"))
        load_bundled(Store(engine, "deck"), T0)
        rows: list[Row] = []
        pooled = {m: Scored(m) for m in METHODS}
        for family in families:
            scored = {m: Scored(m) for m in METHODS}
            for i in range(learners):
                simulate_learner(engine, i, family, seed, scored)
            for m in METHODS:
                pooled[m].questions += scored[m].questions
                pooled[m].passes += scored[m].passes
            rows += _rows(family.name, scored)
        rows += _rows("all", pooled)
        engine.dispose()
    return rows


def _rows(family: str, scored: dict[str, Scored]) -> list[Row]:
    out = []
    for m in METHODS:
        s = scored[m]
        out.append(Row(family, m, len(s.passes), sum(y for _, y in s.passes) / len(s.passes),
                       _log_loss(s.questions), _brier(s.questions), _brier(s.passes), _ece(s.passes),
                       _ece_floor(s.passes)))
    return out


def verdict(rows: list[Row]) -> list[str]:
    """The targets that are missed (empty: all met): in every family srs beats every
    baseline on pass-forecast Brier and per-question log loss; pooled pass ECE ≤ 0.05."""
    missed = []
    for family in dict.fromkeys(r.family for r in rows):
        mine = next(r for r in rows if r.family == family and r.method == "srs")
        for other in (r for r in rows if r.family == family and r.method != "srs"):
            if mine.pass_brier >= other.pass_brier:
                missed.append(f"{family}: pass Brier {mine.pass_brier:.3f} not below {other.method}'s "
                              f"{other.pass_brier:.3f}")
            if mine.question_log_loss >= other.question_log_loss:
                missed.append(f"{family}: question log loss {mine.question_log_loss:.3f} not below "
                              f"{other.method}'s {other.question_log_loss:.3f}")
    pooled = next(r for r in rows if r.family == "all" and r.method == "srs")
    if pooled.pass_ece > 0.05:
        missed.append(f"all: pass calibration error {pooled.pass_ece:.3f} > 0.05")
    return missed


def table(rows: list[Row]) -> str:
    head = (f"{'family':<14} {'forecast':<12} {'n':>4} {'passed':>6} {'q log loss':>10} {'q Brier':>8} "
            f"{'pass Brier':>10} {'pass ECE':>8} {'ECE floor':>9}")
    lines = [head, "-" * len(head)]
    last = None
    for r in rows:
        if last is not None and r.family != last:
            lines.append("")
        last = r.family
        lines.append(f"{r.family:<14} {r.method:<12} {r.forecasts:>4} {r.pass_rate:>6.0%} {r.question_log_loss:>10.3f} "
                     f"{r.question_brier:>8.3f} {r.pass_brier:>10.3f} {r.pass_ece:>8.3f} {r.ece_floor:>9.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=60, help="learners per family")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--family", action="append", choices=[f.name for f in FAMILIES])
    args = parser.parse_args(argv)
    families = [f for f in FAMILIES if not args.family or f.name in args.family]
    started = time.perf_counter()
    rows = run(args.learners, args.seed, families)
    print(f"{args.learners} simulated learners per family, seed {args.seed}, "
          f"{time.perf_counter() - started:.0f} s")
    for f in families:
        print(f"  {f.name}: {f.what}")
    print()
    print(table(rows))
    missed = verdict(rows)
    print()
    print("targets met" if not missed else "targets missed:\n  " + "\n  ".join(missed))
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
