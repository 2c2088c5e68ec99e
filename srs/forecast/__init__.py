"""The readiness forecast (this package): each question's chance on the exam date from all of the
learner's evidence, the learner's overall level, the pass probability and its calibration.

Why not FSRS's retrievability alone
    FSRS's R is the chance of recalling a self-graded card, given that the learner saw its
    answer at the last review. Right after a miss it is ~1, because the learner has just
    read the answer; reading it is not knowing it. And it knows nothing of a learner who
    has never studied, nor of what their mock exams said.

The model (a hidden Markov model per card, under learner-level parameters)
    For each card the learner either knows the answer (K) or not (U).
    - Before any answer, P(K) = ``prior``: what the learner knew before studying.
    - An answer is right with chance 1 − ``slip`` when K (a careless slip), and with the
      guessing chance g when U: g = 1/k for a multiple-choice answer among k choices,
      raised towards 1 by ``elimination`` (ruling out choices: g' = g + e·(1 − g)).
      A right multiple-choice answer is therefore weak evidence, a wrong one strong.
    - Recognition: in a review of a card seen before, a learner who does not know the
      answer may still pick the right choice among the same choices (``recognition``, a
      learner-level unknown with "none" its likeliest prior value); an exam answer has no
      such help. So the learner's own answers decide how much a right review answer says
      about a right exam answer.
    - After every answer the learner sees the right one: after a review U becomes K with
      chance ``learn`` (possibly 0: a guesser, or knowledge no feedback changes); after an exam, whose report lists the misses at the end, with a
      quarter of that (``EXAM_LEARN``): reading the right answer after a miss is not
      knowing it.
    - Known answers are forgotten with time: K survives t days with FSRS's forgetting curve
      (1 + F·t / (``memory``·S))^−w20, S the card's FSRS stability after its last answer.
      ``memory`` scales FSRS's stabilities to this learner: FSRS's curve is borrowed for its
      shape and for the spacing effect it encodes, and the learner's answers decide how far
      to trust it.
    The answers to one card are filtered forward exactly (two states), which gives both the
    likelihood of that card's answers and P(K) now and on the exam date.

The learner as a whole
    Eight learner-level values are unknown: prior, learn, memory, slip, elimination,
    forgetting's decay and growth, recognition. They take values on a fixed grid of 6,912
    points with a prior (``srs.forecast.grid``); their posterior is the prior times the
    likelihood of the learner's answers (``srs.forecast.filter``), raised to ``TEMPER``
    (0.85: cards are not truly independent given the learner, so the likelihood of many
    answers is made less sure of the learner than a product of independent ones would be). Given the parameters, cards are independent; over the
    posterior they are not: after a mock of 2/20, most of the posterior sits on "knew little,
    learns slowly", so every card's chance and the pass probability stay low until new answers
    say otherwise, and after one mock the score distribution stays wide. A card never
    answered gets the posterior's ``prior`` (1/k only in the sense that with no evidence at
    all the prior is wide around a low level).

What the mocks say beyond the reviews (``srs.forecast.drift``)
    Each exam answer's chance before it was given (over the posterior) is kept; the exam
    answers fit a level and a trend of exams against the model on the logit scale. Every
    card's chance is moved by that level (integrated over its posterior), so a failed mock
    after perfect reviews is believed; with no mock the level keeps its prior width.

Two assumptions about the days until the exam
    "stop" (the headline): the learner stops studying now; what they know fades and the
    level stays. "pace": they keep their recent pace; what they know now holds and the
    trend goes on (at most ``TREND_DAYS`` ahead).

The pass probability
    For each grid point (and offset node) the exam's score distribution is exact (a
    Poisson-binomial when the exam takes every card, else every draw alike:
    ``srs.forecast.draws``, which also gives the exam's own odds); the forecast is
    the posterior mixture of them: exact for the model, with no sampling (a few questions of
    many cards, N ≤ M/20: independent picks at the mean chance, and the method says so). The
    score interval is the mixture's central 80% by mid-quantiles. A card's last
    ``MAX_ANSWERS`` answers are filtered, so one card answered 1,300 times costs no more than
    one answered 64 times.

The package
    ``grid`` (the unknowns and forgetting), ``evidence`` (the answers as records and columns),
    ``filter`` (the per-card filter and the learner posterior), ``drift`` (mocks beyond the
    reviews), ``draws`` (score distributions and pass odds of a drawn exam), ``predict``
    (``forecast``), ``records`` (what it returns), ``calibration`` (how past forecasts
    fared), ``cases`` (the use cases on a store). docs/forecast.md has the derivation.
"""

from __future__ import annotations

from srs.forecast.calibration import Bin, Calibration, brier, calibration, expected_calibration_error, log_loss
from srs.forecast.cases import Outlook, Readiness, ReadinessDict, assess, chances_now, outcomes, outlook
from srs.forecast.draws import Odds, exam_odds, pass_probability, poisson_binomial, score_distributions
from srs.forecast.drift import Drift
from srs.forecast.evidence import Answer, CardEvidence, Evidence, evidence, evidence_columns
from srs.forecast.filter import MAX_ANSWERS, posterior
from srs.forecast.grid import EXAM_LEARN, RECALL_GUESS, STABILITY_REF, Grid, full_grid
from srs.forecast.predict import forecast
from srs.forecast.records import CardChance, Forecast, Learner, Scenario

__all__ = ["EXAM_LEARN", "MAX_ANSWERS", "RECALL_GUESS", "STABILITY_REF", "Answer", "Bin", "Calibration",
           "CardChance", "CardEvidence", "Drift", "Evidence", "Forecast", "Grid", "Learner", "Odds", "Outlook",
           "Readiness", "ReadinessDict",
           "Scenario", "assess", "brier", "calibration", "chances_now", "evidence", "evidence_columns",
           "exam_odds", "expected_calibration_error", "forecast", "full_grid", "log_loss", "outcomes", "outlook",
           "pass_probability", "poisson_binomial", "posterior", "score_distributions"]
