"""Test-wiseness cues in a deck: strategies that score without knowing the answers.

Each strategy is a simulated student who follows one rule on every multiple-choice card
("pick the longest choice", "always answer B", ...). Where the rule leaves n choices
equally good, the student picks one of them at random: the card scores 1/n if the right
choice is among them. A deck whose strategies score near pure guessing gives nothing
away; one where a strategy reaches the pass mark can be passed without knowing anything.

Plain Python: no terminal, no database. ``lint`` takes cards as :class:`Item` records;
``from_deck_spec`` and ``from_study_cards`` build them from a parsed file or the store.

``lint.report`` holds the records and their JSON shapes, ``lint.rules`` the strategies and
the checks of single cards; this module, the use cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from srs.lint.report import AboveChoice, Duplicate, Item, LintReport, LintReportDict, StrategyResult
from srs.lint.rules import (_ABOVE, _BUILT_IN, ABSOLUTE_WORDS, DEFAULT_PASS_MARK, RULES, STOP_WORDS, _in_any,
                            _position, _score, _score_rules, above, absolute, content_words, duplicates, echo,
                            has_absolute, is_above, longest, shortest)
from srs.model import LETTERS, CardKind, letter_index, record_maker


def lint(items: Sequence[Item], pass_mark: float | None = None, source: str = "", deck: str = "",
         from_store: bool = False, strategies_only: bool = False, only_failing: bool = False) -> LintReport | None:
    """Score every strategy on the multiple-choice ``items`` of a deck. ``strategies_only``:
    without the checks of single cards (duplicate and "all of the above" choices), which
    decide nothing about whether a strategy passes (the hint after an import).
    ``only_failing``: None instead of the report once it is certain that no strategy passes
    (the hint tells of the others only); a report that may fail is the whole one."""
    mark = DEFAULT_PASS_MARK if pass_mark is None else pass_mark
    n = len(items)

    def result(name: str, label: str, score: float, cards: tuple[str, ...], detail: str = "") -> StrategyResult:
        share = score / n if n else 0.0
        return StrategyResult(name, label, score, share, bool(n) and share >= mark - 1e-9, cards, detail)

    if only_failing and not n:
        return None  # no cards: no strategy passes
    letter, position_score, position_cards = _position(items)
    fused = RULES is _BUILT_IN and all(type(item.answer) is int for item in items)
    if fused:
        need = (mark - 1e-9) * n  # the score that passes (share >= mark - 1e-9)
        may_give_up = only_failing and max(position_score, 0.0) + 1 < need
        scored = _score_rules(items, need if may_give_up else None)
        if scored is None:
            return None
    else:
        scored = [_score(items, rule) for _, _, rule in RULES]
    chance = sum(1 / len(item.choices) for item in items)
    strategies = []
    for (name, label, _), (score, cards) in zip(RULES, scored, strict=True):
        strategies.append(result(name, label, score, cards))
    strategies.insert(2, result("position", f"always answers {letter}", max(position_score, 0.0), position_cards,
                                letter))
    letters = {LETTERS[i]: 0 for i in range(max((len(item.choices) for item in items), default=0))}
    for item in items:
        letters[LETTERS[item.answer]] += 1
    if strategies_only:
        return LintReport(source, deck, from_store, n, mark, chance, tuple(strategies), letters=letters)
    above_choices = [AboveChoice(item.id, LETTERS[i], c, i == item.answer)
                     for item in items if _in_any(_ABOVE, item.choices)
                     for i, c in enumerate(item.choices) if is_above(c)]
    return LintReport(source, deck, from_store, n, mark, chance, tuple(strategies), tuple(duplicates(items)),
                      tuple(above_choices), letters)


# ---------------------------------------------------------------- inputs
_make_item = record_maker(Item)  # Item(...), without the frozen dataclass's __init__ (a deck's every card)


def from_deck_spec(spec: Any, strategies_only: bool = False, only_failing: bool = False) -> LintReport | None:
    """Lint a parsed deck file (``srs.deckfile.DeckSpec``); basic cards are left out."""
    make = _make_item
    items = [make(c.id, c.question, tuple(c.choices), letter_index(c.answer))
             for c in spec.cards if c.kind is CardKind.MC]
    mark = spec.exam.pass_mark if spec.exam is not None else None
    return lint(items, mark, spec.source or spec.id, spec.id, strategies_only=strategies_only,
                only_failing=only_failing)


def from_study_cards(deck_id: str, cards: Iterable[Any], pass_mark: float | None) -> LintReport:
    """Lint a deck in the store from its multiple-choice ``StudyCard``s."""
    items = [Item(c.card_id, c.question, tuple(c.choices), c.answer_index)
             for c in cards if c.kind is CardKind.MC]
    report = lint(items, pass_mark, deck_id, deck_id, from_store=True)
    assert report is not None  # only only_failing leaves a report out
    return report


def lint_paths(paths: Iterable[Any], strategies_only: bool = False, only_failing: bool = False) -> list[LintReport]:
    """Lint deck files (.toml, quiz-page .txt) by path; any other extension is refused.
    ``only_failing``: without the reports of the files where surely no strategy passes."""
    from srs.deckfile import read_deck
    from srs.errors import UserError

    reports = []
    for path in paths:
        if not path.exists():
            raise UserError(f"{path}: no such file")
        if path.suffix.lower() not in (".toml", ".txt"):
            raise UserError(f"{path}: cannot lint {path.suffix or 'a file without extension'} (known: .toml, .txt)")
        report = from_deck_spec(read_deck(path), strategies_only, only_failing)
        if report is not None:
            reports.append(report)
    return reports


def lint_deck(store: Any, deck_id: str) -> LintReport:
    """Lint a deck already imported, against its exam pass mark (when it has exam settings)."""
    row = store.deck(deck_id)
    mark = row.exam_pass_mark if row is not None and row.exam_enabled else None
    return from_study_cards(deck_id, store.mc_cards(deck_id), mark)


def failing_files(paths: Iterable[Any]) -> list[LintReport]:
    """The reports of the .toml deck files among ``paths`` that a test-wise student could
    pass (the files have been read without error): ``failing_decks`` of the files read."""
    from srs.deckfile import read_deck

    return failing_decks(read_deck(p) for p in paths if p.suffix.lower() == ".toml")


def failing_decks(specs: Iterable[Any]) -> list[LintReport]:
    """The reports of the parsed deck files (``srs.deckfile.DeckSpec``) that a test-wise
    student could pass, for the hint after an import. Their reports hold the strategies only,
    what the hint tells."""
    reports = (from_deck_spec(spec, strategies_only=True, only_failing=True) for spec in specs)
    return [r for r in reports if r is not None and r.fails]


__all__ = ["ABSOLUTE_WORDS", "AboveChoice", "DEFAULT_PASS_MARK", "Duplicate", "Item", "LintReport", "LintReportDict",
           "RULES", "STOP_WORDS", "StrategyResult", "above", "absolute", "content_words", "duplicates", "echo",
           "from_deck_spec", "from_study_cards", "failing_decks", "failing_files", "has_absolute", "is_above", "lint", "lint_deck",
           "lint_paths", "longest", "shortest"]
