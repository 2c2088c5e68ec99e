"""Export a deck (or all of them) by the file's extension: .apkg, .txt, .csv, .toml."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from srs.deckfile import CardSpec, DeckSpec, ExamSettings, dump_toml
from srs.errors import UserError
from srs.formats import format_of
from srs.settings import Settings
from srs.store import Store

def export(store: Store, path: Path, deck: str | None, now: datetime, with_history: bool = False,
           settings: Settings | None = None, overwrite: bool = False) -> int:
    """Write the file; returns the number of cards. An existing file is replaced only with
    ``overwrite``. Every format is written to a temporary file beside ``path`` and renamed
    over it: nothing is left behind on failure, and an old file is never half-replaced. A
    replaced file keeps its permission bits; a new one gets those of any new file (umask).
    An .apkg carries the learner's ``settings`` (day rollover, desired retention, FSRS decay)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name, e.g. {path / ('deck' + suffix if suffix else 'deck.apkg')}")
    format_of(path, exporting=True)
    if not path.parent.is_dir():
        raise UserError(f"{path}: folder {path.parent} does not exist")
    decks = [d for d in store.decks() if deck is None or d.id == deck]
    if not decks:
        raise UserError("nothing to export: no decks")
    if with_history and suffix != ".apkg":
        raise UserError("--with-history needs an .apkg file")
    if not overwrite and os.path.lexists(path):
        raise UserError(f"{path}: exists; add --force to replace it")
    names = {d.id: d.name for d in decks}
    from srs.anki.types import ExportCard

    def cards():
        for card, updated_at, anki_guid in store.export_cards(deck, with_state=with_history):
            yield ExportCard(card, updated_at, anki_guid)

    if suffix == ".apkg":
        from srs.anki.apkg_write import write_apkg

        history = None
        if with_history:
            history = (entry for _, entry in store.review_log(deck))
        media_names = frozenset().union(*(store.media_names(d) for d in names))
        with _replacing(path) as partial:
            return write_apkg(partial, names, cards(), now, history, _scheduling(settings or Settings()),
                              store.media_files(deck) if media_names else (), media_names)
    if suffix == ".toml":
        if len(decks) > 1:
            raise UserError("a .toml file holds one deck: choose it with --deck")
        d = decks[0]
        exam = ExamSettings(d.exam_questions, d.exam_minutes, d.exam_pass_mark) if d.exam_enabled else None
        specs = tuple(CardSpec(c.card.card_id, c.card.question, c.card.answer, c.card.choices, c.card.explanation,
                               c.card.wrong_feedback, c.card.tags) for c in cards())
        text = dump_toml(DeckSpec(d.id, d.name, d.description, exam, specs))
        return _write_atomic(path, lambda f: f.write(text)) and len(specs)
    from srs.anki.textfile import write_anki_text, write_csv

    counted = []
    if suffix == ".txt":
        _write_atomic(path, lambda f: counted.append(write_anki_text(f, names, cards())))
    else:
        _write_atomic(path, lambda f: counted.append(write_csv(f, cards())), newline="")
    return counted[0]


def _scheduling(settings: Settings):
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from srs.anki.apkg_write import Scheduling

    parameters = settings.parameters or DEFAULT_PARAMETERS
    return Scheduling(settings.day_starts_at, settings.desired_retention, float(parameters[20]))


def _write_atomic(path: Path, write, newline: str | None = None) -> bool:
    with _replacing(path) as partial, open(partial, "w", encoding="utf-8", newline=newline) as f:
        write(f)
    return True


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; when the block ends without an error it is
    renamed over ``path`` (atomically, on one file system), with the permission bits of the
    file it replaces or, for a new file, those of any new file (0666 less the umask). On any
    error it is removed and ``path`` is left as it was."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            yield Path(tmp)
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except FileNotFoundError:
                mode = 0o666 & ~_umask()  # mkstemp made it private
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        raise UserError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = ["export"]
