"""The one boundary for text shown to a person: ``shown()``.

Everything a deck, a package, a file name or the database holds is data, never terminal
control. ``shown`` turns every character that could drive a terminal or hide text into a
visible placeholder, so the learner sees that it is there:

- C0 controls except newline and tab, and DEL: the Unicode control pictures
  (ESC → ``␛``, NUL → ``␀``, BEL → ``␇``, DEL → ``␡``); CR LF counts as a newline;
- C1 controls (U+0080–U+009F, e.g. the one-byte CSI U+009B): ``<U+009B>``;
- bidi embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E,
  U+200F, U+061C), zero-width and invisible format characters (U+200B–U+200D, U+2060–U+2064,
  U+206A–U+206F, U+FEFF, U+180E, U+FFF9–U+FFFB, the tag characters U+E0000–U+E007F, and the
  other invisible format controls), the line and paragraph separators U+2028/U+2029, and
  lone surrogates (from file names that are not UTF-8): ``<U+202E>``. Shown, not removed:
  what the file holds is never hidden.

Only the text shown changes; what is stored stays exactly what the file held.

Where it is applied: every Rich ``Text`` srs builds is ``srs.ui.text.Text``, whose content
goes through ``shown``; the console (``srs.ui.console``) passes every plain string it renders
through it and never reads markup; the CLI's plain lines (``error: …``) go through it too.
``tests/test_shown_text.py`` enforces where Rich text may be made. This module imports no
Rich, so the error boundary and ``--json`` can use it for free.
"""

from __future__ import annotations

import re

#: code point ranges (inclusive) shown as placeholders
UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F),      # C0 but \t \n, DEL, C1
    (0x061C, 0x061C),                              # Arabic letter mark (bidi)
    (0x180E, 0x180E),                              # Mongolian vowel separator (invisible)
    (0x200B, 0x200F),                              # zero-width space, ZWNJ, ZWJ, LRM, RLM
    (0x2028, 0x202E),                              # line/paragraph separators, bidi embeddings and overrides
    (0x2060, 0x2064),                              # word joiner, invisible operators
    (0x2066, 0x206F),                              # bidi isolates, deprecated format controls
    (0xD800, 0xDFFF),                              # lone surrogates
    (0xFEFF, 0xFEFF),                              # zero-width no-break space (BOM)
    (0xFFF9, 0xFFFB),                              # interlinear annotation controls
    (0x13430, 0x1343F),                            # Egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),                            # shorthand format controls
    (0x1D173, 0x1D17A),                            # musical symbol format controls
    (0xE0000, 0xE007F),                            # tag characters (invisible text)
)

#: format characters (Unicode category Cf) left as they are: they show as themselves
#: (the soft hyphen, and the Arabic and Syriac signs that are drawn spanning digits)
VISIBLE_FORMAT = frozenset({0x00AD, *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2,
                            0x110BD, 0x110CD})

UNSAFE = re.compile("[" + "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in UNSAFE_RANGES) + "]")


def placeholder(char: str) -> str:
    """What one unsafe character is shown as."""
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the control pictures: ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


def _replace(match: re.Match[str]) -> str:
    return placeholder(match.group())


def shown(value: str) -> str:
    """``value`` as it may reach a terminal: every unsafe character a visible placeholder.
    Idempotent (a placeholder is safe), and the same string when nothing is unsafe."""
    if UNSAFE.search(value) is None:
        return value
    return UNSAFE.sub(_replace, value.replace("\r\n", "\n"))


__all__ = ["UNSAFE", "UNSAFE_RANGES", "VISIBLE_FORMAT", "placeholder", "shown"]
