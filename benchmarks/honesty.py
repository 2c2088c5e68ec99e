"""Is the readiness forecast honest? Simulated learners (``benchmarks/learners.py``, written
from a description of human learners, not from the forecast's model) study the bundled deck
with srs's own core (review sessions, mock exams, the store) for four weeks, then sit the
final; every forecast made before a mock or the final is scored against what happened,
beside four baselines.

    python -m benchmarks.honesty                 # 60 learners per family (many minutes)
    python -m benchmarks.honesty --learners 10   # quicker, noisier
    python -m benchmarks.honesty --learners 2 --family fixed --trace   # every forecast vs the truth

Families: the first six vary the world's settings; each of the others breaks one of the
forecast's assumptions (see ``learners.FAMILIES``: outside study, linear and step forgetting,
fixed knowledge, recognition in reviews, topics, exam-day slips).

Scores, per family and method: per-question log loss and Brier over every question of every
mock and final (forecast just before); pass-forecast Brier on every forecast and on those
after the learner's first mock; mean |forecast − truth|, the truth being the simulation's own
pass probability at that moment (each card's exam chance from the learner's true memory, the
exam's draw summed exactly), on all forecasts and on those after the first mock; how often
the 80% score interval held the actual score (srs only); and the expected calibration error
of the pass forecasts (10 bins) with its floor.
Baselines: (a) srs's former forecast, p = R + (1 − R)/k with FSRS's R, questions independent;
(b) the learner's past mock pass rate with a Laplace prior (per question: the past share of
right mock answers, Laplace); (c) a binomial around the last mock score (Laplace), 0.5 before
any mock; (d) the trend: least squares of mock score on time, extrapolated to the forecast's
moment (one mock: its score; none: 0.5), then a binomial.
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.learners import FAMILIES, Family, make_learner

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
DAYS = 28


# ---------------------------------------------------------------- forecasts to score
@dataclass
class Scored:
    name: str
    questions: list[tuple[float, bool]] = field(default_factory=list)
    passes: list[tuple[float, bool]] = field(default_factory=list)
    later: list[tuple[float, bool]] = field(default_factory=list)    # forecasts after a first mock
    errors: list[float] = field(default_factory=list)                # |pass forecast − truth|
    later_errors: list[float] = field(default_factory=list)          # the same after a first mock
    covered: list[bool] = field(default_factory=list)                # 80% interval held the score
    trace: list[str] = field(default_factory=list)                   # one line a forecast (--trace)

    def add(self, p: float, passed: bool, truth: float, mocks_before: int,
            qs: list[tuple[float, bool]], covered: bool | None = None) -> None:
        self.passes.append((p, passed))
        if mocks_before:
            self.later.append((p, passed))
            self.later_errors.append(abs(p - truth))
        self.errors.append(abs(p - truth))
        self.questions.extend(qs)
        if covered is not None:
            self.covered.append(covered)


def _binomial_tail(n: int, p: float, k: int) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def simulate_learner(engine, index: int, family: Family, seed: int, scored: dict[str, Scored]) -> None:
    """One learner's four weeks with srs's core, scoring every forecast on the way."""
    from srs import attempts
    from srs import exam as core
    from srs.forecast import assess
    from srs.model import needed
    from srs.forecast.draws import exam_odds
    from srs.review import ReviewSession
    from srs.model import AGAIN, EASY, GOOD, HARD, LETTERS
    from srs.scheduler import make_scheduler, retrievability
    from srs.settings import Settings
    from srs.store import Store

    rng = random.Random(f"{seed}:{family.name}:{index}")
    store = Store(engine, f"{family.name}-{index}")
    deck_id = "dl-final"
    deck = store.deck(deck_id)
    pool = store.mc_cards(deck_id)
    cards = {c.key: c for c in pool}
    learner = make_learner(family, rng, pool, seed)
    traits = learner.traits
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
    history: list[tuple[float, int, int, bool]] = []  # (day, right, questions, passed) of past mocks
    right_answers = [0, 0]

    true_score = [0.0]

    def truth(day: float, keys: list[int] | None) -> float:
        """The simulation's own pass probability: the exam's cards (``keys``, or a random draw
        of the pool) answered with their true exam chances."""
        chosen = keys or [c.key for c in pool]
        ps = [learner.exam_chance(key, len(cards[key].choices), day) for key in chosen]
        true_score[0] = sum(ps) / len(ps)
        return exam_odds(ps, n, mark, sensitivities=False).pass_probability

    def forecast_and_score(at: datetime, outcomes: list[bool], keys: list[int], true_p: float):
        passed = sum(outcomes) >= k
        before = len(history)
        day = (at - T0).total_seconds() / 86400
        f = assess(store, settings, deck_id, at, at, value=False)
        by_key = {q.key: q.p for q in f.cards}
        share = sum(outcomes) / len(outcomes)
        low, high = f.score_interval
        scored["srs"].add(f.pass_probability, passed, true_p, before,
                          [(by_key[key], y) for key, y in zip(keys, outcomes, strict=True)], low - 1e-9 <= share <= high + 1e-9)
        d = f.drift
        scored["srs"].trace.append(
            f"{family.name:<13} #{index:<2} {traits.diligence:<7} day {day:5.1f} {'final' if day >= DAYS else 'mock':<5} "
            f"after {before} | p {f.pass_probability:.2f} truth {true_p:.2f} | score {share:.2f} "
            f"exp {f.expected_score:.2f} true {true_score[0]:.2f} [{low:.2f},{high:.2f}] | "
            f"level {d.level:+.2f}±{d.at(0.0)[1]:.2f} trend {d.trend:+.3f}")
        # (a) FSRS recall, independent questions
        ps = []
        for key in keys:
            r = retrievability(scheduler, store.card(key).memory, at)
            ps.append(1 / len(cards[key].choices) if r is None else r + (1 - r) / len(cards[key].choices))
        scored["fsrs-recall"].add(exam_odds(ps, n, mark, sensitivities=False).pass_probability, passed, true_p,
                                  before, list(zip(ps, outcomes, strict=True)))
        # (b) past pass rate, Laplace
        passes = sum(p for *_, p in history)
        rate = (right_answers[0] + 1) / (right_answers[1] + 2)
        scored["pass-rate"].add((passes + 1) / (len(history) + 2), passed, true_p, before,
                                [(rate, y) for y in outcomes])
        # (c) binomial around the last mock
        p_last = 0.5 if not history else (history[-1][1] + 1) / (history[-1][2] + 2)
        scored["last-mock"].add(_binomial_tail(n, p_last, k), passed, true_p, before, [(p_last, y) for y in outcomes])
        # (d) the trend of the mock scores, extrapolated to now
        p_trend = _trend([(d, r / q) for d, r, q, _ in history], day, n)
        scored["trend"].add(_binomial_tail(n, p_trend, k), passed, true_p, before, [(p_trend, y) for y in outcomes])
        return f

    for day in range(DAYS + 1):
        if day:
            learner.between_sessions(float(day))
        if day == DAYS:  # the final
            at = T0 + timedelta(days=day, hours=2)
            t = (at - T0).total_seconds() / 86400
            order = sorted(pool, key=lambda c: c.position)[:n]
            true_p = truth(t, [c.key for c in order])
            outcomes = learner.final(order, t)
            forecast_and_score(at, outcomes, [c.key for c in order], true_p)
            break
        if day in mocks:
            at = T0 + timedelta(days=day, hours=4)
            t = (at - T0).total_seconds() / 86400
            true_p = truth(t, None)
            drawn = core.draw(store.mc_cards(deck_id), n, rng.randrange(2**31))
            run = core.ExamRun(drawn, None, map(float, itertools.count()).__next__)  # a second a tick
            recalled = []
            for q in drawn:
                chosen, was = learner.answer(q.card.key, len(q.card.choices), q.card.answer_index, t, exam=True)
                recalled.append(was)
                run.current()
                run.answer(q.shown_letter(LETTERS[chosen]))
            run.hand_in()
            got = [a.chosen == q.card.answer for q, a in zip(drawn, run.answers, strict=True)]
            before = forecast_and_score(at, got, [q.card.key for q in drawn], true_p)
            rep = core.report(deck_id, [q.card for q in drawn], run.answers, mark, run.elapsed)
            attempts.save(store, deck_id, run, rep, at, 0, None, scheduler, before.pass_probability,
                          {q.key: q.p for q in before.cards})
            for q, y, was in zip(drawn, got, recalled, strict=True):
                learner.feedback(q.card.key, was and y, t, traits.learn_exam)
            history.append((t, sum(got), len(got), sum(got) >= k))
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


def _trend(scores: list[tuple[float, float]], day: float, n: int) -> float:
    """The share right at ``day`` by least squares over (day, share) of past mocks, kept
    within Laplace's bounds for ``n`` questions; 0.5 with none, the score itself with one."""
    lo, hi = 1 / (n + 2), (n + 1) / (n + 2)
    if not scores:
        return 0.5
    xs, ys = [d for d, _ in scores], [s for _, s in scores]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx > 1e-9 else 0.0
    return min(hi, max(lo, my + slope * (day - mx)))


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


METHODS = ["srs", "fsrs-recall", "pass-rate", "last-mock", "trend"]


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
    later: int = 0           # forecasts after a first mock
    later_brier: float = math.nan
    truth_error: float = math.nan   # mean |pass forecast − the simulation's pass probability|
    later_truth_error: float = math.nan   # the same after the first mock
    coverage: float = math.nan      # share of actual scores inside the 80% interval (srs only)


def run(learners: int, seed: int, families: list[Family] | None = None, db: Path | None = None,
        trace: list[str] | None = None) -> list[Row]:
    """Simulate ``learners`` learners per family; one row per family and method, then the
    families pooled ("all"); with ``trace``, one line per srs forecast is appended to it."""
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
                for name in ("questions", "passes", "later", "errors", "later_errors", "covered", "trace"):
                    getattr(pooled[m], name).extend(getattr(scored[m], name))
            rows += _rows(family.name, scored)
        rows += _rows("all", pooled)
        if trace is not None:
            trace.extend(pooled["srs"].trace)
        engine.dispose()
    return rows


def _rows(family: str, scored: dict[str, Scored]) -> list[Row]:
    out = []
    for m in METHODS:
        s = scored[m]
        out.append(Row(family, m, len(s.passes), sum(y for _, y in s.passes) / len(s.passes),
                       _log_loss(s.questions), _brier(s.questions), _brier(s.passes), _ece(s.passes),
                       _ece_floor(s.passes), len(s.later), _brier(s.later) if s.later else math.nan,
                       sum(s.errors) / len(s.errors),
                       sum(s.later_errors) / len(s.later_errors) if s.later_errors else math.nan,
                       sum(s.covered) / len(s.covered) if s.covered else math.nan))
    return out


def verdict(rows: list[Row]) -> list[str]:
    """The targets that are missed (empty: all met), per family: srs's pass-forecast Brier
    below every baseline's on all forecasts and on those after a first mock; mean |forecast −
    truth| ≤ 0.12; the 80% interval holds 70–90% of the scores; pooled pass ECE ≤ 0.05."""
    missed = []
    for family in dict.fromkeys(r.family for r in rows):
        mine = next(r for r in rows if r.family == family and r.method == "srs")
        for other in (r for r in rows if r.family == family and r.method != "srs"):
            if mine.pass_brier >= other.pass_brier:
                missed.append(f"{family}: pass Brier {mine.pass_brier:.3f} not below {other.method}'s "
                              f"{other.pass_brier:.3f}")
            if mine.later and mine.later_brier >= other.later_brier:
                missed.append(f"{family}: pass Brier after the first mock {mine.later_brier:.3f} not below "
                              f"{other.method}'s {other.later_brier:.3f}")
        if mine.truth_error > 0.12:
            missed.append(f"{family}: mean |forecast - truth| {mine.truth_error:.3f} > 0.12")
        if not 0.7 <= mine.coverage <= 0.9:
            missed.append(f"{family}: the 80% interval held {mine.coverage:.0%} of the scores (target 70-90%)")
    pooled = next(r for r in rows if r.family == "all" and r.method == "srs")
    if pooled.pass_ece > 0.05:
        missed.append(f"all: pass calibration error {pooled.pass_ece:.3f} > 0.05")
    return missed


def table(rows: list[Row]) -> str:
    head = (f"{'family':<14} {'forecast':<11} {'n':>4} {'passed':>6} {'q logloss':>9} {'pass Brier':>10} "
            f"{'n>1st':>5} {'Brier>1st':>9} {'|f-truth|':>9} {'>1st':>5} {'80% held':>8} {'pass ECE':>8} {'floor':>5}")
    lines = [head, "-" * len(head)]
    last = None
    for r in rows:
        if last is not None and r.family != last:
            lines.append("")
        last = r.family
        held = "" if math.isnan(r.coverage) else f"{r.coverage:.0%}"
        lines.append(f"{r.family:<14} {r.method:<11} {r.forecasts:>4} {r.pass_rate:>6.0%} {r.question_log_loss:>9.3f} "
                     f"{r.pass_brier:>10.3f} {r.later:>5} {r.later_brier:>9.3f} {r.truth_error:>9.3f} "
                     f"{r.later_truth_error:>5.3f} {held:>8} "
                     f"{r.pass_ece:>8.3f} {r.ece_floor:>5.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=60, help="learners per family")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--family", action="append", choices=[f.name for f in FAMILIES])
    parser.add_argument("--trace", action="store_true",
                        help="print every srs forecast: pass chance vs the truth, score, the mocks' level")
    args = parser.parse_args(argv)
    families = [f for f in FAMILIES if not args.family or f.name in args.family]
    started = time.perf_counter()
    lines: list[str] = []
    rows = run(args.learners, args.seed, families, trace=lines if args.trace else None)
    if lines:
        print("\n".join(lines) + "\n")
    print(f"{args.learners} simulated learners per family, seed {args.seed}, "
          f"{time.perf_counter() - started:.0f} s")
    for f in families:
        print(f"  {f.name}: {f.what}" + (f" [breaks: {f.breaks}]" if f.breaks else ""))
    print()
    print(table(rows))
    missed = verdict(rows)
    print()
    print("targets met" if not missed else "targets missed:\n  " + "\n  ".join(missed))
    return 0 if not missed else 1


if __name__ == "__main__":
    sys.exit(main())
