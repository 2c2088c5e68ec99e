"""The defaults and card rules every layer shares, each defined once here and imported
everywhere else (deck files, Anki readers, the store's schema, lint, the forecast):

- a deck's default exam (its length and pass mark when a deck file gives none);
- how many choices a multiple-choice card has (and the letters they go by);
- what counts as a right answer in the review log;
- the review code: one integer per review-log row, as the readiness forecast reads it.

No SQL, no terminal: the store builds its SQL from these (``review_code`` works on SQL
column expressions as well as on integers and NumPy arrays).
"""

from __future__ import annotations

from typing import Any

# ------------------------------------------------------------------ a deck's exam
#: minutes of a deck's exam when its file does not say
DEFAULT_EXAM_MINUTES = 30.0
#: share of right answers that passes a deck's exam when its file does not say (inclusive)
DEFAULT_PASS_MARK = 0.70

# ------------------------------------------------------------------ multiple-choice cards
#: a multiple-choice card has this many choices at least, and at most
MIN_CHOICES, MAX_CHOICES = 2, 6
#: the letters of the choices, in order
LETTERS = "ABCDEF"[:MAX_CHOICES]


def choice_count_ok(n: int) -> bool:
    """Whether a multiple-choice card may have ``n`` choices."""
    return MIN_CHOICES <= n <= MAX_CHOICES


# ------------------------------------------------------------------ was the answer right
#: a rating at least this (Hard, Good, Easy) is a right answer where the review log does not
#: hold what was answered: a basic card (the learner grades their own recall), and rows
#: written before srs kept the answer (see ``answered_right``)
PASSING_RATING = 2


def answered_right(rating: int, correct: bool | None) -> bool:
    """Whether a review-log answer was right: what was answered where the log holds it
    (``correct``: a multiple-choice answer, right letter or not, whatever the learner rated
    it afterwards), else the rating (any rating but Again)."""
    return bool(correct) if correct is not None else rating >= PASSING_RATING


# ------------------------------------------------------------------ the review code
#: the review code packs one review-log row the forecast reads into one integer:
#: card key·16 + right·8 + (rating − 1)·2 + (1 if given in an exam), ``right`` as in
#: ``answered_right``. The store computes it in SQL, the forecast unpacks it with NumPy.
KEY_FACTOR, RIGHT_FACTOR, RATING_FACTOR = 16, 8, 2


def review_code(key: Any, rating: Any, right: Any, exam: Any) -> Any:
    """The code of one answer (ints, NumPy arrays, or SQL expressions of 0/1 and 1..4)."""
    return key * KEY_FACTOR + right * RIGHT_FACTOR + (rating - 1) * RATING_FACTOR + exam


def code_key(code: Any) -> Any:
    """The card key of a review code (or of an array of them)."""
    return code // KEY_FACTOR


def code_right(code: Any) -> Any:
    """1 where the answer was right, else 0."""
    return code // RIGHT_FACTOR % 2


def code_rating(code: Any) -> Any:
    """The rating (1 Again .. 4 Easy)."""
    return code % RIGHT_FACTOR // RATING_FACTOR + 1


def code_exam(code: Any) -> Any:
    """1 where the answer was given in an exam, else 0."""
    return code % RATING_FACTOR


__all__ = ["DEFAULT_EXAM_MINUTES", "DEFAULT_PASS_MARK", "KEY_FACTOR", "LETTERS", "MAX_CHOICES", "MIN_CHOICES",
           "PASSING_RATING", "RATING_FACTOR", "RIGHT_FACTOR", "answered_right", "choice_count_ok", "code_exam",
           "code_key", "code_rating", "code_right", "review_code"]
