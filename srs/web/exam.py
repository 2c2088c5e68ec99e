"""The mock exam pages: the same sitting as `srs exam` (srs.attempts.take, the run's order of
questions and skips, srs.attempts.hand_in saving it as an attempt), and the results as
`srs results` reads them back (srs.attempts.read).

A running exam is kept in the database (srs.sittings), with the server's clock: each request
for it, in whichever worker process of the server, reads it under a lock and writes back
what it changed. Reloading the page, opening it on another device, or the server restarting
shows the same question and the time really left. When the time is up, the next request for
the exam hands it in, as the terminal does; handing in saves the attempt once, however many
requests ask for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from srs import attempts, sittings
from srs.clock import check_not_before
from srs.errors import UserError
from srs.exam import CONFIDENCE_LEVELS
from srs.model import letter_index
from srs.web.app import Web, web_of
from srs.web.security import checked_form


def _number(value: object, what: str, number=int) -> float | int | None:
    if value in (None, ""):
        return None
    try:
        return number(str(value))
    except ValueError:
        raise HTTPException(400, f"{what}: not a number") from None


def _scheduler(web: Web):
    from srs.scheduler import make_scheduler

    return lambda deck_id: make_scheduler(web.settings(deck_id), web.fuzz)


def _settle(web: Web) -> None:
    """Hand in the learner's exams whose time is up (and drop the abandoned: srs.sittings)."""
    sittings.settle(web.store, web.ticks, _scheduler(web))


async def start_page(request: Request) -> Response:
    web = web_of(request)
    _settle(web)
    decks = web.store.decks()
    chosen = request.query_params.get("deck") or next((d.id for d in decks if d.exam_enabled), None)
    return web.render(request, "exam_start.html", decks=decks, chosen=chosen)


async def start(request: Request) -> Response:
    web = web_of(request)
    form = await checked_form(request)
    deck = form.get("deck")
    if not isinstance(deck, str) or not deck:
        raise HTTPException(400, "choose a deck")
    questions = _number(form.get("questions"), "questions")
    minutes = _number(form.get("minutes"), "minutes", float)
    if minutes is not None and minutes != minutes:  # NaN
        raise HTTPException(400, "minutes: not a number")
    if web.store.deck(deck) is None:
        raise HTTPException(404, f"unknown deck {deck!r}")
    now = web.clock()
    check_not_before(now, web.store.latest_activity())
    exam_id = sittings.start(web.store, web.settings(deck), deck, now, web.ticks, questions=questions,  # type: ignore[arg-type]
                             minutes=minutes, no_timer=form.get("no_timer") == "1",
                             confidence=form.get("confidence") == "1")
    _settle(web)
    return RedirectResponse(f"/exam/{exam_id}", 303)


def _finished(web: Web, kept: sittings.Kept) -> Response:
    """Hand the exam in and save it (once), then show its report."""
    number = sittings.hand_in(web.store, kept, _scheduler(web)(kept.sitting.deck.id))
    return RedirectResponse(f"/results/{number}?exam={kept.id}", 303)


@contextmanager
def _held(web: Web, exam_id: str) -> Iterator[sittings.Kept]:
    """The learner's exam for this request (srs.sittings.opened); 404 when there is none."""
    try:
        with sittings.opened(web.store, exam_id, web.ticks) as kept:
            yield kept
    except sittings.NoSuchExam as exc:
        raise HTTPException(404, str(exc)) from None


async def exam_page(request: Request) -> Response:
    web = web_of(request)
    exam_id = request.path_params["exam"]
    with _held(web, exam_id) as kept:
        run = kept.run
        index = run.current() if kept.attempt_id is None else None
        if index is None:
            return _finished(web, kept)
        values = {"exam_id": exam_id, "sitting": kept.sitting, "index": index, "answered": run.position(),
                  "levels": CONFIDENCE_LEVELS if kept.confidence else None, "question": run.questions[index]}
        remaining = run.remaining()
    question = values["question"]
    return web.render(request, "exam.html", choices=list(zip(question.valid, question.choices, strict=True)),
                      remaining=None if remaining is None else int(remaining), **values)


def _act(name: str):
    async def endpoint(request: Request) -> Response:
        web = web_of(request)
        exam_id = request.path_params["exam"]
        form = await checked_form(request)
        with _held(web, exam_id) as kept:
            run = kept.run
            if name == "hand-in":
                run.hand_in()
                return _finished(web, kept)
            index = run.current() if kept.attempt_id is None else None
            if index is None:  # time is up (or handed in elsewhere): the answer comes too late
                return _finished(web, kept)
            if form.get("question") != str(index):
                if name == "answer" and _given(run, form.get("question"), form.get("choice")):
                    return RedirectResponse(f"/exam/{exam_id}", 303)  # the same answer sent twice
                raise HTTPException(409, "that question is no longer on screen: reload the exam page")
            if name == "skip":
                run.skip()
            else:
                choice = form.get("choice")
                if not isinstance(choice, str) or len(choice) != 1 or choice.upper() not in run.questions[index].valid:
                    raise HTTPException(400, "not one of the choices")
                sure = form.get("confidence") if kept.confidence else None
                if kept.confidence and sure not in ("1", "2", "3", "4"):
                    raise HTTPException(400, "say how sure you are: 1 to 4")
                run.answer(choice, int(sure) if isinstance(sure, str) else None)
        return RedirectResponse(f"/exam/{exam_id}", 303)

    return endpoint


def _given(run, question: object, choice: object) -> bool:
    """Whether ``question`` (a form's index) was already answered with the shown ``choice``:
    a repeated POST (a double tap, a retry after a lost reply) is then no error."""
    if not isinstance(question, str) or not (question.isascii() and question.isdigit()) or len(question) > 9 \
            or not isinstance(choice, str) or len(choice) != 1:
        return False
    index = int(question)
    if index >= len(run.questions) or choice.upper() not in run.questions[index].valid:
        return False
    return run.answers[index].chosen == run.questions[index].card_letter(choice.upper())


@dataclass(frozen=True)
class Before:
    """What srs forecast just before an attempt taken in the browser (kept with its exam)."""

    forecast: float
    expected_score: float


async def results_page(request: Request) -> Response:
    web = web_of(request)
    _settle(web)
    return web.render(request, "results.html", rows=web.store.attempts(None))


async def result_page(request: Request) -> Response:
    web = web_of(request)
    number = request.path_params["number"]
    try:
        past = attempts.read(web.store, number)
    except UserError as exc:
        raise HTTPException(404, str(exc)) from None
    sitting = None
    row = web.store.running_exam(request.query_params.get("exam", "")[:40])
    if row is not None and row["attempt_id"] is not None and row["attempt_id"] == web.store.attempt_id(number) \
            and row["forecast"] is not None and row["expected_score"] is not None:
        sitting = Before(row["forecast"], row["expected_score"])

    def choice(card, letter: str | None) -> tuple[str, str] | None:
        return None if letter is None or not card.choices else (letter, card.choices[letter_index(letter)])

    misses = [(m, choice(m.card, m.chosen), choice(m.card, m.card.answer)) for m in past.report.misses]
    return web.render(request, "report.html", past=past, report=past.report, misses=misses, sitting=sitting)


def routes() -> list[Route]:
    return [
        Route("/exam", start_page),
        Route("/exam", start, methods=["POST"]),
        Route("/exam/{exam}", exam_page),
        *(Route(f"/exam/{{exam}}/{name}", _act(name), methods=["POST"]) for name in ("answer", "skip", "hand-in")),
        Route("/results", results_page),
        Route("/results/{number:int}", result_page),
    ]


__all__ = ["routes"]
