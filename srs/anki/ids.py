"""Stable identities for what we write to Anki: derived from deck and card ids, so every
export of the same card is the same note, and re-importing updates instead of duplicating."""

from __future__ import annotations

import hashlib

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

__all__ = ["BASIC_NOTETYPE_ID", "MC_NOTETYPE_ID", "MC_NOTETYPE_NAME", "card_identities", "guid", "number"]
