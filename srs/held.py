"""Cards out of reviews (suspended, or buried for now) and how each comes back: what any
advice to review a tag or a card must say (the exam report, the readiness screen)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from srs.store import Store


def held_tags(store: Store, deck_id: str, tags: list[str], now: datetime) -> dict[str, str]:
    """Tag -> which of its cards are out of reviews (suspended, buried) and how they come
    back, for the tags among ``tags`` that have such cards (advice to review a tag must say)."""
    held = {}
    for tag in tags:
        cards = store.cards(deck_id, tag=tag)
        suspended = [x.name for x in cards if x.memory.suspended]
        buried = [until for x in cards if not x.memory.suspended and (until := x.memory.buried_until) is not None
                  and until > now]
        notes = []
        if suspended:
            notes.append(f"{len(suspended)} of its {len(cards)} cards suspended: srs unsuspend "
                         + " ".join(suspended[:3]) + (" …" if len(suspended) > 3 else ""))
        if buried:
            notes.append(f"{len(buried)} buried until {max(buried):%Y-%m-%d}")
        if notes:
            held[tag] = "; ".join(notes)
    return held


def held_cards(store: Store, keys: list[int], now: datetime) -> dict[str, str]:
    """Card name -> why it is out of reviews and how it comes back, for the suspended or
    buried ones among ``keys``."""
    held = {}
    for key in dict.fromkeys(keys):
        card = store.card(key)
        if card is None:
            continue
        m = card.memory
        if m.suspended:
            held[card.name] = f"suspended: srs unsuspend {card.name}"
        elif m.buried_until is not None and m.buried_until > now:
            held[card.name] = f"buried until {m.buried_until:%Y-%m-%d %H:%M}, back in reviews then"
    return held


__all__ = ["held_cards", "held_tags"]
