"""What the forecast says, as records: the whole forecast (``Forecast``), its two
assumptions about the days until the exam (``Scenario``), each question's chances
(``CardChance``) and the learner's estimated values (``Learner``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypedDict

from srs.forecast.drift import Drift, DriftDict
from srs.model import needed

LITTLE_EVIDENCE = 20       # answers below which the forecast says it is mostly prior


@dataclass(frozen=True)
class Learner:
    """Posterior means of the learner-level parameters (for the report)."""

    prior: float
    learn: float
    memory: float
    slip: float
    elimination: float
    decay: float
    growth: float
    recognition: float
    grid_points: int


class CardChance(NamedTuple):
    """One question's chances (a tuple, so that 100,000 of them are made quickly)."""

    key: int
    name: str
    p: float                         # chance of a right answer on the exam date
    p_now: float                     # the same now
    answers: int
    right: int
    p_if_reviewed: float | None = None   # on the exam date, if reviewed once now
    gain: float = 0.0                # rise in the pass probability from that review


class ScenarioDict(TypedDict):
    pass_probability: float
    expected_score: float
    score_interval: list[float]      # [low, high]


class AssumptionDict(ScenarioDict):
    label: str


class _Assumptions(TypedDict):
    headline: str                    # "stop" or "pace"


class AssumptionsDict(_Assumptions, total=False):
    stop: AssumptionDict             # if the learner stops studying now
    pace: AssumptionDict             # if they keep their recent pace


class EvidenceDict(TypedDict):
    answers: int
    exam_answers: int
    mocks: int
    little: bool
    no_mock: bool
    beyond_reviews: DriftDict


class LearnerDict(TypedDict):
    prior_knowledge: float
    learning: float
    memory: float
    slip: float
    elimination: float
    recognition: float
    estimated: bool


class CardChanceDict(TypedDict):
    card: str
    p_correct: float                 # on the exam date
    p_now: float
    answers: int
    right: int
    p_if_reviewed: float | None
    gain: float


class StudyFirstDict(TypedDict):
    card: str
    gain: float


class ForecastDict(TypedDict):
    """`srs readiness --json`, calibration aside (docs/json.md)."""

    deck: str
    on: str
    questions: int
    pass_mark: float
    needed: int
    expected_score: float
    score_interval: list[float]
    interval_mass: float
    pass_probability: float
    method: str
    assumptions: AssumptionsDict
    evidence: EvidenceDict
    learner: LearnerDict
    distribution: list[float]
    cards: list[CardChanceDict]
    study_first: list[StudyFirstDict]


@dataclass(frozen=True)
class Scenario:
    """The exam's score under one assumption about the days until it."""

    pass_probability: float
    expected_score: float            # expected share right
    score_interval: tuple[float, float]   # central 80% of the share right
    distribution: list[float]        # P(score = j right), j = 0..questions

    def to_dict(self) -> ScenarioDict:
        return {"pass_probability": self.pass_probability, "expected_score": self.expected_score,
                "score_interval": list(self.score_interval)}


#: the two assumptions about the days until the exam, and which one is the headline
ASSUMPTIONS = {"stop": "if you stop studying now", "pace": "if you keep your recent pace"}
HEADLINE = "stop"


@dataclass(frozen=True)
class Forecast:
    deck: str
    on: datetime
    questions: int
    pass_mark: float
    pass_probability: float
    expected_score: float            # expected share right
    score_interval: tuple[float, float]   # central 80% of the share right
    distribution: list[float]        # P(score = j right), j = 0..questions
    cards: list[CardChance]
    learner: Learner
    answers: int                     # evidence: answers given to the deck's cards
    method: str
    stop: Scenario | None = None     # if the learner stops studying now (the headline)
    pace: Scenario | None = None     # if they keep their recent pace
    drift: Drift = field(default_factory=Drift)   # what the exams say beyond the reviews
    exam_answers: int = 0

    @property
    def needed(self) -> int:
        return needed(self.pass_mark, self.questions)

    @property
    def little_evidence(self) -> bool:
        return self.answers < LITTLE_EVIDENCE

    @property
    def mocks(self) -> int:
        return self.drift.mocks

    @property
    def headline(self) -> str:
        return HEADLINE

    @property
    def headline_label(self) -> str:
        return ASSUMPTIONS[HEADLINE]

    @property
    def other_label(self) -> str:
        return next(label for key, label in ASSUMPTIONS.items() if key != HEADLINE)

    @property
    def other(self) -> Scenario | None:
        """The assumption that is not the headline (None: the exam is now, both agree)."""
        chosen = self.pace if HEADLINE == "stop" else self.stop
        return None if chosen is None or chosen is getattr(self, HEADLINE) else chosen

    def beyond_reviews_sentence(self) -> str:
        """What the mocks say beyond the reviews, in words."""
        d = self.drift
        if self.no_mock:
            return ("No mock yet: how your exam answers compare with your reviews is unknown, so the range "
                    "allows for either.")
        sd = d.to_dict()["level_sd"]
        if d.level > 2 * sd:
            said = "Your mocks go better than your reviews predict"
        elif d.level < -2 * sd:
            said = "Your mocks go worse than your reviews predict (the mocks are believed)"
        else:
            said = "Your mocks agree with your reviews so far"
        if d.direction:
            said += f"; you are {d.direction} faster than your reviews explain"
        elif d.mocks >= 2:
            said += "; no trend beyond your reviews yet"
        return said + f" ({d.mocks} mock{'s' if d.mocks != 1 else ''})."

    @property
    def no_mock(self) -> bool:
        """No answer under exam conditions yet: the pass probability is a range, not a point."""
        return self.mocks == 0

    def study_first(self, n: int = 5) -> list[CardChance]:
        worth = [c for c in self.cards if c.gain > 1e-9]
        return sorted(worth, key=lambda c: (-c.gain, c.p))[:n]

    def to_dict(self) -> ForecastDict:
        """The forecast as `srs readiness --json` prints it (docs/json.md), calibration aside."""
        assumptions: AssumptionsDict = {"headline": HEADLINE}
        if self.stop is not None:
            assumptions["stop"] = {"label": ASSUMPTIONS["stop"], **self.stop.to_dict()}
        if self.pace is not None:
            assumptions["pace"] = {"label": ASSUMPTIONS["pace"], **self.pace.to_dict()}
        return {"deck": self.deck, "on": self.on.isoformat(), "questions": self.questions,
                "pass_mark": self.pass_mark, "needed": self.needed, "expected_score": self.expected_score,
                "score_interval": list(self.score_interval), "interval_mass": 0.8,
                "pass_probability": self.pass_probability, "method": self.method,
                "assumptions": assumptions,
                "evidence": {"answers": self.answers, "exam_answers": self.exam_answers, "mocks": self.mocks,
                             "little": self.little_evidence, "no_mock": self.no_mock,
                             "beyond_reviews": self.drift.to_dict()},
                "learner": {"prior_knowledge": self.learner.prior, "learning": self.learner.learn,
                            "memory": self.learner.memory, "slip": self.learner.slip,
                            "elimination": self.learner.elimination, "recognition": self.learner.recognition,
                            "estimated": True},
                "distribution": self.distribution,
                "cards": [{"card": q.name, "p_correct": q.p, "p_now": q.p_now, "answers": q.answers,
                           "right": q.right, "p_if_reviewed": q.p_if_reviewed, "gain": q.gain} for q in self.cards],
                "study_first": [{"card": q.name, "gain": q.gain} for q in self.study_first(10)]}


__all__ = ["ASSUMPTIONS", "HEADLINE", "LITTLE_EVIDENCE", "AssumptionDict", "AssumptionsDict", "CardChance",
           "CardChanceDict", "EvidenceDict", "Forecast", "ForecastDict", "Learner", "LearnerDict", "Scenario",
           "ScenarioDict", "StudyFirstDict"]
