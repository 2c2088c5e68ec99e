"""The review pages: the same session as `srs review` (srs.review.ReviewSession: its queue,
answers, undo, bury, suspend), one card on screen at a time, every answer written to the
store by the POST that gives it.

The steps of one card are those of the terminal's screen (srs/ui/review_screen.py):
- a basic card: the answer is revealed in the page, then rated 1-4 (one POST, one answer);
- a multiple-choice card: a wrong choice is recorded as Again at once and the right answer
  shown; a right choice is recorded as Good at once (the terminal records Good when the
  learner leaves at that point) and the rating buttons then let the learner change it to
  Again, Hard or Easy: the session undoes the Good and records that rating instead.
Every form names the card it was shown for (with workers, its state then too: any worker takes
it, checked in the answer's transaction); a form for a card no longer on screen (another tab,
the back button, answered since in an exam) is refused with 409, never answering the wrong card.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from srs.clock import check_not_before, exam_date
from srs.exam import Question
from srs.model import AGAIN, GOOD, RATING_NAMES, CardKind, MemoryState, Rating, StudyCard
from srs.review import Answered, ReviewSession, showing
from srs.web.app import Web, web_of
from srs.web.security import checked_form

PHASES = ("question", "right", "wrong")
UNDO_WITHIN = timedelta(hours=1)  # with workers: an answer given through another one may be undone this long


@dataclass
class OnScreen:
    card: StudyCard
    shown: Question | None            # the choices as shown (multiple choice)
    intervals: dict[Rating, timedelta]
    started: float = field(default_factory=time.monotonic)
    phase: str = "question"
    chosen: str | None = None         # the shown letter picked
    answered_ms: int = 0
    review_id: int | None = None      # the answer given (a verdict on screen)
    seen: str | None = None           # with workers: the card's state the answering form was shown for


def version(memory: MemoryState) -> str:
    """The card's state as a review form names it (``seen``): any answer, undo, bury or
    suspend changes it, so a form shown before one of them no longer matches."""
    buried = int(memory.buried_until.timestamp()) if memory.buried_until is not None else 0
    return f"{memory.reps}.{memory.lapses}.{int(memory.suspended)}.{buried}"


def _still_shown(seen: str | None):
    """An answer's check in its own transaction (the card's row locked): the card is still in
    the state its form was shown for (a form without ``seen`` only against worker memory)."""
    def check(memory: MemoryState) -> None:
        if seen is not None and version(memory) != seen:
            raise HTTPException(409, "that card is no longer on screen: reload the review page")
    return check


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
        #: with worker processes: the learner's latest review this session knows of
        self.shared = web.shared
        self.mark = store.last_review_id() if web.shared else None
        self.own: set[int] = set()  # the answers given through this session (its undo knows them)

    def stale(self, web: Web) -> bool:
        """Whether the learner answered through another worker since this session last looked."""
        return web.shared and web.store.last_review_id() != self.mark

    def url(self, **more: object) -> str:
        """The review page; ``more``: after an answer, ``answered`` (its review id) and ``chose``
        (the letter), so that a worker process other than this one shows the same verdict."""
        pairs = [("deck", self.deck), ("tag", self.tag), *more.items()]
        query = urlencode([(k, v) for k, v in pairs if v is not None])
        return "/review" + (f"?{query}" if query else "")

    def recall(self, store, now: datetime, review_id: int | None = None, card_key: int | None = None,
               chose: object = None) -> bool:
        """Put back on screen the verdict of the learner's latest answer (given through another
        worker process: ``review_id`` from the page's address, or the card a rating form names),
        while nothing was answered since. False: it is not the latest (or not a choice)."""
        entry = store.latest_review()
        if entry is None or entry.source != "review" or (review_id is not None and entry.id != review_id) \
                or (card_key is not None and (entry.card_key != card_key or entry.rating != GOOD)):
            return False
        card = store.card(entry.card_key)
        if card is None or card.kind is not CardKind.MC or not card.choices:
            return False
        before = replace(card, memory=entry.before or MemoryState(), has_state=entry.before is not None)
        shown = showing(before)  # the choices in the order they were shown for this answer
        letter = chose.upper() if isinstance(chose, str) and len(chose) == 1 and chose.upper() in shown.valid else None
        self.screen = OnScreen(before, shown, self.session.intervals(before, now), phase="wrong" if entry.rating == AGAIN
                               else "right", chosen=letter, review_id=entry.id)
        return True

    def current(self, now: datetime) -> OnScreen | None:
        if self.screen is None:
            card = self.session.next(now)
            if card is None:
                return None
            self.show(card, now)
        return self.screen

    def show(self, card: StudyCard, now: datetime) -> OnScreen:
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
        answered = self.session.answer(card, GOOD if right else AGAIN, now, ms, right=right,
                                       check=_still_shown(screen.seen) if self.shared else None)
        screen.chosen, screen.answered_ms = letter.upper(), ms  # once the answer is saved
        screen.review_id = answered.review_id
        screen.phase = "right" if right else "wrong"
        self.after(answered)

    def rate(self, key: str | None, rating: Rating, now: datetime) -> None:
        screen = self.on_screen(key, ("question", "right"))
        if screen.phase == "question":
            if screen.shown is not None:
                raise HTTPException(400, "choose an answer first")
            self.after(self.session.answer(screen.card, rating, now, self._ms(screen),
                                           check=_still_shown(screen.seen) if self.shared else None))
        elif rating != GOOD:  # the Good recorded with the right choice becomes this rating
            if screen.review_id in self.own:
                self.session.undo()
            elif screen.review_id is not None:  # given through another worker: taken back in the store
                self.session.store.undo_review(screen.review_id)
            self.after(self.session.answer(screen.card, rating, now, screen.answered_ms, right=True))
        self.screen = None

    def go_on(self, key: str | None) -> None:
        self.on_screen(key, ("wrong", "right"))
        self.screen = None

    def after(self, answered: Answered) -> None:
        from srs.ui.render import format_interval

        self.own.add(answered.review_id)
        if self.shared:
            self.mark = answered.review_id

        if answered.leech:
            self.notice = (f"{answered.card.name} has lapsed {answered.lapses} times: it is "
                           "tagged leech and suspended. Rewrite it, then `srs unsuspend` it.")
        else:
            wait = answered.due - answered.at
            back = "back in" if wait.total_seconds() < 86400 else "next review in"
            self.notice = f"Recorded {RATING_NAMES[answered.rating]} — {back} {format_interval(wait, round_up=True)}."

    def undo(self, now: datetime, last: int | None = None) -> None:
        step = self.session.undo()
        self.screen = None
        if step is None and self.shared and last is not None and self._undo_elsewhere(now, last):
            return  # the mark is left behind: the next page starts the session anew
        if self.shared:
            self.mark = self.session.store.last_review_id()
        if step is None:
            self.notice = "Nothing to undo in this session."
        else:
            what = {"answer": "the last answer", "bury": "the bury", "suspend": "the suspension"}[step.action]
            self.notice = f"Undid {what} ({step.card.name})."

    def _undo_elsewhere(self, now: datetime, last: int) -> bool:
        """Undo an answer given through another worker process: the undo form's ``last``, while
        it is still the learner's latest, a review answer, of the last hour (not a past session)."""
        store = self.session.store
        entry = store.latest_review()
        if entry is None or entry.id != last or entry.source != "review" or now - entry.reviewed_at > UNDO_WITHIN \
                or store.undo_review(entry.id) is None:
            return False
        card = store.card(entry.card_key)
        self.notice = f"Undid the last answer ({card.name if card is not None else entry.card_key})."
        return True

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
    if web.review is None or (web.review.deck, web.review.tag) != (deck, tag) or web.review.stale(web):
        web.review = WebReview(web, deck, tag, now)
    return web.review


async def review_page(request: Request) -> Response:
    from srs.ui.render import format_interval, when_text

    web = web_of(request)
    now = web.clock()
    deck, tag = _filter(request)
    review = _session(web, deck, tag, now)
    answer_id = _id(request.query_params.get("answered"))
    if web.shared and review.screen is not None and review.screen.phase != "question" \
            and review.screen.review_id != answer_id:  # with workers, a verdict shows at its own address only:
        review.screen = None  # the learner moved on (Next, through any worker)
    if answer_id is not None and (review.screen is None or review.screen.review_id != answer_id):
        review.recall(web.store, now, review_id=answer_id, chose=request.query_params.get("chose"))
    screen = review.current(now)
    if web.shared and screen is not None and screen.phase == "question" and not _as_stored(web, screen):
        review = web.review = WebReview(web, deck, tag, now)  # set aside through another worker: anew
        screen = review.current(now)
    notice, review.notice = review.notice, None
    values: dict[str, Any] = {"review": review, "screen": screen, "notice": notice, "counts": review.session.counts(),
              "seen": version(screen.card.memory) if screen is not None and web.shared else None,
              "last_answer": review.mark,
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


def _as_stored(web: Web, screen: OnScreen) -> bool:
    stored = web.store.card(screen.card.key)  # the card on screen as the database holds it
    return stored is not None and version(stored.memory) == version(screen.card.memory)


def _picked_up(web: Web, form, key: str | None, now: datetime) -> WebReview | None:
    """This process's review session for the form; when it has none, or another card on
    screen, or it missed an answer given through another worker process (``stale``), a
    session picked up from the database, if the form's card is its next card."""
    review = web.review
    if review is not None and review.stale(web):  # answered through another worker meanwhile
        review = web.review = None
    if key is None or (review is not None and review.screen is not None and str(review.screen.card.key) == key):
        return review
    deck, tag = form.get("deck") or None, form.get("tag") or None
    if not isinstance(deck, (str, type(None))) or not isinstance(tag, (str, type(None))):
        return review
    if review is not None and review.screen is not None:
        card = review.session.queued(_id(key) or 0) if review.screen.phase == "question" else None
        if card is not None:  # a page of another worker (or tab) showing another card still due: that one
            review.show(card, now)
        return review  # otherwise a stale form: on_screen refuses it (409)
    fresh = WebReview(web, deck, tag, now)
    screen = fresh.current(now)
    if screen is not None and str(screen.card.key) != key:
        # another worker's session may order the due cards otherwise: any card of the queue will do
        card = fresh.session.queued(_id(key) or 0)
        screen = fresh.show(card, now) if card is not None else screen
    if screen is not None and str(screen.card.key) == key:
        web.review = fresh
        return fresh
    return review


def _shown_card(web: Web, form, key: str | None, now: datetime) -> WebReview | None:
    """With workers: a form naming its card and the card's state when shown (``seen``) puts the
    card on screen here while it is still in that state (nothing since, through any worker)."""
    seen, card_key = form.get("seen"), _id(key)
    deck, tag = (v if isinstance(v, str) and v else None for v in (form.get("deck"), form.get("tag")))
    if not isinstance(seen, str) or card_key is None:
        return None
    card = web.store.card(card_key)
    if card is None or version(card.memory) != seen or card.memory.suspended \
            or (card.memory.buried_until is not None and card.memory.buried_until > now) \
            or (deck is not None and card.deck_id != deck):
        return None
    review = web.review
    if review is None or (review.deck, review.tag) != (deck, tag) or review.stale(web):
        review = web.review = WebReview(web, deck, tag, now)
    if review.screen is None or str(review.screen.card.key) != key or review.screen.phase != "question":
        review.show(card, now)
    return review


def _id(text: object) -> int | None:
    """A row id from a form or address (plain digits, not too many), else None."""
    return int(text) if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= 18 else None


def _plain_url(form) -> str:
    deck, tag = form.get("deck"), form.get("tag")
    query = urlencode([(k, v) for k, v in (("deck", deck), ("tag", tag)) if isinstance(v, str) and v])
    return "/review" + (f"?{query}" if query else "")


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
        review = _shown_card(web, form, key, now) if web.shared and name != "next" else None
        review = review or _picked_up(web, form, key, now)
        if web.shared and review is not None and review.screen is not None and review.screen.phase == "question":
            seen = form.get("seen")  # an answer checks it in its own transaction
            review.screen.seen = seen if isinstance(seen, str) else None
        if name == "next" and (review is None or review.screen is None or str(review.screen.card.key) != key
                               or (web.shared and review.screen.phase == "question")):
            # the verdict was on another worker's screen (or an older tab's): only moving on is asked
            return RedirectResponse(review.url() if review is not None else _plain_url(form), 303)
        if name == "rate" and _id(key) is not None and (
                review is None or review.screen is None or str(review.screen.card.key) != key):
            deck, tag = form.get("deck") or None, form.get("tag") or None  # a right choice's verdict elsewhere
            if isinstance(deck, (str, type(None))) and isinstance(tag, (str, type(None))):
                fresh = review if review is not None and review.screen is None else WebReview(web, deck, tag, now)
                if fresh.recall(web.store, now, card_key=_id(key)):
                    review = web.review = fresh
        if review is None and name == "undo" and web.shared and _id(form.get("last")) is not None:
            deck, tag = (v if isinstance(v, str) and v else None for v in (form.get("deck"), form.get("tag")))
            review = web.review = WebReview(web, deck, tag, now)  # answered through another worker: undone here
        if review is None:  # with workers, a form whose card changed since it was shown is stale
            raise HTTPException(409, "that card is no longer on screen: reload the review page" if web.shared
                                and isinstance(form.get("seen"), str) else "no review session: open the review page first")
        if name == "choose":
            review.choose(key, str(form.get("choice") or ""), now)
            screen = review.screen
            return RedirectResponse(review.url(answered=screen.review_id if screen else None,
                                               chose=screen.chosen if screen else None), 303)
        elif name == "rate":
            review.rate(key, _rating(form.get("rating")), now)
        elif name == "next":
            review.go_on(key)
        elif name == "undo":
            review.undo(now, _id(form.get("last")))
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
