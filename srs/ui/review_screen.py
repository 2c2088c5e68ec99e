"""The review session screen: Rich output, single keys in a terminal, lines when piped."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from rich.cells import cell_len
from rich.console import Console, Group, NewLine
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.rule import Rule

from srs.exam import Question
from srs.model import AGAIN, EASY, GOOD, HARD, RATING_NAMES, CardKind, StudyCard
from srs.review import ReviewSession, Summary, showing
from srs.ui.keys import ENTER, KeyReader
from srs.ui.render import day_text, format_interval, when_text
from srs.ui.shown import shown as safe
from srs.ui.text import Text

RATING_KEYS = {"1": AGAIN, "2": HARD, "3": GOOD, "4": EASY, ENTER: GOOD}


class _Quit(Exception):
    pass


class ReviewScreen:
    def __init__(self, session: ReviewSession, keys: KeyReader, console: Console,
                 clock: Callable[[], datetime]) -> None:
        self.session = session
        self.keys = keys
        self.console = console
        self.clock = clock
        self.notice: Text | None = None
        self.interrupted = False
        self._pending: list = []

    # ------------------------------------------------------------ input
    def say(self, *renderables) -> None:
        """Output for the screen, printed with the next prompt: one pass of Rich's pipeline
        per key instead of one per line (the order and the text are the same)."""
        self._pending.extend(renderables or (Text(""),))

    def flush(self) -> None:
        if self._pending:
            out, self._pending = self._pending, []
            with self._sized():
                self.console.print(Group(*out))
        sys.stdout.flush()
        self.console.file.flush()

    @contextmanager
    def _sized(self) -> Iterator[None]:
        """The terminal's size asked once for a whole print: Rich asks the terminal each
        time a renderable reads the console's width, a dozen times for a card in its panel."""
        console = self.console
        width, height = console._width, console._height  # what the console was made with (None: the terminal's)
        console.size = console.size
        try:
            yield
        finally:
            console._width, console._height = width, height

    def key(self, prompt: str) -> str:
        self.say(Text(prompt, style="dim"))
        self.flush()
        key = self.read(prompt)
        if key is None:
            raise _Quit
        assert isinstance(key, str)
        if key.lower() == "q":
            raise _Quit
        return key

    def read(self, prompt: str) -> str | None:
        """One key (None: the end of input), the prompt on screen."""
        key = self.keys.read()  # with no timeout: never TIMEOUT
        assert key is None or isinstance(key, str)
        return key

    # ------------------------------------------------------------ screens
    def header(self, card: StudyCard) -> Group:
        counts = self.session.counts()
        done = self.session.summary.reviewed
        total = done + counts.total
        line = Text.assemble(
            (card.deck_id, "bold"), "   ",
            (f"{counts.new} new", "blue"), " · ", (f"{counts.learning} learning", "red"), " · ",
            (f"{counts.review} review", "green"), f"   {done} done",
        )
        # the bar ends without a line break (it is made for table cells): NewLine gives it one
        return Group(line, ProgressBar(total=max(total, 1), completed=done, width=40), NewLine())

    def choices(self, shown: Question, width: int) -> Text:
        """The choices, one per line as "A) text", a long one wrapped under its text (a
        hanging indent, as a two-column grid would lay it out at a fraction of the cost)."""
        out = Text()
        for letter, choice in zip(shown.valid, shown.choices, strict=True):
            label = f"{letter}) "
            room = max(width - len(label), 8)
            text = safe(choice)
            if "\n" not in text and "\t" not in text and cell_len(text) <= room:  # fits its line: nothing to wrap
                if out:
                    out.append("\n")
                out.append(label, style="bold cyan")
                out.append(text)
                continue
            lines = Text(choice).wrap(self.console, room)
            for i, line in enumerate(lines):
                if out:
                    out.append("\n")
                out.append(label if i == 0 else " " * len(label), style="bold cyan" if i == 0 else "")
                out.append_text(line)
        return out

    def show_card(self, card: StudyCard, shown: Question | None = None) -> None:
        if self.keys.is_tty:
            self.flush()
            self.console.clear()
        else:
            self.say(Rule(style="dim"))
        parts: list = [self.header(card)]  # one print for the whole card: Rich's pipeline runs once
        if self.notice is not None:
            parts.append(self.notice)
            self.notice = None
        body: list[Text] = [Text(card.question, style="bold")]
        if shown is not None:
            body.append(Text(""))
            body.append(self.choices(shown, self.console.width - 4))  # inside the panel's borders and padding
        title = Text(card.name, style="dim")
        parts.append(Panel(Group(*body), title=title, title_align="left"))
        self.say(*parts)

    def ratings_line(self, card: StudyCard, now: datetime) -> Text:
        intervals = self.session.intervals(card, now)
        parts: list[tuple[str, str] | str] = []
        for rating, key in ((AGAIN, "1"), (HARD, "2"), (GOOD, "3"), (EASY, "4")):
            parts += [(f"{key} ", "bold"), (f"{RATING_NAMES[rating]} ", ""), (format_interval(intervals[rating]), "cyan"),
                      "  "]
        return Text.assemble(*parts)

    # ------------------------------------------------------------ one card
    def run_card(self, card: StudyCard) -> None:
        started = time.monotonic()
        shown = showing(card) if card.kind is CardKind.MC else None  # the choices shuffled for this showing
        while not self.ask(card, shown, started):  # u at the rating prompt: the same question again
            self.notice = Text(f"Took back your answer to {card.name}: answer it again (u once more undoes "
                               "the answer before).", style="yellow")

    def ask(self, card: StudyCard, shown: Question | None, started: float) -> bool:
        """The question, the answer and its rating. False when the learner took the answer
        back at the rating prompt (nothing was recorded)."""
        self.show_card(card, shown)
        valid = shown.valid if shown is not None else ""
        while True:
            hint = (f"Answer {valid[0]}-{valid[-1]}" if valid else "Any key shows the answer")
            key = self.key(f"{hint}  (u undo · s bury · ! suspend · q quit)")
            if self.action(key, card):
                return True
            if not valid or (len(key) == 1 and key.upper() in valid):
                break
            self.say(Text(f"'{key}' is not a choice: press one of {', '.join(valid)}", style="yellow"))
        if shown is not None:
            right = card.is_right(shown.card_letter(key))
            self.say(Text(f"You answered {key.upper()}: {shown.choices[valid.index(key.upper())]}"))
            if not right:
                self.wrong(shown, started)
                return True
            self.say(Text("✓ Right", style="bold green"))
            if card.explanation:
                self.say(Text(card.explanation))
        else:
            self.say(Panel(Text(card.answer), title="Answer", title_align="left", border_style="green"))
            if card.explanation:
                self.say(Text(card.explanation, style="dim"))
        return self.rate(card, started, right_choice=shown is not None)

    def rate(self, card: StudyCard, started: float, right_choice: bool = False) -> bool:
        """The rating prompt. After a right choice, the answer on screen is never lost: quitting
        (q, Ctrl-C, end of input), burying or suspending first records it as Good (Enter's
        meaning), so undo can take either back. u takes back the answer just given (nothing
        recorded): False, the same question is asked again."""
        now = self.clock()
        self.say(self.ratings_line(card, now))
        while True:
            try:
                key = self.key("Rate 1-4 (Enter = Good)")
            except (_Quit, KeyboardInterrupt):
                if right_choice:
                    self.record(card, GOOD, started, right=True)
                else:
                    self.say(Text(f"Not rated: {card.name} stays due.", style="dim"))
                raise
            if key.lower() == "u":
                return False
            if right_choice and key in ("s", "!"):
                self.record(card, GOOD, started, right=True)
                self.action(key, card)
                return True
            if self.action(key, card):
                return True
            if key in RATING_KEYS:
                break
            self.say(Text(f"'{key}' is not a rating: press 1, 2, 3, 4 or Enter", style="yellow"))
        self.record(card, RATING_KEYS[key], started, right=True if right_choice else None)
        return True

    def record(self, card: StudyCard, rating, started: float, right: bool | None = None) -> None:
        """Record the rating; ``right``: the learner picked the right choice (None: a basic card)."""
        answered = self.session.answer(card, rating, self.clock(), int((time.monotonic() - started) * 1000),
                                       right=right)
        self.after(answered)

    def wrong(self, shown: Question, started: float) -> None:
        card = shown.card
        letter = shown.shown_letter(card.answer)  # the right answer by the letter it was shown under
        self.say(Text.assemble(("✗ Wrong. ", "bold red"), "The answer is ",
                                         (f"{letter}) {shown.choices[shown.valid.index(letter)]}", "bold")))
        feedback = card.wrong_feedback or card.explanation
        if feedback:
            self.say(Text(feedback))
        answered = self.session.answer(card, AGAIN, self.clock(), int((time.monotonic() - started) * 1000),
                                       right=False)
        self.after(answered)
        key = self.key("Any key goes on")
        if key.lower() == "u":
            self.undo()

    def after(self, answered) -> None:
        if answered.leech:
            self.say(Text(
                f"{answered.card.name} has lapsed {answered.lapses} times: it is tagged "
                "leech and suspended. Rewrite it, then `srs unsuspend` it.", style="bold yellow"))
            self.notice = Text(f"Leech suspended: {answered.card.name}", style="yellow")
        else:
            wait = answered.due - answered.at  # from the answer, not from whenever this is printed
            back = "back in" if wait.total_seconds() < 86400 else "next review in"
            self.say(Text(f"Recorded {RATING_NAMES[answered.rating]} — {back} "
                                    f"{format_interval(wait, round_up=True)}.", style="dim"))

    def action(self, key: str, card: StudyCard) -> bool:
        """u, s, ! at any prompt. True when the current card is done with."""
        if key.lower() == "u":
            self.undo()
            return True
        if key == "s":
            until = self.session.bury(card, self.clock())
            self.notice = Text(f"Buried {card.name} until {day_text(until, self.clock())}.", style="yellow")
            return True
        if key == "!":
            self.session.suspend(card)
            self.notice = Text(f"Suspended {card.name} (srs unsuspend {card.name} brings it back).", style="yellow")
            return True
        return False

    def undo(self) -> None:
        step = self.session.undo()
        if step is None:
            self.notice = Text("Nothing to undo in this session.", style="yellow")
        else:
            what = {"answer": "the last answer", "bury": "the bury", "suspend": "the suspension"}[step.action]
            self.notice = Text(f"Undid {what} ({step.card.name}).", style="yellow")

    # ------------------------------------------------------------ the session
    def run(self) -> Summary:
        """The session until nothing is due, q, the end of input or Ctrl-C (then
        ``interrupted`` is set: the command exits 130 after the summary)."""
        try:
            with self.keys.active():
                while True:
                    card = self.session.next(self.clock())
                    if card is None:
                        break
                    self.run_card(card)
        except _Quit:
            self.say()
        except KeyboardInterrupt:
            self.interrupted = True
            self.say()
        finally:
            self.flush()  # what was said before an error is not lost
        self.end()
        return self.session.summary

    def end(self) -> None:
        summary = self.session.summary
        now = self.clock()
        nxt = self.session.next_due_overall(now)
        if summary.reviewed == 0 and self.session.next(now) is None:
            self.say(Text("Nothing is due now.", style="bold"))
        else:
            share = f"{summary.share_right:.0%}" if summary.share_right is not None else "–"
            minutes, seconds = divmod(int(summary.seconds), 60)
            self.say(Text.assemble(
                ("Session over: ", "bold"), f"{summary.reviewed} answer{'s' if summary.reviewed != 1 else ''}"
                + (f" on {len(summary.cards)} cards" if len(summary.cards) != summary.reviewed else "")
                + f", {share} right, ",
                f"{minutes}m {seconds:02d}s spent."))
        if summary.leeches:
            self.say(Text(f"Leeches suspended: {', '.join(summary.leeches)}", style="yellow"))
        if nxt is not None:
            self.say(Text(f"Next card due {when_text(nxt, now)}."))
        self.flush()


__all__ = ["ReviewScreen"]
