"""Media file names a person can trust: cleaned as Anki cleans them on import
(rslib/src/media/files.rs, ``normalize_filename``), before srs stores them.

- NFC;
- removed: ``[ ] < > : " / ? * ^ \\ |`` and ASCII control characters (Anki), and, stricter
  than Anki, every other control or invisible character — C1 controls, format characters
  (bidi overrides and isolates, zero-width characters), line and paragraph separators,
  lone surrogates — and unassigned code points;
- a no-break space becomes a space;
- a Windows device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, alone or before a dot) gets
  ``_`` after it, and so does a name ending in a space or a dot;
- at most 120 bytes of UTF-8: the extension (up to 10 bytes) is kept and the stem cut, on
  a character boundary.

A name that cleans to nothing (but was not empty) becomes ``_``. Cleaning a clean name changes nothing.

And the one grammar a card's text names its media files with, written and read only here:
``[image: NAME]`` and ``[sound: NAME]`` (NAME: one character or more, no ``]``, on one line),
by the same cleaned names (as Anki rewrites a note's references when it renames a file).
srs/anki/html.py writes them for Anki's ``<img>`` and ``[sound:…]``, srs/anki/convert.py
turns them back into Anki's markup, srs/web shows them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from srs.anki.scan import bracketed

MAX_NAME_BYTES = 120
MAX_EXTENSION_BYTES = 10

#: characters Anki removes from file names (and ASCII controls, below)
_ANKI_REMOVED = frozenset('[]<>:"/?*^\\|')
#: Unicode categories srs removes besides: controls, format, surrogates, unassigned, separators
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})
_PLAIN = re.compile(r"[A-Za-z0-9 _.,+=@#$%&'()!~-]*")  # names needing no character check
_DEVICE = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\.|$)", re.IGNORECASE)
#: what opens a placeholder, by the kind of file it names
IMAGE, SOUND = "[image: ", "[sound: "


def _kept(char: str) -> bool:
    return char not in _ANKI_REMOVED and unicodedata.category(char) not in _REMOVED_CATEGORIES


def _cut(text: str, max_bytes: int) -> str:
    """``text`` within ``max_bytes`` of UTF-8, cut on a character boundary."""
    return text.encode("utf-8", "surrogatepass")[:max_bytes].decode("utf-8", "ignore")


def _truncate(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    if len(name.encode("utf-8")) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = _cut(extension, MAX_EXTENSION_BYTES)
    stem = _cut(stem, max_bytes - len(extension.encode("utf-8")) - 2)  # room for the dot and a trailing _
    out = f"{stem}.{extension}" if extension else stem
    return out + "_" if out.endswith((" ", ".")) else out


def clean_media_name(name: str) -> str:
    """The name srs stores a media file under (see the module's docstring); "" stays ""."""
    if not name:
        return name
    if not _PLAIN.fullmatch(name):
        name = unicodedata.normalize("NFC", name)
        if not all(map(_kept, name)):
            # removing a character may bring a base letter and a combining mark together
            name = unicodedata.normalize("NFC", "".join(filter(_kept, name)))
        name = name.replace("\xa0", " ")
    name = _DEVICE.sub(r"\1_\2", name)
    if name.endswith((" ", ".")):
        name += "_"
    return _truncate(name) or "_"


def placeholder(opener: str, name: str) -> str:
    """The placeholder for a file: ``placeholder(IMAGE, "x.png")`` is ``[image: x.png]``."""
    return f"{opener}{name}]"


def placeholders(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, IMAGE or SOUND, name) of each placeholder in ``text``, left to right
    (linear in the text)."""
    if "[" in text:
        yield from bracketed(text, (IMAGE, SOUND), "\n")


def media_names(*texts: str) -> set[str]:
    """The media files a card's texts name."""
    return {name for t in texts for _, _, _, name in placeholders(t)}


def clean_media_refs(text: str) -> str:
    """``text`` with the file name of every placeholder cleaned."""
    out, pos = [], 0
    for start, end, opener, name in placeholders(text):
        out += [text[pos:start], placeholder(opener, clean_media_name(name))]
        pos = end
    return "".join(out) + text[pos:] if out else text


def with_clean_media_refs(spec):
    """A card (``deckfile.CardSpec``) whose texts name its media files by their cleaned names;
    the same object when there is nothing to change."""
    if spec is None:
        return None
    if "[" not in spec.question and "[" not in spec.answer and "[" not in spec.explanation \
            and "[" not in spec.wrong_feedback:  # no placeholder (each starts with `[`): nothing to clean
        return spec
    fields = {"question": spec.question, "answer": spec.answer, "explanation": spec.explanation,
              "wrong_feedback": spec.wrong_feedback}
    cleaned = {key: clean_media_refs(value) for key, value in fields.items() if value}
    changed = {key: value for key, value in cleaned.items() if value != fields[key]}
    return replace(spec, **changed) if changed else spec


__all__ = ["IMAGE", "MAX_NAME_BYTES", "SOUND", "clean_media_name", "clean_media_refs", "media_names", "placeholder",
           "placeholders", "with_clean_media_refs"]
