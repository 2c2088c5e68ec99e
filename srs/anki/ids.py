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


__all__ = ["BASIC_NOTETYPE_ID", "MC_NOTETYPE_ID", "MC_NOTETYPE_NAME", "guid", "number"]
