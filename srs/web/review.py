"""The review pages: the same session as `srs review` (srs.review.ReviewSession: its queue,
answers, undo, bury, suspend), one card on screen at a time, every answer written to the
store by the POST that gives it.

The steps of one card are those of the terminal's screen (srs/ui/review_screen.py):
- a basic card: the answer is revealed in the page, then rated 1-4 (one POST, one answer);
- a multiple-choice card: a wrong choice is recorded as Again at once and the right answer
  shown; a right choice is recorded as Good at once (the terminal records Good when the
  learner leaves at that point) and the rating buttons then let the learner change it to
  Again, Hard or Easy: the session undoes the Good and records that rating instead.
Every form names the card it was shown for; a form for a card no longer on screen (another
tab, the back button) is refused with 409 instead of answering the wrong card.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from srs.clock import check_not_before, exam_date
from srs.exam import Question
from srs.model import AGAIN, GOOD, RATING_NAMES, CardKind, Rating, StudyCard
from srs.review import Answered, ReviewSession, showing
from srs.web.app import Web, web_of
from srs.web.security import checked_form

PHASES = ("question", "right", "wrong")


@dataclass
class OnScreen:
    card: StudyCard
    shown: Question | None            # the choices as shown (multiple choice)
    intervals: dict[Rating, timedelta]
    started: float = field(default_factory=time.monotonic)
    phase: str = "question"
    chosen: str | None = None         # the shown letter picked
    answered_ms: int = 0


class WebReview:
    """One review session of the server (the deck and tag it is about) and its card on screen."""

    def __init__(self, web: Web, deck: str | None, tag: str | None, now: datetime) -> None:
        store = web.store
        if deck is not None and store.deck(deck) is None:
            raise HTTPException(404, f"unknown deck {deck!r}")
        if tag is not None and not store.count_tagged(tag, deck):
            raise HTTPException(404, f"no cards tagged {tag!r}")
        check_not_before(now, store.latest_activity())
        settings = web.settings(deck)
        until = exam_date(None, settings.exam_date, settings.day_starts_at, now)
        self.deck, self.tag = deck, tag
        self.session = ReviewSession(store, settings, deck, tag, None, fuzz=web.fuzz, until=until)
        self.screen: OnScreen | None = None
        self.notice: str | None = None

    def url(self) -> str:
        query = urlencode([(k, v) for k, v in (("deck", self.deck), ("tag", self.tag)) if v is not None])
        return "/review" + (f"?{query}" if query else "")

    def current(self, now: datetime) -> OnScreen | None:
        if self.screen is None:
            card = self.session.next(now)
            if card is None:
                return None
            shown = showing(card) if card.kind is CardKind.MC else None
            self.screen = OnScreen(card, shown, self.session.intervals(card, now))
        return self.screen

    def on_screen(self, key: str | None, phases: tuple[str, ...] = PHASES) -> OnScreen:
        screen = self.screen
        if screen is None or key != str(screen.card.key) or screen.phase not in phases:
            raise HTTPException(409, "that card is no longer on screen: reload the review page")
        return screen

    def _ms(self, screen: OnScreen) -> int:
        return int((time.monotonic() - screen.started) * 1000)

    def choose(self, key: str | None, letter: str, now: datetime) -> None:
        screen = self.on_screen(key, ("question",))
        if screen.shown is None or len(letter) != 1 or letter.upper() not in screen.shown.valid:
            raise HTTPException(400, f"{letter[:8]!r} is not one of the choices")
        card, ms = screen.card, self._ms(screen)
        right = card.is_right(screen.shown.card_letter(letter))
        screen.chosen, screen.answered_ms = letter.upper(), ms
        screen.phase = "right" if right else "wrong"
        self.after(self.session.answer(card, GOOD if right else AGAIN, now, ms, right=right))

    def rate(self, key: str | None, rating: Rating, now: datetime) -> None:
        screen = self.on_screen(key, ("question", "right"))
        if screen.phase == "question":
            if screen.shown is not None:
                raise HTTPException(400, "choose an answer first")
            self.after(self.session.answer(screen.card, rating, now, self._ms(screen)))
        elif rating != GOOD:  # the Good recorded with the right choice becomes this rating
            self.session.undo()
            self.after(self.session.answer(screen.card, rating, now, screen.answered_ms, right=True))
        self.screen = None

    def go_on(self, key: str | None) -> None:
        self.on_screen(key, ("wrong", "right"))
        self.screen = None

    def after(self, answered: Answered) -> None:
        from srs.ui.render import format_interval

        if answered.leech:
            self.notice = (f"{answered.card.name} has lapsed {answered.lapses} times: it is "
                           "tagged leech and suspended. Rewrite it, then `srs unsuspend` it.")
        else:
            wait = answered.due - answered.at
            back = "back in" if wait.total_seconds() < 86400 else "next review in"
            self.notice = f"Recorded {RATING_NAMES[answered.rating]} — {back} {format_interval(wait, round_up=True)}."

    def undo(self) -> None:
        step = self.session.undo()
        self.screen = None
        if step is None:
            self.notice = "Nothing to undo in this session."
        else:
            what = {"answer": "the last answer", "bury": "the bury", "suspend": "the suspension"}[step.action]
            self.notice = f"Undid {what} ({step.card.name})."

    def bury(self, key: str | None, now: datetime) -> None:
        from srs.ui.render import day_text

        screen = self.on_screen(key)
        until = self.session.bury(screen.card, now)
        self.screen = None
        self.notice = f"Buried {screen.card.name} until {day_text(until, now)}."

    def suspend(self, key: str | None) -> None:
        screen = self.on_screen(key)
        self.session.suspend(screen.card)
        self.screen = None
        self.notice = f"Suspended {screen.card.name} (srs unsuspend {screen.card.name} brings it back)."


def _filter(request: Request) -> tuple[str | None, str | None]:
    q = request.query_params
    return q.get("deck") or None, q.get("tag") or None


def _session(web: Web, deck: str | None, tag: str | None, now: datetime) -> WebReview:
    if web.review is None or (web.review.deck, web.review.tag) != (deck, tag):
        web.review = WebReview(web, deck, tag, now)
    return web.review


async def review_page(request: Request) -> Response:
    from srs.ui.render import format_interval, when_text

    web = web_of(request)
    now = web.clock()
    deck, tag = _filter(request)
    review = _session(web, deck, tag, now)
    screen = review.current(now)
    notice, review.notice = review.notice, None
    values: dict[str, Any] = {"review": review, "screen": screen, "notice": notice, "counts": review.session.counts(),
              "summary": review.session.summary, "deck": deck, "tag": tag}
    if screen is not None:
        values["ratings"] = [(int(r), RATING_NAMES[r], format_interval(screen.intervals[r])) for r in Rating]
        if screen.shown is not None:
            values["choices"] = list(zip(screen.shown.valid, screen.shown.choices, strict=True))
            values["right_letter"] = screen.shown.shown_letter(screen.card.answer)
    else:
        nxt = review.session.next_due_overall(now)
        values["next_due"] = when_text(nxt, now) if nxt is not None else None
    return web.render(request, "review.html", **values)


def _picked_up(web: Web, form, key: str | None, now: datetime) -> WebReview | None:
    """This process's review session for the form; when it has none or another card on
    screen (the page came from another worker process of the server, or from before a
    restart), a session picked up from the database, if the form's card is its next card."""
    review = web.review
    if key is None or (review is not None and review.screen is not None and str(review.screen.card.key) == key):
        return review
    deck, tag = form.get("deck") or None, form.get("tag") or None
    if not isinstance(deck, (str, type(None))) or not isinstance(tag, (str, type(None))):
        return review
    if review is not None and review.screen is not None:
        return review  # a stale form of this session: on_screen refuses it (409)
    fresh = WebReview(web, deck, tag, now)
    screen = fresh.current(now)
    if screen is not None and str(screen.card.key) == key:
        web.review = fresh
        return fresh
    return review


def _rating(value: object) -> Rating:
    if value in ("1", "2", "3", "4"):
        return Rating(int(value))
    raise HTTPException(400, "a rating is 1, 2, 3 or 4")


def _action(name: str):
    async def endpoint(request: Request) -> Response:
        web = web_of(request)
        form = await checked_form(request)
        key = form.get("card")
        key = key if isinstance(key, str) else None
        now = web.clock()
        review = _picked_up(web, form, key, now)
        if review is None:
            raise HTTPException(409, "no review session: open the review page first")
        if name == "choose":
            review.choose(key, str(form.get("choice") or ""), now)
        elif name == "rate":
            review.rate(key, _rating(form.get("rating")), now)
        elif name == "next":
            review.go_on(key)
        elif name == "undo":
            review.undo()
        elif name == "bury":
            review.bury(key, now)
        else:
            review.suspend(key)
        return RedirectResponse(review.url(), 303)

    return endpoint


def routes() -> list[Route]:
    return [Route("/review", review_page)] + [
        Route(f"/review/{name}", _action(name), methods=["POST"])
        for name in ("choose", "rate", "next", "undo", "bury", "suspend")
    ]


__all__ = ["WebReview", "routes"]
