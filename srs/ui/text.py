"""Rich ``Text`` for srs: the only place srs makes Rich text (``tests/test_shown_text.py``
enforces it), and every string that goes in passes ``srs.ui.shown.shown`` first."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.style import StyleType
from rich.text import Text as _RichText

from srs.ui.shown import shown


class Text(_RichText):
    """Rich ``Text`` whose content is always ``shown``: made from data, appended to, added."""

    __slots__ = ()

    def __init__(self, text: str = "", *args, **kwargs) -> None:
        super().__init__(shown(text), *args, **kwargs)

    def append(self, text, style=None):
        return super().append(shown(text) if isinstance(text, str) else text, style)

    def append_tokens(self, tokens: Iterable[tuple[str, object]]):
        return super().append_tokens((shown(part), style) for part, style in tokens)  # type: ignore[misc]

    @classmethod
    def assemble(cls, *parts: str | _RichText | tuple[str, StyleType], **kwargs: Any) -> Text:
        """Rich's ``assemble``, typed as what it makes: a ``Text`` of this class."""
        text = super().assemble(*parts, **kwargs)
        assert isinstance(text, Text)
        return text

    def copy(self) -> "Text":
        return self.blank_copy(self.plain, self._spans)

    def blank_copy(self, plain: str = "", spans=()) -> "Text":
        return Text(plain, self.style, justify=self.justify, overflow=self.overflow, no_wrap=self.no_wrap,
                    end=self.end, tab_size=self.tab_size, spans=list(spans))

    def _set_plain(self, new_text: str) -> None:
        _RichText.plain.fset(self, shown(new_text))  # type: ignore[attr-defined]

    plain = property(_RichText.plain.fget, _set_plain)  # type: ignore[attr-defined]


__all__ = ["Text", "shown"]
