"""The strategies of a test-wise student, each a rule that narrows a card's choices, and
their scores over a deck (one pass over the cards for all of them), plus the checks of
single cards: near-duplicate choices."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from srs.lint.report import Duplicate, Item
from srs.model import LETTERS
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
""".split())  # noqa: SIM905 (a word list reads better as one text)

_LONG_WORD = re.compile(r"[a-z]{4,}")  # a run of letters is matched whole or not at all
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_ABSOLUTE = re.compile(r"\b(" + "|".join(ABSOLUTE_WORDS) + r")\b", re.I)
_ABOVE = re.compile(r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|those|preceding|"
                    r"other\s+(choices|options|answers))\b", re.I)


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
    totals = [0.0] * 5  # in RULES' order; each card's share added where it is worked out
    outright: list[list[str]] = [[], [], [], [], []]
    right_longest, right_shortest, right_echo, right_absolute, right_above = outright
    find_words, strip = _LONG_WORD.findall, str.strip
    left = len(items)
    for done, item in enumerate(items):
        if (give_up_below is not None and done % GIVE_UP_EVERY == 0 and done
                and max(totals) + (left - done) + 1 < give_up_below):
            return None
        choices, answer = item.choices, item.answer
        n = len(choices)
        valid = 0 <= answer < n  # the answer is one of the choices (what "answer in picked" asks of all of them)
        lengths = list(map(len, map(strip, choices)))
        if valid:  # longest, then shortest: right when the answer's length is the best one
            mine = lengths[answer]
            if mine == max(lengths):
                among = lengths.count(mine)
                totals[0] += 1 / among
                if among == 1:
                    right_longest.append(item.id)
            if mine == min(lengths):
                among = lengths.count(mine)
                totals[1] += 1 / among
                if among == 1:
                    right_shortest.append(item.id)
        raw = "\x00".join(choices)
        joined = raw.lower()  # each choice lower-cased, as content_words does
        asked = content_words(item.question)
        if not asked or not any(word in joined for word in asked):
            right, among = valid, n  # nothing echoes: all tie at 0 (as echo() finds)
        else:
            shared = [len(asked.intersection(find_words(c.lower()))) for c in choices]
            best = max(shared)
            right, among = valid and shared[answer] == best, shared.count(best)
        if right:
            totals[2] += 1 / among
            if among == 1:
                right_echo.append(item.id)
        ascii_text = raw.isascii()
        if ascii_text and not any(word in joined for word in _ABSOLUTE_LOWER):
            right, among = valid, n
        else:
            picked = absolute(item)
            right, among = answer in picked, len(picked)
        if right:
            totals[3] += 1 / among
            if among == 1:
                right_absolute.append(item.id)
        if ascii_text and ("of" not in joined or not any(word in joined for word in _ABOVE_NEEDS)):
            right, among = valid, n
        else:
            picked = above(item)
            right, among = answer in picked, len(picked)
        if right:
            totals[4] += 1 / among
            if among == 1:
                right_above.append(item.id)
    return [(total, tuple(cards)) for total, cards in zip(totals, outright, strict=True)]


def _position(items: Sequence[Item]) -> tuple[str, float, tuple[str, ...]]:
    """The best letter to always answer: (letter, right answers, the cards it gets right)."""
    by_answer: dict[Any, list[str]] = {}  # the cards of each answer, in one pass over the deck
    for item in items:
        ids = by_answer.get(item.answer)
        if ids is None:
            ids = by_answer[item.answer] = []
        ids.append(item.id)
    best: tuple[str, float, tuple[str, ...]] = ("A", -1.0, ())
    for n, letter in enumerate(LETTERS):
        cards = tuple(by_answer.get(n, ()))
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
                if (in_i := letters[i]) is None:
                    in_i = letters[i] = set(normal[i])
                if (in_j := letters[j]) is None:
                    in_j = letters[j] = set(normal[j])
                if len(in_i ^ in_j) > (1 - threshold) * (a + b):
                    continue
                matcher = difflib.SequenceMatcher(None, normal[i], normal[j], autojunk=False)
                if matcher.quick_ratio() < threshold:
                    continue
                ratio = matcher.ratio()
                if ratio >= threshold:
                    found.append(Duplicate(item.id, (LETTERS[i], LETTERS[j]), ratio))
    return found


__all__ = ["ABSOLUTE_WORDS", "DEFAULT_PASS_MARK", "GIVE_UP_EVERY", "NEAR_DUPLICATE", "RULES", "STOP_WORDS", "above",
           "absolute", "content_words", "duplicates", "echo", "has_absolute", "is_above", "longest", "shortest"]
