"""In-process helpers for the daily-use tests (issue 23): srs run through Typer's CliRunner on
a fresh SQLite database holding the small deck, with the clock fixed by SRS_NOW."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from srs.cli import app
from tests.cli.helpers import MINI, letters

NOW = "2026-11-02T09:00:00+00:00"


class Srs:
    """``srs(*args, input=…, now=…)`` runs one command in-process; the result has
    ``stdout``, ``stderr`` and ``exit_code``."""

    def __init__(self, tmp_path, monkeypatch, width: int = 120) -> None:
        self.db = str(tmp_path / "srs.db")
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("SRS_FUZZ", "0")
        monkeypatch.setenv("SRS_NOW", NOW)
        if width:
            monkeypatch.setenv("SRS_WIDTH", str(width))
        (tmp_path / "mini.toml").write_text(MINI)
        self.deck = str(tmp_path / "mini.toml")

    def __call__(self, *args: str, input: str | None = None, now: str | None = None, ok: bool = True):
        if now is not None:
            self.monkeypatch.setenv("SRS_NOW", now)
        result = CliRunner().invoke(app, ["--db", self.db, "--learner", "tester", *args], input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        if ok:
            assert result.exit_code == 0, (args, result.exit_code, result.stdout, result.stderr)
        return result

    def cards(self, deck: str = "mini", chance: bool = False) -> dict[str, dict]:
        extra = ("--chance",) if chance else ()
        return {c["card"]: c for c in json.loads(self("cards", "--deck", deck, "--json", *extra).stdout)}

    def right(self, name: str) -> str:
        """The key that answers ``name`` right in a review now."""
        return letters(self.db, "tester", name)[0]

    def wrong(self, name: str) -> str:
        return letters(self.db, "tester", name)[1]

    def first(self, *args: str) -> str:
        """The card `srs review ARGS` shows first."""
        out = self("review", *args, input="q\n").stdout
        return re.search(r"─ ([^\s─]+/[^\s─]+) ─", out).group(1)

    def log(self) -> list[tuple[str, int]]:
        from srs.store import open_store

        store, _ = open_store(self.db, "tester")
        try:
            return [(name, e.rating) for name, e in store.review_log()]
        finally:
            store.close()
