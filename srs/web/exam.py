"""The mock exam pages: the same sitting as `srs exam` (srs.attempts.take, the run's order of
questions and skips, srs.attempts.hand_in saving it as an attempt), and the results as
`srs results` reads them back (srs.attempts.read).

The server keeps each running exam and its clock (the run is timed with ``time.monotonic``
on the server): reloading the page, or opening it on another device, shows the same question
and the time really left. When the time is up, the next request for the exam hands it in,
as the terminal does. Running exams live in the server's memory; the attempt is written,
in one transaction, when it is handed in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from srs import attempts
from srs.attempts import Sitting
from srs.clock import check_not_before
from srs.errors import UserError
from srs.exam import CONFIDENCE_LEVELS
from srs.model import letter_index
from srs.web.app import Web, web_of
from srs.web.security import checked_form

MAX_RUNNING = 16  # exams kept open at once; the oldest is dropped beyond


@dataclass
class Running:
    sitting: Sitting
    confidence: bool = False   # each answer says how sure the learner is (srs exam --confidence)
    number: int | None = None  # the attempt's number once handed in and saved


def _number(value: object, what: str, number=int) -> float | int | None:
    if value in (None, ""):
        return None
    try:
        return number(str(value))
    except ValueError:
        raise HTTPException(400, f"{what}: not a number") from None


async def start_page(request: Request) -> Response:
    web = web_of(request)
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
    sitting = attempts.take(web.store, web.settings(deck), deck, now, questions=questions,  # type: ignore[arg-type]
                            minutes=minutes, no_timer=form.get("no_timer") == "1", clock=web.ticks)
    while len(web.sittings) >= MAX_RUNNING:
        web.sittings.pop(next(iter(web.sittings)))
    exam_id = secrets.token_urlsafe(12)
    web.sittings[exam_id] = Running(sitting, form.get("confidence") == "1")
    return RedirectResponse(f"/exam/{exam_id}", 303)


def _running(web: Web, exam_id: str) -> Running:
    running = web.sittings.get(exam_id)
    if running is None:
        raise HTTPException(404, "no such exam running (exams end when the server stops)")
    return running


def _finish(web: Web, exam_id: str, running: Running) -> Response:
    """Hand the exam in and save it (once), then show its report."""
    if running.number is None:
        from srs.scheduler import make_scheduler

        sitting = running.sitting
        scheduler = make_scheduler(web.settings(sitting.deck.id), web.fuzz)
        _, running.number = attempts.hand_in(web.store, sitting, running.confidence, scheduler)
    return RedirectResponse(f"/results/{running.number}?exam={exam_id}", 303)


async def exam_page(request: Request) -> Response:
    web = web_of(request)
    exam_id = request.path_params["exam"]
    running = _running(web, exam_id)
    run = running.sitting.run
    index = run.current() if running.number is None else None
    if index is None:
        return _finish(web, exam_id, running)
    question = run.questions[index]
    remaining = run.remaining()
    return web.render(request, "exam.html", exam_id=exam_id, sitting=running.sitting, index=index,
                      levels=CONFIDENCE_LEVELS if running.confidence else None,
                      question=question, choices=list(zip(question.valid, question.choices, strict=True)),
                      answered=run.position(), remaining=None if remaining is None else int(remaining))


def _act(name: str):
    async def endpoint(request: Request) -> Response:
        web = web_of(request)
        exam_id = request.path_params["exam"]
        running = _running(web, exam_id)
        form = await checked_form(request)
        run = running.sitting.run
        if name == "hand-in":
            run.hand_in()
            return _finish(web, exam_id, running)
        index = run.current() if running.number is None else None
        if index is None:  # time is up (or handed in elsewhere): the answer comes too late
            return _finish(web, exam_id, running)
        if form.get("question") != str(index):
            raise HTTPException(409, "that question is no longer on screen: reload the exam page")
        if name == "skip":
            run.skip()
        else:
            choice = form.get("choice")
            if not isinstance(choice, str) or len(choice) != 1 or choice.upper() not in run.questions[index].valid:
                raise HTTPException(400, "not one of the choices")
            sure = None
            if running.confidence:
                said = form.get("confidence")
                if not isinstance(said, str) or said not in ("1", "2", "3", "4"):
                    raise HTTPException(400, "say how sure you are: 1 to 4")
                sure = int(said)
            run.answer(choice, sure)
        return RedirectResponse(f"/exam/{exam_id}", 303)

    return endpoint


async def results_page(request: Request) -> Response:
    web = web_of(request)
    return web.render(request, "results.html", rows=web.store.attempts(None))


async def result_page(request: Request) -> Response:
    web = web_of(request)
    number = request.path_params["number"]
    try:
        past = attempts.read(web.store, number)
    except UserError as exc:
        raise HTTPException(404, str(exc)) from None
    running = web.sittings.get(request.query_params.get("exam", ""))
    sitting = running.sitting if running is not None and running.number == number else None

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
