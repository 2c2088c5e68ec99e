"""Test-wiseness cues in a deck: strategies that score without knowing the answers.

Each strategy is a simulated student who follows one rule on every multiple-choice card
("pick the longest choice", "always answer B", ...). Where the rule leaves n choices
equally good, the student picks one of them at random: the card scores 1/n if the right
choice is among them. A deck whose strategies score near pure guessing gives nothing
away; one where a strategy reaches the pass mark can be passed without knowing anything.

Plain Python: no terminal, no database. ``lint`` takes cards as :class:`Item` records;
``from_deck_spec`` and ``from_study_cards`` build them from a parsed file or the store.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from srs.model import LETTERS, CardKind, letter_index, record_maker
from srs.rules import DEFAULT_PASS_MARK
#: words that make a choice suspicious to a test-wise student ("always", "never", ...)
ABSOLUTE_WORDS = ("always", "never", "only", "all", "none", "every", "completely", "must")
#: how alike two choices of one card may be (difflib ratio after normalising case and space)
NEAR_DUPLICATE = 0.9
#: words too common to count as the question "echoed" in a choice
STOP_WORDS = frozenset("""
    about above after again also among because been before being below between both could
    does doing done each either from have having here into just like made make makes many more
    most much must neither other over same should since some such than that their them then
    there these they this those through under until upon very want were what when where which
    while will with within without would your yours
""".split())

_LONG_WORD = re.compile(r"[a-z]{4,}")  # a run of letters is matched whole or not at all
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_ABSOLUTE = re.compile(r"\b(" + "|".join(ABSOLUTE_WORDS) + r")\b", re.I)
_ABOVE = re.compile(r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|those|preceding|"
                    r"other\s+(choices|options|answers))\b", re.I)


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

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "label": self.label, "score": round(self.score, 4),
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

    def to_dict(self) -> dict[str, Any]:
        return {"card": self.card, "letters": list(self.letters), "ratio": round(self.ratio, 3)}


@dataclass(frozen=True)
class AboveChoice:
    """A card with an "all / none of the above" choice."""

    card: str
    letter: str
    choice: str
    right: bool

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"deck": self.deck} if self.from_store else {"path": self.source, "deck": self.deck}
        data.update({
            "cards": self.cards, "pass_mark": self.pass_mark, "chance": round(self.chance, 4),
            "chance_share": round(self.chance_share, 4),
            "strategies": [s.to_dict() for s in self.strategies],
            "duplicates": [d.to_dict() for d in self.duplicates],
            "above_choices": [a.to_dict() for a in self.above_choices],
            "letters": dict(self.letters), "fails": self.fails,
        })
        return data


# ---------------------------------------------------------------- the rules
def content_words(text: str) -> set[str]:
    """Lowercase alphabetic words of four letters or more, minus common ones."""
    return set(_LONG_WORD.findall(text.lower())) - STOP_WORDS


def has_absolute(text: str) -> bool:
    return _ABSOLUTE.search(text) is not None


def is_above(text: str) -> bool:
    return _ABOVE.search(text) is not None


def _argbest(values: Sequence[float], best: Callable[[Iterable[float]], float]) -> list[int]:
    top = best(values)
    return [i for i, v in enumerate(values) if v == top]


def longest(item: Item) -> list[int]:
    return _argbest([len(c.strip()) for c in item.choices], max)


def shortest(item: Item) -> list[int]:
    return _argbest([len(c.strip()) for c in item.choices], min)


def echo(item: Item) -> list[int]:
    asked = content_words(item.question)
    if not asked:
        return list(range(len(item.choices)))  # no choice echoes anything: all tie
    return _argbest([len(asked & content_words(c)) for c in item.choices], max)


def _in_any(pattern: re.Pattern[str], texts: Sequence[str]) -> bool:
    """Whether ``pattern`` matches in any of ``texts``, in one search: neither pattern can
    match a NUL, which (like a text's end) is no word character, so no match spans two."""
    return pattern.search("\x00".join(texts)) is not None


def absolute(item: Item) -> list[int]:
    if not _in_any(_ABSOLUTE, item.choices):
        return list(range(len(item.choices)))
    kept = [i for i, c in enumerate(item.choices) if not has_absolute(c)]
    return kept or list(range(len(item.choices)))


def above(item: Item) -> list[int]:
    if not _in_any(_ABOVE, item.choices):
        return list(range(len(item.choices)))
    found = [i for i, c in enumerate(item.choices) if is_above(c)]
    return found or list(range(len(item.choices)))


#: (name, label, the choices the rule leaves for a card); "position" is scored apart
RULES: tuple[tuple[str, str, Callable[[Item], list[int]]], ...] = (
    ("longest", "always picks the longest choice", longest),
    ("shortest", "always picks the shortest choice", shortest),
    ("echo", "picks the choice echoing the question's words", echo),
    ("absolute", "rules out absolute words (always, never, only…)", absolute),
    ("above", 'picks "all/none of the above"', above),
)


_BUILT_IN = RULES  # the rules _score_rules knows


def _score(items: Sequence[Item], rule: Callable[[Item], list[int]]) -> tuple[float, tuple[str, ...]]:
    """Expected right answers of a student following ``rule``, and the cards it gets right outright."""
    score, outright = 0.0, []
    for item in items:
        picked = rule(item)
        if item.answer in picked:
            score += 1 / len(picked)
            if len(picked) == 1:
                outright.append(item.id)
    return score, tuple(outright)


_ABSOLUTE_LOWER = tuple(w.lower() for w in ABSOLUTE_WORDS)
#: words the "above" pattern cannot match without (after "of"): a cheap test first
_ABOVE_NEEDS = ("above", "these", "those", "preceding", "other")


#: how many cards _score_rules scores between two looks at whether it may give up
GIVE_UP_EVERY = 1024


def _score_rules(items: Sequence[Item],
                 give_up_below: float | None = None) -> list[tuple[float, tuple[str, ...]]] | None:
    """``[_score(items, rule) for _, _, rule in RULES]`` in one pass over the cards (whole-number
    answers), each rule's choices worked out as its function does, without making their lists:
    a rule that keeps the choices of best value v gets the card's answer right when the answer's
    value is v, among as many choices as have it. Two shortcuts, both exact: a question word
    that is no substring of any (lower-cased) choice is echoed by none; ASCII text without the
    (lower-cased) words of a pattern cannot match it, in any case (non-ASCII text takes the
    pattern itself: ``re.I`` matches some non-ASCII letters to ASCII ones).

    With ``give_up_below``: None as soon as no rule can reach that score any more, even were
    it to get every card left right (a card adds at most 1; one more card's worth of margin
    for the rounding of the sums)."""
    totals = [0.0] * 5
    outright: list[list[str]] = [[], [], [], [], []]
    find_words, stop, strip = _LONG_WORD.findall, STOP_WORDS, str.strip
    left = len(items)
    for done, item in enumerate(items):
        if give_up_below is not None and done % GIVE_UP_EVERY == 0 and done:
            if max(totals) + (left - done) + 1 < give_up_below:
                return None
        choices, answer = item.choices, item.answer
        n = len(choices)
        valid = 0 <= answer < n  # the answer is one of the choices (what "answer in picked" asks of all of them)
        lengths = list(map(len, map(strip, choices)))
        raw = "\x00".join(choices)
        joined = raw.lower()  # each choice lower-cased, as content_words does
        asked = content_words(item.question)
        ascii_text = raw.isascii()
        outcomes = []  # (right, among how many choices) per rule, in RULES' order
        for best in (max(lengths), min(lengths)):  # longest, shortest
            outcomes.append((valid and lengths[answer] == best, lengths.count(best)))
        if not asked or not any(word in joined for word in asked):
            outcomes.append((valid, n))  # nothing echoes: all tie at 0 (as echo() finds)
        else:
            shared = [len(asked.intersection(find_words(c.lower()))) for c in choices]
            best = max(shared)
            outcomes.append((valid and shared[answer] == best, shared.count(best)))
        for rule, words in ((absolute, _ABSOLUTE_LOWER), (above, None)):
            if ascii_text and (not any(word in joined for word in words) if words is not None else
                               "of" not in joined or not any(word in joined for word in _ABOVE_NEEDS)):
                outcomes.append((valid, n))
            else:
                picked = rule(item)
                outcomes.append((answer in picked, len(picked)))
        for k, (right, among) in enumerate(outcomes):
            if right:
                totals[k] += 1 / among
                if among == 1:
                    outright[k].append(item.id)
    return [(total, tuple(cards)) for total, cards in zip(totals, outright)]


def _position(items: Sequence[Item]) -> tuple[str, float, tuple[str, ...]]:
    """The best letter to always answer: (letter, right answers, the cards it gets right)."""
    best: tuple[str, float, tuple[str, ...]] = ("A", -1.0, ())
    for n, letter in enumerate(LETTERS):
        cards = tuple(item.id for item in items if item.answer == n)
        if len(cards) > best[1]:
            best = (letter, float(len(cards)), cards)
    return best


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .;,:!?")


def duplicates(items: Sequence[Item], threshold: float = NEAR_DUPLICATE) -> list[Duplicate]:
    """Pairs of choices within a card that are identical or near-identical. Choices that
    differ in their numbers ("up to 4 hours" / "up to 9 hours") are different answers."""
    found = []
    for item in items:
        normal = [_normal(c) for c in item.choices]
        numbers = [_NUMBER.findall(c) for c in normal]
        letters: list[set[str] | None] = [None] * len(normal)
        for i in range(len(normal)):
            for j in range(i + 1, len(normal)):
                a, b = len(normal[i]), len(normal[j])
                if numbers[i] != numbers[j] or 2 * min(a, b) < threshold * (a + b):
                    continue  # the lengths alone bound the ratio below the threshold: most pairs stop here
                # a character in one and not the other is at least one unmatched: the ratio is at
                # most 1 - (characters in just one) / (a + b), an upper bound cheaper than difflib's
                if letters[i] is None:
                    letters[i] = set(normal[i])
                if letters[j] is None:
                    letters[j] = set(normal[j])
                if len(letters[i] ^ letters[j]) > (1 - threshold) * (a + b):
                    continue
                matcher = difflib.SequenceMatcher(None, normal[i], normal[j], autojunk=False)
                if matcher.quick_ratio() < threshold:
                    continue
                ratio = matcher.ratio()
                if ratio >= threshold:
                    found.append(Duplicate(item.id, (LETTERS[i], LETTERS[j]), ratio))
    return found


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
    for (name, label, _), (score, cards) in zip(RULES, scored):
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
    return lint(items, pass_mark, deck_id, deck_id, from_store=True)


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
    pass (for the hint after an import; the files have been read without error). Their
    reports hold the strategies only, what the hint tells."""
    return [r for r in lint_paths((p for p in paths if p.suffix.lower() == ".toml"), strategies_only=True,
                                  only_failing=True) if r.fails]


__all__ = ["ABSOLUTE_WORDS", "AboveChoice", "DEFAULT_PASS_MARK", "Duplicate", "Item", "LintReport", "RULES",
           "StrategyResult", "above", "absolute", "content_words", "duplicates", "echo", "from_deck_spec",
           "from_study_cards", "failing_files", "has_absolute", "is_above", "lint", "lint_deck", "lint_paths", "longest",
           "shortest"]
