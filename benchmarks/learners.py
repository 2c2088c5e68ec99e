"""Simulated learners for the honesty benchmark (``benchmarks/honesty.py``).

Written from a description of how people learn, not from ``srs/forecast/``: nothing here
imports or mirrors the forecast's model.

The common world
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

What people do that this world's first families did not (one assumption broken each)
    - study outside srs: lectures and the textbook teach cards between sessions, whatever
      srs shows (``outside``: a daily chance that an unknown card becomes known);
    - forget other than by a smooth curve: linearly (recall falls by a fixed amount a day
      until nothing is left) or in a step (all there until a day, then mostly gone);
    - fixed knowledge: a learner who knows what they know and learns nothing from feedback
      (no forgetting, no learning);
    - recognition: in a review the same choices come back, and a learner who does not know
      the answer often recognises the right one; an exam shuffles nothing they have seen
      that way (review answers are right more often than exam answers of the same card);
    - topics: the deck's cards come in topics, known and forgotten together (a lecture
      missed, a chapter skipped, a topic pushed out by the next one);
    - exam-day conditions: under time, more careless slips than in reviews (or, focused,
      fewer).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Traits:
    forgetting: str        # "exp", "power", "linear", "step", "none" (fixed knowledge)
    power: float           # d of the power law
    ability: float
    half_life: float       # days, of a freshly learned card, before the card's difficulty
    growth: float          # spacing effect: h *= 1 + growth · (1 − P(recall)) on success
    learn: float           # chance of learning a card not recalled, reading a review's answer
    learn_exam: float      # the same from an exam report
    slip: float
    eliminate: float       # chance of ruling out each wrong choice when not recalling
    diligence: str         # "daily", "regular", "rare", "cram"
    outside: float = 0.0   # daily chance that an unknown card is learned outside srs
    recognition: float = 0.0   # in a review, chance of recognising the right choice of a card seen before
    exam_slip: float | None = None   # careless slips in exams (None: as in reviews)
    topics: int = 0        # cards per topic are known / forgotten together (0: no topics)
    topic_forget: float = 0.0   # daily chance that a topic is forgotten as a whole


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
    topic: dict[int, int] = field(default_factory=dict)
    seen: set[int] = field(default_factory=set)

    def recall_chance(self, key: int, day: float) -> float:
        m = self.memory[key]
        if not m.known:
            return 0.0
        t = max(0.0, day - m.last)
        kind = self.traits.forgetting
        if kind == "none":
            return 1.0
        if kind == "exp":
            return 2.0 ** (-t / m.h)
        if kind == "linear":   # half gone at h, all gone at 2h
            return max(0.0, 1.0 - t / (2.0 * m.h))
        if kind == "step":     # there until 2h, then mostly gone
            return 0.97 if t < 2.0 * m.h else 0.1
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
        if self.traits.forgetting == "none":
            return recalled
        if recalled:
            m.h *= 1.0 + self.traits.growth * (1.0 - p)
            m.last = day
        else:
            m.known = False
        return recalled

    def answer(self, key: int, choices: int, answer: int, day: float, exam: bool = False) -> tuple[int, bool]:
        """(chosen index, recalled?) for a multiple-choice question."""
        recalled = self.attempt(key, day)
        slip = self.traits.exam_slip if exam and self.traits.exam_slip is not None else self.traits.slip
        if recalled and self.rng.random() >= slip:
            return answer, True
        wrong = [i for i in range(choices) if i != answer]
        if recalled:  # a slip: a wrong choice
            return self.rng.choice(wrong), True
        if not exam and key in self.seen and self.rng.random() < self.traits.recognition:
            return answer, False  # recognised among the same choices, not known
        left = [i for i in wrong if self.rng.random() >= self.traits.eliminate] or [self.rng.choice(wrong)]
        return self.rng.choice(left + [answer]), False

    def feedback(self, key: int, recalled: bool, day: float, chance: float) -> None:
        """The learner reads the right answer."""
        self.seen.add(key)
        if self.traits.forgetting == "none":
            return
        m = self.memory[key]
        if not recalled and self.rng.random() < chance:
            m.known, m.h, m.last = True, self.fresh_half_life(key), day
            if self.traits.topics:  # the rest of the topic comes with it, sometimes
                for other, t in self.topic.items():
                    if t == self.topic[key] and not self.memory[other].known and self.rng.random() < 0.3:
                        self.memory[other] = Trace(True, self.fresh_half_life(other), day)

    def between_sessions(self, day: float) -> None:
        """A day of life outside srs: study elsewhere, topics pushed out."""
        if self.traits.outside:
            for key, m in self.memory.items():
                if not m.known and self.rng.random() < self.traits.outside:
                    m.known, m.h, m.last = True, self.fresh_half_life(key), day
        if self.traits.topics and self.traits.topic_forget:
            gone = {t for t in range(self.traits.topics) if self.rng.random() < self.traits.topic_forget}
            for key, t in self.topic.items():
                if t in gone:
                    self.memory[key].known = False

    def exam_chance(self, key: int, choices: int, day: float) -> float:
        """P(a right answer to this card in an exam at ``day``), without answering: the truth
        the forecasts are compared with."""
        r = self.recall_chance(key, day)
        slip = self.traits.exam_slip if self.traits.exam_slip is not None else self.traits.slip
        e, wrong = self.traits.eliminate, choices - 1
        guess = 0.0
        for kept in range(wrong + 1):  # wrong choices left after ruling out (none left: one kept)
            p = math.comb(wrong, kept) * (1 - e) ** kept * e ** (wrong - kept)
            guess += p / (max(kept, 1) + 1)
        return r * (1.0 - slip) + (1.0 - r) * guess

    def final(self, cards, day: float) -> list[bool]:
        """The final exam, from true memory (no feedback afterwards)."""
        out = []
        for card in cards:
            chosen, _ = self.answer(card.key, len(card.choices), "ABCDEF".index(card.answer), day, exam=True)
            out.append(chosen == "ABCDEF".index(card.answer))
        return out


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class Family:
    name: str
    what: str
    draw: Callable[[random.Random], Traits]
    breaks: str = ""   # the forecast's assumption this family breaks ("" : none, a variation)


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
    # the families that break one assumption each
    Family("outside-study", "lectures and the textbook teach 2–8% of unknown cards a day, outside srs",
           lambda r: _base(r, outside=lambda q: q.uniform(0.02, 0.08), ability=lambda q: q.gauss(-1.5, 0.7)),
           "knowledge changes only through srs's reviews and exams"),
    Family("linear-decay", "recall falls linearly to nothing (half gone at the half-life)",
           lambda r: _base(r, forgetting="linear", ability=lambda q: q.gauss(0.5, 1.0)),
           "forgetting follows FSRS's power-law curve"),
    Family("step-decay", "all there until twice the half-life, then mostly gone",
           lambda r: _base(r, forgetting="step", ability=lambda q: q.gauss(0.5, 1.0)),
           "forgetting follows FSRS's power-law curve"),
    Family("fixed", "knows what they know; no forgetting, no learning from feedback",
           lambda r: _base(r, forgetting="none", ability=lambda q: q.gauss(0.3, 1.5)),
           "a review shown after a miss teaches"),
    Family("recognition", "in reviews recognises the right choice of a card seen before (40–90%)",
           lambda r: _base(r, recognition=lambda q: q.uniform(0.4, 0.9)),
           "a right review answer means what a right exam answer means"),
    Family("topics", "8 topics, known together and forgotten together (1–5% a topic a day)",
           lambda r: _base(r, topics=8, topic_forget=lambda q: q.uniform(0.01, 0.05)),
           "cards are independent given the learner"),
    Family("exam-day", "more careless slips under exam time (12–30%), or none at all",
           lambda r: _base(r, exam_slip=lambda q: q.uniform(0.12, 0.3) if q.random() < 0.6 else 0.0),
           "exams and reviews are answered under the same conditions"),
]


def make_learner(family: Family, rng: random.Random, pool, seed: int) -> Learner:
    """A learner of ``family`` for the cards ``pool`` (with their knowledge before the course)."""
    traits = family.draw(rng)
    difficulty = {c.key: random.Random(f"{seed}:item:{c.card_id}").gauss(0.0, 1.0) for c in pool}
    learner = Learner(traits, rng, difficulty)
    if traits.topics:
        learner.topic = {c.key: random.Random(f"{seed}:topic:{c.card_id}").randrange(traits.topics) for c in pool}
        topic_level = {t: random.Random(f"{seed}:topic-level:{t}").gauss(0.0, 1.5) for t in range(traits.topics)}
        known_topic = {t: rng.random() < sigmoid(traits.ability - topic_level[t]) for t in range(traits.topics)}
    for c in pool:
        if traits.topics:  # the topic decides, the card's own difficulty a little
            known = known_topic[learner.topic[c.key]] and rng.random() < sigmoid(2.0 - 0.5 * difficulty[c.key])
        else:
            known = rng.random() < sigmoid(traits.ability - difficulty[c.key])
        learner.memory[c.key] = Trace(known, 30.0 * learner.fresh_half_life(c.key) / traits.half_life * 2, 0.0)
    return learner


__all__ = ["FAMILIES", "Family", "Learner", "Trace", "Traits", "make_learner", "sigmoid"]
