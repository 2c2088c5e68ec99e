"""The console srs prints results on (errors are one plain line on stderr, from the CLI).

It never reads Rich markup or emoji codes in the strings it prints (data is never markup),
passes every plain string it renders through ``srs.ui.shown.shown``, and, as a last net,
shows any terminal control left in the rendered text as a placeholder (layout is computed
before that net: the ``Text`` of ``srs.ui.text`` is where content is made safe first)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

from srs.ui.shown import UNSAFE, shown


class SafeConsole(Console):
    """A Rich console for untrusted text: no markup, no emoji codes, nothing that drives the terminal."""

    _outermost = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**{**kwargs, "markup": False, "emoji": False})

    def render_str(self, text: str, **kwargs):
        kwargs["markup"] = False
        kwargs["emoji"] = False
        return super().render_str(shown(text), **kwargs)

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if not self._outermost:  # nested renders are checked once, where they come out
            yield from super().render(renderable, options)
            return
        self._outermost = False
        try:
            for segment in super().render(renderable, options):
                if segment.control is None and UNSAFE.search(segment.text) is not None:
                    segment = Segment(shown(segment.text), segment.style)
                yield segment
        finally:
            self._outermost = True

#: the width of output that goes to a file or a pipe: as wide as a row needs, never folded or
#: cut (tables and text are as wide as their content; nothing is padded to this width)
PIPED = 100_000


def _width() -> int | None:
    value = os.environ.get("SRS_WIDTH")
    return int(value) if value and value.isdigit() else None


def stdout(screen: bool = False) -> Console:
    """The console for a command's output. Lists and reports sent to a file or a pipe get
    whole rows (``PIPED``); a ``screen`` (review, exam: panels and rules) keeps the width of
    a terminal, 80 columns when piped."""
    width = _width()
    if width is None and not screen and not _is_terminal():
        width = PIPED
    return SafeConsole(highlight=False, width=width, soft_wrap=False)


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["SafeConsole", "stdout"]
