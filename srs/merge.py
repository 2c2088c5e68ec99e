"""What comes from Anki (a package, Anki's text format) or from srs's own exports merges
into the decks it belongs to: cards are recognised (by the ids srs carried out, by the
note's GUID), added or updated in place, never retired — a package holds what its maker
chose to export, not a whole deck. Suspension comes along; with history, Anki's reviews
join the card's log once and the schedule continues where Anki left it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from srs.anki.ids import ANKI_ID, card_id, deck_id, guid
from srs.anki.media_names import media_names
from srs.anki.types import AnkiCard
from srs.import_result import DeckResult, card_text
from srs.model import REVIEW, CardKind, DeckRecord, MemoryState, State
from srs.store import Store
from srs.store.records import CardChange, NewCard

SAME_REVIEW = timedelta(seconds=1)  # a review exported by srs comes back within a millisecond or two
REDATED_SPAN = timedelta(minutes=1)  # Anki dates the reviews it re-dates at one moment, its import's
_NONE: Counter = Counter()  # no card of an Anki deck recognised (read, never written)


class _Target(NamedTuple):
    """An incoming card and the srs card it merges into (a named tuple: one per card)."""

    deck: str
    card: str
    incoming: AnkiCard


class Merger:
    """One invocation's merge: the decks resolved once, results per deck."""

    def __init__(self, store: Store, now: datetime) -> None:
        self.store = store
        self.now = now
        self.results: dict[str, DeckResult] = {}
        self._guids: dict[str, tuple[str, str]] | None = None
        self._anki_ids: dict[str, str] = {}
        self._deck_of_name: dict[str, str] = {}
        self._positions: dict[str, int] = {}  # the next card position of each deck merged into
        self._added: set[int] = set()
        self._renders_html = False  # the package being merged is what renders its cards' HTML
        self._ids_from_guids = False  # its cards' ids are card_id(note GUID, ord, several cards)
        self._names = {d.id: d.name for d in store.decks()}

    # ------------------------------------------------------------ identity
    def guids(self) -> dict[str, tuple[str, str]]:
        """The cards a note GUID names: every card srs exports is the note with GUID
        srs.anki.ids.guid(deck, card), or, for a card that came from Anki, its own note's.
        (Also the deck of each card whose id came from an Anki note: a note's second card, say.)"""
        if self._guids is None:
            self._guids, self._anki_ids = {}, {}
            for d, c, anki_guid in self.store.card_ids():
                self._guids[guid(d, c)] = (d, c)
                if anki_guid:
                    self._guids[anki_guid] = (d, c)
                if ANKI_ID.match(c):
                    self._anki_ids.setdefault(c, d)
        return self._guids

    def _deck_for(self, name: str, recognised: Counter) -> str:
        """The srs deck an Anki deck's new cards go to: the deck most of its recognised
        cards are in, else the srs deck of that name, else a new id from the name (made
        unique when another deck already has it)."""
        if name in self._deck_of_name:
            return self._deck_of_name[name]
        if recognised:
            found = recognised.most_common(1)[0][0]
        else:
            found = next((i for i, n in self._names.items() if n.casefold() == name.casefold()), None)
            if found is None:
                base = found = deck_id(name)
                k = 2
                while found in self._names:
                    found, k = f"{base}-{k}", k + 1
        self._deck_of_name[name] = found
        self._names.setdefault(found, name)
        return found

    def result(self, deck: str) -> DeckResult:
        if deck not in self.results:
            self.results[deck] = DeckResult(deck, self._names.get(deck, deck))
        return self.results[deck]

    # ------------------------------------------------------------ content
    def merge(self, package, with_history: bool = False, scheduler=None) -> None:
        """Merge an AnkiPackage or an open PackageReader: a light first pass places each
        Anki deck, then the cards go in batches (one transaction for the whole import; the
        caller holds it), then the media the cards use, and what was skipped."""
        guids = self.guids()
        self._renders_html = package.renders_html
        self._ids_from_guids = package.ids_from_guids
        recognised: dict[str, Counter] = {}
        if guids or package.carries_targets:  # else no card can be recognised
            for note_guid, ord_, deck, target in package.placements(guids):  # the cards it may know
                if target is None and ord_ == 0:
                    target = guids.get(note_guid)
                if target is not None:
                    counter = recognised.get(deck)
                    if counter is None:
                        counter = recognised[deck] = Counter()
                    counter[target[0]] += 1  # (a note's later cards follow its first)
        seen: set[tuple[str, str]] = set()
        used: dict[str, set[str]] = {}
        for batch in package.batches():
            by_deck: dict[str, list[_Target]] = {}
            deck_of, anki_ids = self._deck_of_name, self._anki_ids
            for card in batch:
                # the srs card it is: by the ids a file carries, by its note's GUID, or (a note's
                # second card, say) by the id its GUID gives, in whatever deck it is
                target = card.target
                if target is None:
                    if card.ord == 0:
                        target = guids.get(card.guid)
                    if target is None and (deck := anki_ids.get(card.spec.id)) is not None:
                        target = (deck, card.spec.id)
                if target is None:
                    deck = deck_of.get(card.deck)
                    if deck is None:
                        deck = self._deck_for(card.deck, recognised.get(card.deck, _NONE))
                    target = (deck, card.spec.id)
                if target in seen:
                    continue  # a card twice in one package: the first
                seen.add(target)
                cards = by_deck.get(target[0])
                if cards is None:
                    cards = by_deck[target[0]] = []
                cards.append(_Target(target[0], target[1], card))
            keys: dict[int, _Target] = {}
            self._added = set()  # keys of the cards this batch adds (no state yet)
            for deck, cards in by_deck.items():
                keys.update(self._merge_deck(deck, cards, package.source))
                names = used.setdefault(deck, set())
                for t in cards:
                    spec = t.incoming.spec
                    if "[" in spec.question or "[" in spec.answer or "[" in spec.explanation:
                        names |= media_names(spec.question, spec.answer, spec.explanation)
            self._schedule(keys, with_history, scheduler)
        decks_of: dict[str, list[str]] = {}
        for deck, names in used.items():
            for name in names:
                decks_of.setdefault(name, []).append(deck)
        for name, data in package.read_media(set(decks_of)):  # one file at a time, each written at once
            for deck in decks_of[name]:
                self.result(deck).media += self.store.save_media_file(deck, name, data)
            del data  # (not held while the next one is read)
        first = next(iter(used), None)
        for skipped in package.skipped:
            deck = self._deck_for(skipped.deck, Counter()) if skipped.deck else first
            self.result(deck or deck_id(Path(package.source).stem)).skipped.append(
                {"note": skipped.note, "reason": skipped.reason})

    def _merge_deck(self, deck: str, cards: list[_Target], source: str) -> dict[int, _Target]:
        store, now = self.store, self.now
        result = self.result(deck)
        if deck not in self._positions:
            if store.deck(deck) is None:
                result.created = True
                store.save_deck(DeckRecord(deck, self._names.get(deck, deck), source=source, updated_at=now))
            self._positions[deck] = store.next_position(deck)
        existing = {} if result.created else store.deck_cards(deck, [t.card for t in cards])
        stored_html = store.anki_html_of([row.key for row in existing.values()]) if existing else {}
        new_rows: list[NewCard] = []
        keys: dict[int, _Target] = {}
        updates: list[CardChange] = []
        html: list[tuple[int, tuple[str, str, str] | None]] = []  # (key, its HTML or None) to keep
        pending: list[tuple[str, _Target]] = []
        position = self._positions[deck]
        for t in cards:
            spec = t.incoming.spec
            row = existing.get(t.card)
            note_guid = _note_guid(t, self._ids_from_guids)
            if row is None:
                new_rows.append(NewCard(deck, t.card, position, card_text(spec), now, note_guid))
                position += 1
                pending.append((t.card, t))
                continue
            keys[row.key] = t
            text = card_text(spec)
            # a plain front/back copy of a multiple-choice card does not turn it basic
            changed = not text.matches(row) and not (row.kind is CardKind.MC and spec.kind is not CardKind.MC)
            if changed:
                updates.append(CardChange(row.key, text, updated_at=now))
            if row.anki_guid is None and note_guid:
                updates.append(CardChange(row.key, anki_guid=note_guid))
            html_changed = self._html_change(row, t, bool(changed), stored_html.get(row.key), html)
            if row.retired:
                result.left_retired += 1
            elif changed or html_changed:
                result.updated += 1
            else:
                result.unchanged += 1
        result.added += position - self._positions[deck]
        self._positions[deck] = position
        store.update_cards(updates)
        added = store.add_cards(new_rows)
        for cid, t in pending:
            keys[added[(deck, cid)]] = t
            if t.incoming.html is not None and self._renders_html:
                h = t.incoming.html
                html.append((added[(deck, cid)], (h.question, h.answer, h.css)))
        store.save_anki_html(html)
        self._added.update(added.values())
        return keys

    def _html_change(self, row, t: _Target, changed: bool, stored: tuple[str, str, str] | None,
                     html: list[tuple[int, tuple[str, str, str] | None]]) -> bool:
        """Whether a card's kept HTML changes (the change added to ``html``). A package that
        renders its cards (an Anki package) says what it is: its HTML, or none (the card
        shows its text); a file of text leaves it, unless it changes the card's text (the
        HTML would show the old card). A multiple-choice card never has any: the page shows
        its fields."""
        incoming = t.incoming.html
        if row.kind is CardKind.MC or not self._renders_html:
            new = None if changed or row.kind is CardKind.MC else stored
        else:
            new = (incoming.question, incoming.answer, incoming.css) if incoming is not None else None
        if new == stored:
            return False
        html.append((row.key, new))
        return True

    # ------------------------------------------------------------ scheduling
    def _schedule(self, keys: dict[int, _Target], with_history: bool, scheduler) -> None:
        """Suspension always reaches cards srs has not scheduled yet; with history, Anki's
        reviews join each card's log and its state continues where Anki left it."""
        if not keys:
            return
        # a card added in this transaction has no state (of any learner) to look up
        memories = self.store.memories([key for key in keys if key not in self._added])
        if not with_history:
            states: list[tuple[int, MemoryState]] = []
            for key, t in keys.items():
                if t.incoming.schedule.suspended and key not in memories:
                    states.append((key, MemoryState(suspended=True)))
                    self.result(t.deck).suspended += 1
            if states:
                self.store.write_history(states, [], [])
            return
        logs = self.store.reviews_of([k for k in keys if k in memories])
        states = []
        added: list[tuple[int, int, datetime, int, str, MemoryState | None, MemoryState]] = []
        replayed: list[tuple[int, MemoryState | None, MemoryState]] = []
        for key, t in keys.items():
            memory = memories.get(key)
            log = logs.get(key, [])
            incoming = not_redated(log, t.incoming.reviews)
            suspended = t.incoming.schedule.suspended
            if not incoming:
                if memory is not None and memory.suspended != suspended and (t.incoming.reviews or suspended):
                    states.append((key, memory.with_(suspended=suspended)))
                    self.result(t.deck).suspended += suspended
                elif memory is None and suspended:
                    states.append((key, MemoryState(suspended=True)))
                    self.result(t.deck).suspended += 1
                continue
            self.result(t.deck).reviews_added += len(incoming)
            final = _replay(scheduler, key, log, incoming, added, replayed)
            if not log:
                final = _anki_state(t.incoming, final)
            flags = memory or MemoryState()
            if suspended:
                self.result(t.deck).suspended += not flags.suspended
            states.append((key, final.with_(suspended=suspended, leech=flags.leech,
                                            buried_until=flags.buried_until)))
        if states or added or replayed:
            self.store.write_history(states, added, replayed)


def not_redated(log: list, reviews: Sequence) -> list:
    """A card's Anki ``reviews`` that are new to its ``log``: those that match no review of
    the log by time (the same rating within ``SAME_REVIEW``), less srs's own reviews that Anki re-dated. Anki dates a review in its future (srs's
    answers given under SRS_NOW ahead of the clock) at the moment it imports it, keeping
    their order: such copies are the incoming reviews that pair, in order and rating by
    rating, with the log's reviews no incoming one matched, each dated before its original,
    all at one moment (within ``REDATED_SPAN``)."""
    def same(e, r) -> bool:
        return e.rating == r.rating and abs(e.reviewed_at - r.at) < SAME_REVIEW

    incoming = [r for r in reviews if not any(same(e, r) for e in log)]
    if not incoming or not log:
        return incoming
    originals = sorted((e for e in log if not any(same(e, r) for r in reviews)), key=lambda e: e.reviewed_at)
    kept, copies, j = [], [], 0
    for r in sorted(incoming, key=lambda r: r.at):
        if j < len(originals) and originals[j].rating == r.rating and r.at < originals[j].reviewed_at:
            copies.append(r)
            j += 1
        else:
            kept.append(r)
    if not copies or copies[-1].at - copies[0].at > REDATED_SPAN:
        return incoming  # not one moment's re-dating: Anki's own reviews
    return kept


def _note_guid(t: _Target, ids_from_guids: bool = False) -> str | None:
    """The Anki note GUID to keep with a card that is that note's only card (its id comes
    from the GUID): exporting the card gives Anki back the same note. With
    ``ids_from_guids`` (a package whose cards' ids are ``card_id(guid, ord, many)``), a card
    merged under its own id is one when its id has no card number: no digest to compare."""
    g = t.incoming.guid
    if not g:
        return None
    if ids_from_guids and t.card == t.incoming.spec.id:
        return g if "-" not in t.card else None  # card_id(g, ord, False) is card_id(g, 0, False)
    return g if t.card == card_id(g, 0, False) else None


def _replay(scheduler, key: int, log: list, incoming: list, added: list, replayed: list) -> MemoryState:
    """The merged log (srs's rows and Anki's, by time) replayed through FSRS from new: rows
    already there get their recomputed before/after, Anki's are added."""
    from srs.scheduler import rate

    merged = [(e.reviewed_at, 0, e) for e in log] + [(r.at, 1, r) for r in incoming]
    merged.sort(key=lambda m: (m[0], m[1]))
    memory, before = MemoryState(), None
    for when, from_anki, item in merged:
        after = rate(scheduler, key, memory, item.rating, when)
        if from_anki:
            added.append((key, item.rating, when, item.duration_ms, "anki", before, after))
        elif item.before != before or item.after != after:
            replayed.append((item.id, before, after))
        memory = before = after
    return memory


def _anki_state(card: AnkiCard, replayed: MemoryState) -> MemoryState:
    """The schedule continues where Anki left it: the card's state and due date as Anki
    has them, and its FSRS memory state when Anki kept one (its parameters made it);
    otherwise the memory the replay of the log gave."""
    s = card.schedule
    if s.type not in (1, 2, 3) or s.due is None or replayed.state == 0:
        return replayed
    state = State(s.type)
    out = replayed.with_(state=state, due=s.due, lapses=s.lapses, reps=max(s.reps, replayed.reps),
                         step=(replayed.step or 0) if state != REVIEW else None)
    if s.stability is not None and s.difficulty is not None:
        out = out.with_(stability=s.stability, difficulty=min(max(s.difficulty, 1.0), 10.0),
                        last_review=s.last_review or replayed.last_review)
    return out


__all__ = ["Merger"]
