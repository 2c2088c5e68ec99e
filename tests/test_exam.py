"""The exam core: draw and shuffle, letter mapping, skip order, timer, scoring, calibration."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs import attempts
from srs.exam import Answer, ExamRun, draw, report
from srs.model import needed
from tests.factories import T0, deck
from tests.store_helpers import card_reviews


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def cards(make_store):
    store = make_store(deck(cards=20, basic=3))
    yield store.mc_cards("d")
    store.close()


def test_pass_mark_boundary_is_inclusive():
    assert needed(0.70, 20) == 14
    assert needed(0.70, 10) == 7
    assert needed(1.0, 20) == 20
    assert needed(0.5, 3) == 2


@given(st.integers(1, 200), st.floats(0.01, 1.0))
def test_needed_is_the_least_passing_count(n, mark):
    k = needed(mark, n)
    assert k / n >= mark - 1e-9
    assert (k - 1) / n < mark - 1e-9  # one fewer fails (k >= 1: the mark is above 0)


def test_draw_is_seeded_and_shuffles_choices(cards):
    a = draw(cards, 10, seed=42)
    b = draw(cards, 10, seed=42)
    c = draw(cards, 10, seed=43)
    assert [(q.card.key, q.order) for q in a] == [(q.card.key, q.order) for q in b]
    assert [(q.card.key, q.order) for q in a] != [(q.card.key, q.order) for q in c]
    assert len({q.card.key for q in a}) == 10
    assert all(q.card.kind == "mc" for q in a)
    assert any(q.order != tuple(range(4)) for q in a)


def test_letter_mapping_round_trips(cards):
    for q in draw(cards, 20, seed=7):
        right_shown = q.shown_letter(q.card.answer)
        assert q.card_letter(right_shown) == q.card.answer
        assert q.choices[q.valid.index(right_shown)] == q.card.choices[q.card.answer_index]


def test_skipped_questions_come_back_in_the_order_skipped(cards):
    clock = FakeClock()
    run = ExamRun(draw(cards, 5, seed=1), None, clock)
    seen = []
    # skip 0, answer 1, skip 2, skip 3, answer 4, then 0, 2, 3 come back in that order
    for action in ("skip", "A", "skip", "skip", "A"):
        seen.append(run.current())
        run.skip() if action == "skip" else run.answer(action)
    assert seen == [0, 1, 2, 3, 4]
    order = []
    while (i := run.current()) is not None:
        order.append(i)
        if len(order) == 1:
            run.skip()  # skipped again: goes to the end once more
        else:
            run.answer("B")
    assert order == [0, 2, 3, 0]
    assert run.finished is not None and all(a.chosen for a in run.answers)


def test_timer_hands_in_and_unanswered_count_wrong(cards):
    clock = FakeClock()
    run = ExamRun(draw(cards, 4, seed=3), 60.0, clock)
    assert run.current() == 0
    q0 = run.questions[0]
    run.answer(q0.shown_letter(q0.card.answer))
    clock.t += 30
    assert run.remaining() == 30
    assert run.current() == 1
    clock.t += 31
    assert run.current() is None
    assert run.timed_out and run.finished is not None
    rep = report("d", [q.card for q in run.questions], run.answers, 0.7, run.elapsed, run.timed_out)
    assert rep.correct == 1 and rep.unanswered == 3 and not rep.passed
    assert rep.seconds == pytest.approx(60)  # ended at the limit, whenever the end was noticed


def test_seconds_spent_per_question(cards):
    clock = FakeClock()
    run = ExamRun(draw(cards, 2, seed=3), None, clock)
    run.current()
    clock.t += 5
    run.skip()
    run.current()
    clock.t += 7
    run.answer("A")
    run.current()
    clock.t += 2
    run.answer("A")
    assert [a.seconds for a in run.answers] == [7.0, 7.0]


def test_score_tags_and_confident_misses_first(cards):
    picked = cards[:4]
    answers = [
        Answer(picked[0].answer, 4),                              # right, certain
        Answer("A" if picked[1].answer != "A" else "B", 2),       # wrong, unsure
        Answer("A" if picked[2].answer != "A" else "B", 4),       # wrong, certain
        Answer(None, None),                                       # unanswered
    ]
    rep = report("d", picked, answers, 0.5, 100.0, with_confidence=True)
    assert rep.correct == 1 and rep.score == 0.25 and not rep.passed and rep.needed == 2
    assert rep.misses[0].card.key == picked[2].key  # confidently wrong first
    by_tag = {t.tag: (t.right, t.total) for t in rep.tags}
    assert by_tag == {"even": (1, 2), "odd": (0, 2)}
    cal = {r.level: r for r in rep.calibration}
    assert cal[4].answered == 2 and cal[4].right == 1 and cal[4].accuracy == 0.5
    assert cal[2].answered == 1 and cal[2].accuracy == 0.0
    assert cal[1].answered == 0 and cal[1].accuracy is None
    assert cal[1].stated == pytest.approx(0.25)  # guessing states chance among 4 choices


def test_fourteen_of_twenty_passes(cards):
    answers = [Answer(c.answer if i < 14 else None) for i, c in enumerate(cards)]
    rep = report("d", cards, answers, 0.70, 1.0)
    assert rep.correct == 14 and rep.passed
    answers[13] = Answer(None)
    assert not report("d", cards, answers, 0.70, 1.0).passed


def test_save_feeds_the_scheduler(make_store):
    from srs.scheduler import make_scheduler
    from srs.settings import Settings

    store = make_store(deck(cards=5))
    clock = FakeClock()
    run = ExamRun(draw(store.mc_cards("d"), 3, seed=9), None, clock)
    q = run.questions
    run.current(); run.answer(q[0].shown_letter(q[0].card.answer))
    wrong = next(letter for letter in q[1].valid if q[1].card_letter(letter) != q[1].card.answer)
    run.current(); run.answer(wrong)
    run.current(); run.skip()
    run.hand_in()
    cards = [x.card for x in q]
    rep = report("d", cards, run.answers, 0.7, run.elapsed)
    attempt_id = attempts.save(store, "d", run, rep, T0, 9, 30.0, make_scheduler(Settings(), fuzz=False))
    assert [r.rating for r in card_reviews(store, cards[0].key)] == [3]
    assert [r.rating for r in card_reviews(store, cards[1].key)] == [1]
    assert card_reviews(store, cards[2].key) == []
    assert card_reviews(store, cards[0].key)[0].source == "exam"
    saved, answers = store.attempt(attempt_id)
    assert saved.correct == 1 and saved.questions == 3 and not saved.passed
    assert [a.correct for a in answers] == [True, False, False]
    assert answers[2].chosen is None


def test_the_report_at_60_columns_keeps_the_attempt_number_and_the_time_used_whole(make_store):
    import io

    from rich.console import Console

    from srs.ui.exam_report import render_report

    store = make_store(deck(cards=20))
    cards = store.mc_cards("d")
    rep = report("d", cards, [Answer(None) for _ in cards], 0.7, 125.0, timed_out=True)
    console = Console(file=io.StringIO(), width=60, color_system=None)
    render_report(console, rep, "Deep Learning: Build Real Things — Final Exam", 12)
    out = console.file.getvalue()
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "╭─ attempt #12 — Deep Learning" in out
    assert "pass mark 70% = 14 of 20 · time used 2m 05s" in out
    assert out.count("╭") == 1                      # unanswered questions: one table, not 20 boxes
    assert out.rstrip().endswith("╯")               # the summary is the last thing printed
