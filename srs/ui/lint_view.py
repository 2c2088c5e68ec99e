"""The `srs lint` report, drawn with Rich. Card text goes in as Text, never as markup."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from srs.lint import LintReport, StrategyResult
from srs.ui.text import Text

#: how far above guessing a strategy may score before it is shown as a cue
MARGIN = 0.15


def _score(score: float, cards: int) -> str:
    return f"{score:.3g}/{cards}" if score != int(score) else f"{int(score)}/{cards}"


def _status(s: StrategyResult, chance_share: float) -> Text:
    if s.passes:
        return Text("PASSES", style="bold red")
    if s.share - chance_share > MARGIN + 1e-9:
        return Text("cue", style="yellow")
    return Text("ok", style="green")


def render_lint(console: Console, rep: LintReport) -> None:
    where = f"deck {rep.deck}" if rep.from_store else f"{rep.source} (deck {rep.deck})"
    head = Text.assemble((where, "bold"), f": {rep.cards} multiple-choice card(s), pass mark {rep.pass_mark:.0%}")
    console.print(head, soft_wrap=True)
    if not rep.cards:
        console.print(Text("No multiple-choice cards: nothing to check."))
        return
    chance_share = rep.chance_share
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("a student who …", ratio=2, min_width=20)
    table.add_column("scores", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("cards it gets right outright", ratio=3, min_width=12, overflow="fold")
    table.add_row(Text("guesses (for reference)", style="dim"), _score(rep.chance, rep.cards),
                  f"{chance_share:.0%}", "", "")
    for s in rep.strategies:
        status = _status(s, chance_share)
        # the cards are named where the strategy is a problem; elsewhere they are only counted
        cards = ", ".join(s.cards) if status.plain != "ok" else (f"{len(s.cards)} card(s)" if s.cards else "")
        table.add_row(Text(s.label), _score(s.score, rep.cards), f"{s.share:.0%}", status, Text(cards, style="dim"))
    console.print(table)
    letters = " · ".join(f"{letter} {n}" for letter, n in rep.letters.items())
    console.print(Text.assemble("Right letters: ", letters))
    for a in rep.above_choices:
        console.print(Text.assemble(("above: ", "yellow"), (a.card, "bold"), f": {a.letter}) ", a.choice,
                                    " (the right answer)" if a.right else ""))
    for d in rep.duplicates:
        console.print(Text.assemble(("duplicate: ", "yellow"), (d.card, "bold"),
                                    f": choices {d.letters[0]} and {d.letters[1]} are {d.ratio:.0%} alike"))
    if rep.fails:
        worst = rep.failing[0]
        console.print(Text.assemble(
            (" FAIL ", "bold white on red"), "  a student who ", worst.label, " would score ",
            _score(worst.score, rep.cards), f" ({worst.share:.0%}) and pass without knowing the answers."))
    else:
        best = rep.best
        margin = (best.share - chance_share) if best else 0.0
        console.print(Text.assemble((" OK ", "bold white on green"),
                                    f"  no strategy reaches the pass mark (best: {best.label if best else '–'}, "
                                    f"{margin * 100:+.0f} percentage points over guessing)."))


def import_hint(rep: LintReport) -> Text:
    """One line after `srs import` when a strategy passes the deck."""
    worst = rep.failing[0]
    return Text(f"hint: {rep.deck}: a student who {worst.label} would score {_score(worst.score, rep.cards)} "
                f"(pass mark {rep.pass_mark:.0%}); run srs lint {rep.source}", style="yellow")


__all__ = ["import_hint", "render_lint"]
