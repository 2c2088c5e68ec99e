"""The text a package may make srs render. Reading a card costs time linear in its text,
but linear is not free (a MiB of dense furigana takes about a second), and a small package
can inflate to hundreds of MiB of such text, or a template can repeat a field thousands of
times. So all the text srs reads from one package (each card's note fields, what its
templates render and what their filters and section tests read) counts against one budget,
proportional to the package's size with a floor and a ceiling; past it the package is
refused whole (see README, Reliability › Field text)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

from srs.errors import UserError

MI = 1024**2
TEXT_RATIO = 64                  # characters a package may render per byte of its size ...
TEXT_FLOOR = 64 * MI             # ... at least 64 Mi characters ...
TEXT_CEILING = 1024 * MI         # ... at most 1 Gi characters


def text_budget_for(size: int) -> int:
    """The characters a package of ``size`` bytes may make srs render, in all."""
    return min(max(TEXT_RATIO * size, TEXT_FLOOR), TEXT_CEILING)


class TextTooLong(Exception):
    """A template's output has passed what is left of the budget (raised while rendering,
    so a template repeating a field is stopped before its output is built)."""


class TextBudget:
    """What is left of a package's budget of rendered text; ``spend`` refuses the package."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.limit, self.spent = path, text_budget_for(size), 0

    @property
    def left(self) -> int:
        return max(0, self.limit - self.spent)

    def spend(self, n: int) -> None:
        self.spent += n
        if self.spent > self.limit:
            self.refuse()

    def refuse(self) -> NoReturn:
        raise UserError(f"{self.path}: refused: its cards' text passes its budget of {self.limit:,} "
                        f"characters ({TEXT_RATIO} a byte of the package, at least {TEXT_FLOOR // MI} Mi, "
                        f"at most {TEXT_CEILING // MI:,} Mi); real decks use a few Mi at most")


__all__ = ["TEXT_CEILING", "TEXT_FLOOR", "TEXT_RATIO", "TextBudget", "TextTooLong", "text_budget_for"]
