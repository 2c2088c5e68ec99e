"""What lint finds on a deck, as records and their JSON shapes (docs/json.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict


class _Strategy(TypedDict):
    name: str                        # longest, shortest, position, echo, absolute, above
    label: str
    score: float
    share: float
    passes: bool
    cards: list[str]


class StrategyDict(_Strategy, total=False):
    letter: str                      # the position strategy's letter


class DuplicateDict(TypedDict):
    card: str
    letters: list[str]
    ratio: float


class AboveChoiceDict(TypedDict):
    card: str
    letter: str
    choice: str
    right: bool


class _LintReport(TypedDict):
    deck: str
    cards: int
    pass_mark: float
    chance: float
    chance_share: float
    strategies: list[StrategyDict]
    duplicates: list[DuplicateDict]
    above_choices: list[AboveChoiceDict]
    letters: dict[str, int]
    fails: bool


class LintReportDict(_LintReport, total=False):
    """A deck in `srs lint --json` (docs/json.md)."""

    path: str                        # a file's; none for a deck in the store


@dataclass(frozen=True)
class Item:
    """One multiple-choice card as lint sees it."""

    id: str
    question: str
    choices: tuple[str, ...]
    answer: int  # index of the right choice


@dataclass(frozen=True)
class StrategyResult:
    """What a student following one rule scores on the deck."""

    name: str  # longest, shortest, position, echo, absolute, above
    label: str  # completes "a student who ...": "always picks the longest choice"
    score: float  # expected right answers
    share: float  # score / cards
    passes: bool  # share reaches the pass mark
    cards: tuple[str, ...]  # cards the rule gets right outright (they carry the cue)
    detail: str = ""  # the letter of the position strategy

    def to_dict(self) -> StrategyDict:
        data: StrategyDict = {"name": self.name, "label": self.label, "score": round(self.score, 4),
                              "share": round(self.share, 4), "passes": self.passes, "cards": list(self.cards)}
        if self.detail:
            data["letter"] = self.detail
        return data


@dataclass(frozen=True)
class Duplicate:
    """Two choices of one card that read the same (or nearly)."""

    card: str
    letters: tuple[str, str]
    ratio: float

    def to_dict(self) -> DuplicateDict:
        return {"card": self.card, "letters": list(self.letters), "ratio": round(self.ratio, 3)}


@dataclass(frozen=True)
class AboveChoice:
    """A card with an "all / none of the above" choice."""

    card: str
    letter: str
    choice: str
    right: bool

    def to_dict(self) -> AboveChoiceDict:
        return {"card": self.card, "letter": self.letter, "choice": self.choice, "right": self.right}


@dataclass(frozen=True)
class LintReport:
    """Every strategy's score on one deck (a file or a deck in the store)."""

    source: str  # the file's path, or the deck id for a deck in the store
    deck: str  # the deck id
    from_store: bool
    cards: int  # multiple-choice cards
    pass_mark: float
    chance: float  # expected right answers of pure guessing
    strategies: tuple[StrategyResult, ...] = ()
    duplicates: tuple[Duplicate, ...] = ()
    above_choices: tuple[AboveChoice, ...] = ()
    letters: dict[str, int] = field(default_factory=dict)

    @property
    def chance_share(self) -> float:
        return self.chance / self.cards if self.cards else 0.0

    @property
    def fails(self) -> bool:
        return any(s.passes for s in self.strategies)

    @property
    def failing(self) -> list[StrategyResult]:
        """The strategies that reach the pass mark, best first."""
        return sorted((s for s in self.strategies if s.passes), key=lambda s: -s.score)

    @property
    def best(self) -> StrategyResult | None:
        return max(self.strategies, key=lambda s: s.score, default=None)

    def to_dict(self) -> LintReportDict:
        data: LintReportDict = {
            "deck": self.deck, "cards": self.cards, "pass_mark": self.pass_mark, "chance": round(self.chance, 4),
            "chance_share": round(self.chance_share, 4),
            "strategies": [s.to_dict() for s in self.strategies],
            "duplicates": [d.to_dict() for d in self.duplicates],
            "above_choices": [a.to_dict() for a in self.above_choices],
            "letters": dict(self.letters), "fails": self.fails,
        }
        return data if self.from_store else {"path": self.source, **data}


__all__ = ["AboveChoice", "AboveChoiceDict", "Duplicate", "DuplicateDict", "Item", "LintReport", "LintReportDict",
           "StrategyDict", "StrategyResult"]
