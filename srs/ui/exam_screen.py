"""The exam screen: question k of N, a countdown that keeps moving, single keys (lines piped)."""

from __future__ import annotations

import sys
from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.table import Table

from srs.exam import CONFIDENCE_LEVELS, ExamRun, Question
from srs.model import LETTERS
from srs.ui.keys import ENTER, TIMEOUT, KeyReader
from srs.ui.text import Text


def clock_text(seconds: float | None) -> str:
    if seconds is None:
        return "no time limit"
    seconds = int(seconds + 0.999)
    return f"{seconds // 60:02d}:{seconds % 60:02d} left"


HAND_IN = "Hand in now? Unanswered questions count as wrong. y/n"
INTERRUPTED = "Interrupted. Hand in now? y/n — Ctrl-C again leaves without saving"
LAST_LEFT = "This is the only question left: answer it, or press q to hand in (unanswered, it counts as wrong)."


class Abandoned(Exception):
    """The learner left the exam with a second Ctrl-C: nothing is to be saved."""


class ExamScreen:
    def __init__(self, run: ExamRun, keys: KeyReader, console: Console, deck_name: str,
                 confidence: bool = False) -> None:
        self.run_ = run
        self.keys = keys
        self.console = console
        self.deck_name = deck_name
        self.confidence = confidence
        self.message: Text | None = None

    # ------------------------------------------------------------ drawing
    def view(self, index: int, prompt: str) -> Group:
        run, q = self.run_, self.run_.questions[index]
        total = len(run.questions)
        left = run.remaining()
        urgent = left is not None and left < 60
        head = Table.grid(expand=True)
        head.add_column()
        head.add_column(justify="right")
        head.add_row(Text(f"{self.deck_name}", style="bold"),
                     Text(f"⏱ {clock_text(left)}", style="bold red" if urgent else "bold"))
        head.add_row(Text(f"Question {index + 1} of {total}"), Text(f"{run.position()} answered", style="dim"))
        body = Table.grid(padding=(0, 1))
        for i, choice in enumerate(q.choices):
            body.add_row(Text(f"{LETTERS[i]})", style="bold cyan"), Text(choice))
        parts: list[RenderableType] = [head, Panel(Group(Text(q.card.question, style="bold"), Text(""), body))]
        if self.message is not None:
            parts.append(self.message)
        parts.append(Text(prompt, style="dim"))
        return Group(*parts)

    def prompt_for(self, q: Question) -> str:
        return f"Answer {q.valid[0]}-{q.valid[-1]} · Enter skips · q hands in"

    # ------------------------------------------------------------ input with the clock running
    def wait_key(self, redraw) -> str | None:
        """A key, or None when the input ended or time ran out (the caller checks which)."""
        while True:
            left = self.run_.remaining()
            if left is not None and left <= 0:
                return None
            timeout = 1.0 if left is None else min(1.0, left)
            key = self.keys.read(timeout=timeout if (self.keys.is_tty or left is not None) else None)
            if key is TIMEOUT:
                if redraw is not None:
                    redraw()
                continue
            return key  # type: ignore[return-value]

    def run(self) -> None:
        if self.keys.is_tty:
            with self.keys.active():
                self._run_tty()
        else:
            self._run_piped()

    def _redraw(self, live: Live, index: int, prompt: str) -> Callable[[], None]:
        """Draws question ``index`` with ``prompt`` again (the timer's tick calls it too)."""
        return lambda: live.update(self.view(index, prompt), refresh=True)

    def _run_tty(self) -> None:
        run = self.run_
        with Live(console=self.console, auto_refresh=False, transient=True) as live:
            while (index := run.current()) is not None:
                q = run.questions[index]
                prompt = self.prompt_for(q)
                redraw = self._redraw(live, index, prompt)
                redraw()
                try:
                    key = self.wait_key(redraw)
                except KeyboardInterrupt:
                    key = None if run.time_up() else "interrupted"
                if key is None:
                    if run.time_up():
                        continue  # current() hands in
                    run.hand_in()
                    break
                self.message = None
                if key == ENTER:
                    self.skip()
                elif key.lower() in ("q", "interrupted"):
                    self.message = Text(HAND_IN if key.lower() == "q" else INTERRUPTED, style="bold yellow")
                    # the answer hint goes while the question is asked: only y or n means something
                    asking = self._redraw(live, index, "y hands in · n goes on")
                    asking()
                    try:
                        confirm = self.wait_key(asking)
                    except KeyboardInterrupt:
                        raise Abandoned from None
                    self.message = None
                    if confirm is None or confirm.lower() == "y":
                        run.hand_in()
                elif len(key) == 1 and key.upper() in q.valid:
                    level = self.ask_confidence(lambda: live.update(self.view(index, self.confidence_prompt()),
                                                                     refresh=True)) if self.confidence else None
                    if run.finished is None and not run.time_up():
                        run.answer(key.upper(), level)
                else:
                    self.message = Text(f"'{key}' is not a choice: press {', '.join(q.valid)}", style="yellow")

    def skip(self) -> None:
        """Enter: the question goes to the end; when it is the only one left, say how to hand in."""
        self.run_.skip()
        if self.run_.unanswered == 1:
            self.message = Text(LAST_LEFT, style="yellow")

    def confidence_prompt(self) -> str:
        return "How sure? " + "  ".join(f"{k} {v}" for k, v in CONFIDENCE_LEVELS.items())

    def ask_confidence(self, redraw) -> int | None:
        while True:
            if redraw is not None:
                redraw()
            key = self.wait_key(redraw)
            if key is None:
                return None
            if key in ("1", "2", "3", "4"):
                return int(key)
            self.message = Text("Press 1, 2, 3 or 4", style="yellow")

    def _run_piped(self) -> None:
        run = self.run_
        out = self.console
        while (index := run.current()) is not None:
            q = run.questions[index]
            out.rule(style="dim")
            out.print(self.view(index, self.prompt_for(q)))
            sys.stdout.flush()
            try:
                key = self.wait_key(None)
            except KeyboardInterrupt:
                out.print(Text(INTERRUPTED, style="bold yellow"))
                sys.stdout.flush()
                try:
                    confirm = self.wait_key(None)
                except KeyboardInterrupt:
                    raise Abandoned from None
                if confirm is None or confirm.lower() == "y":
                    run.hand_in()
                continue
            if key is None:
                if not run.time_up():
                    run.hand_in()
                continue
            self.message = None
            if key == ENTER:
                self.skip()
            elif key.lower() == "q":
                run.hand_in()
            elif len(key) == 1 and key.upper() in q.valid:
                level = None
                if self.confidence:
                    while level is None:
                        out.print(Text(self.confidence_prompt(), style="dim"))
                        sys.stdout.flush()
                        answer = self.wait_key(None)
                        if answer is None:
                            break
                        if answer in ("1", "2", "3", "4"):
                            level = int(answer)
                        else:
                            out.print(Text("Press 1, 2, 3 or 4", style="yellow"))
                if run.finished is None and not run.time_up():
                    run.answer(key.upper(), level)
            else:
                self.message = Text(f"'{key}' is not a choice: answer one of {', '.join(q.valid)}", style="yellow")
        if run.timed_out:
            out.print(Text("Time is up: the exam was handed in.", style="bold red"))


__all__ = ["Abandoned", "ExamScreen", "clock_text"]
