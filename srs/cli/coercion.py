"""Typer's coercion of option values, made lazy: Typer builds a Pydantic TypeAdapter for
every value, and building the first one imports Pydantic (about 0.1 s of a start). The
values that need no coercion are passed as Typer would pass them; the others go through
Typer's own adapter (tests/cli/test_app_coercion.py compares the two on every option)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

#: option annotations whose value, when it already has the type (a default, a flag), is passed as is
_PLAIN = {str: str, Optional[str]: str, int: int, Optional[int]: int, float: float, Optional[float]: float,
          bool: bool, Optional[bool]: bool}
#: annotations of paths and of lists of text or paths, made from the command line's text as is
_MADE = {Path: Path, Optional[Path]: Path}
_LISTS = {list[str]: str, Optional[list[str]]: str, list[Path]: Path, Optional[list[Path]]: Path}
#: a path option's settings under which Typer checks nothing of the path (Click's defaults)
_PLAIN_PATH = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "resolve_path": False,
               "allow_dash": False, "path_type": None}


class _LazyCoercion:
    """One option's coercion. Passed as Typer would pass it: no value, text for a text option,
    a number or truth value of the option's own type (its default, a flag), and text made into
    a path or a list of texts or paths where the option checks nothing of the path (``srs
    import PATH...``). Any other value goes through Typer's own adapter, built then."""

    def __init__(self, param: Any) -> None:
        self._param = param
        info = param.type_descriptor.parameter_info
        annotation = param.type_descriptor.annotation
        plain = info.parser is None and getattr(info, "min", None) is None and getattr(info, "max", None) is None
        if plain and (annotation in _MADE or _LISTS.get(annotation) is Path):
            plain = all(getattr(info, name, default) == default for name, default in _PLAIN_PATH.items())
        self._type = _PLAIN.get(annotation) if plain else None
        self._made = _MADE.get(annotation) if plain else None
        self._items = _LISTS.get(annotation) if plain else None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None and not (param.multiple or param.nargs == -1):
            return None
        if self._type is not None and type(value) is self._type:  # exactly: True is no int here
            return value
        if self._made is not None and type(value) is str:
            return self._made(value)
        if self._items is not None:  # a list of texts or paths: none given is (), none listed []
            if value is None:
                return ()
            if type(value) in (list, tuple) and all(type(item) is str for item in value):
                return list(map(self._items, value))
        from typer._coercion import build_runtime_param

        return build_runtime_param(self._param.type_descriptor).coerce(value, param=param, ctx=ctx)


def coerce_lazily(params: list[Any]) -> None:
    for param in params:
        # Typer's own (private) hooks, as of 0.29: with another Typer, its default stands
        if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
            param._runtime_param = _LazyCoercion(param)


__all__ = ["coerce_lazily"]
