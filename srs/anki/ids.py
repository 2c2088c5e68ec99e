"""Stable identities both ways: what srs writes to Anki is derived from deck and card ids, so
every export of the same card is the same note, and re-importing updates instead of
duplicating; what comes from Anki gets srs ids from its note's GUID and its deck's name."""

from __future__ import annotations

import hashlib
import re

from srs.scripts import mixed_scripts

MC_NOTETYPE_ID = 1_732_000_000_001     # "srs Multiple Choice", fixed forever
BASIC_NOTETYPE_ID = 1_732_000_000_002  # our copy of Anki's Basic
MC_NOTETYPE_NAME = "srs Multiple Choice"


def _digest(*parts: str) -> bytes:
    # a delimited form, so ("ab", "c") and ("a", "bc") never hash alike
    return hashlib.sha256("\x1f".join(("srs",) + parts).encode()).digest()


def guid(deck_id: str, card_id: str) -> str:
    return _digest("guid", deck_id, card_id).hex()[:20]


def number(*parts: str) -> int:
    """A positive id below 2^53 (JavaScript-safe, as Anki wants)."""
    return int.from_bytes(_digest(*parts)[:7], "big") >> 3 or 1


def card_identities(deck_id: str, card_id: str) -> tuple[str, int, int]:
    """(guid(deck, card), number("note", deck, card), number("card", deck, card)) at once:
    the same values, spelled out for the export's loop (one string built, no calls between)."""
    tail = f"\x1f{deck_id}\x1f{card_id}".encode()
    note = int.from_bytes(_sha256(b"srs\x1fnote" + tail).digest()[:7], "big") >> 3 or 1
    card = int.from_bytes(_sha256(b"srs\x1fcard" + tail).digest()[:7], "big") >> 3 or 1
    return _sha256(b"srs\x1fguid" + tail).hexdigest()[:20], note, card


_sha256 = hashlib.sha256

ANKI_ID = re.compile(r"^n[0-9a-f]{12}(?:-\d+)?$")  # what card_id gives


def card_id(guid: str, ord_: int, many: bool) -> str:
    """The srs id of an Anki card: from its note's GUID (and its ord, for a note type that
    makes several cards), so every import of the note finds the same card."""
    base = "n" + hashlib.sha1(guid.encode()).hexdigest()[:12]
    return f"{base}-{ord_ + 1}" if many else base


def deck_id(name: str) -> str:
    """An Anki deck's srs id, readable in any script: its name lower-cased, every run of
    characters that are not letters or digits (in any alphabet) as one hyphen; `::`
    (a subdeck) too. A name with no letter or digit at all, or whose letters mix scripts
    that look alike (srs.scripts), gets a digest of the name."""
    s = re.sub(r"[\W_]+", "-", name.casefold()).strip("-")
    return s if s and not mixed_scripts(s) else "deck-" + hashlib.sha1(name.encode()).hexdigest()[:8]


__all__ = ["ANKI_ID", "BASIC_NOTETYPE_ID", "MC_NOTETYPE_ID", "MC_NOTETYPE_NAME", "card_id", "card_identities", "deck_id",
           "guid", "number"]
