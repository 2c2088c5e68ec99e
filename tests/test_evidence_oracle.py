"""The forecast's evidence (srs.forecast.evidence_columns) against a row-by-row reference:
each card's answers in time order (an exam answer before a review at the same second),
each taking the card's last logged stability up to a second after it. Random logs with
what takes the slow road: exam answers, reviews of source "exam", rows without a stability,
answers within a second of each other (one card answered many times on a frozen clock),
cards listed out of key order, other decks' rows."""

from __future__ import annotations

import random

import numpy as np
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from srs.forecast.evidence import evidence_columns
from srs.model import ExamCard
from srs.rules import review_code

W = DEFAULT_PARAMETERS


def reference(cards, reviews, exam_answers):
    """(key, [(at, right, exam, stability)]) per card, one row at a time."""
    out = []
    for c in cards:
        mine = [(at, right, False, i) for i, (k, at, right, src, _) in enumerate(reviews) if k == c.key and src != "exam"]
        mine += [(at, right, True, len(reviews) + i) for i, (k, at, right) in enumerate(exam_answers) if k == c.key]
        mine.sort(key=lambda a: (a[0], not a[2], a[3]))
        logged = sorted((at, s) for k, at, _, _, s in reviews if k == c.key and s is not None)
        rows = []
        for at, right, exam, _ in mine:
            before = [s for t, s in logged if t <= at + 1.0]
            stability = before[-1] if before else (W[2] if right else W[0])
            rows.append((at, right, exam, max(stability, 0.01)))
        out.append((c.key, rows))
    return out


def random_case(rng: random.Random):
    n = rng.randint(1, 12)
    keys = rng.sample(range(1, 40), n)
    if rng.random() < 0.5:
        keys.sort()
    cards = [ExamCard(k, "d", f"c{k}", rng.choice((2, 4)), 0, None, None, None, None, None) for k in keys]
    reviews = []
    for key in range(1, 40):  # other decks' cards among
        t = 1_000_000.0 + rng.randint(0, 50)
        frozen = rng.random() < 0.15
        for _ in range(rng.choice((0, 0, 1, 3, 8, 40 if frozen else 5))):
            t += 0.0 if frozen else rng.choice((0.0, 0.4, 1.0, 1.5, 3600.0, 86400.0))
            source = "exam" if rng.random() < 0.1 else "review"
            stability = None if rng.random() < 0.05 else round(rng.uniform(0.1, 50.0), 4)
            reviews.append((key, t, rng.random() < 0.6, source, stability))
    exam_answers = []
    for _ in range(rng.choice((0, 0, 2, 6))):
        exam_answers.append((rng.choice(keys), 1_000_000.0 + rng.randint(0, 400_000), rng.random() < 0.5))
    exam_answers.sort()
    return cards, reviews, exam_answers


@pytest.mark.parametrize("seed", range(300))
def test_evidence_columns_are_the_reference(seed):
    rng = random.Random(seed)
    cards, reviews, exam_answers = random_case(rng)
    code = np.array([review_code(k, 3, int(r), int(src == "exam")) for k, _, r, src, _ in reviews], dtype=np.int64)
    at = np.array([t for _, t, *_ in reviews], dtype=float)
    stability = np.array([np.nan if s is None else s for *_, s in reviews], dtype=float)
    exam = (np.array([k for k, _, _ in exam_answers], dtype=np.int64), np.array([t for _, t, _ in exam_answers]),
            np.array([r for *_, r in exam_answers], dtype=bool))
    found = evidence_columns(cards, (code.reshape(-1), at, stability), exam, W)
    expected = reference(cards, reviews, exam_answers)
    assert found.keys.tolist() == [k for k, _ in expected]
    assert found.counts.tolist() == [len(rows) for _, rows in expected]
    rows = [row for _, r in expected for row in r]
    assert found.at.tolist() == [r[0] for r in rows]
    assert found.correct.tolist() == [r[1] for r in rows]
    assert found.exam.tolist() == [r[2] for r in rows]
    assert found.stability.tolist() == [r[3] for r in rows]
