"""Standard modules loaded when first used, not when SQLAlchemy imports them.

``import sqlalchemy`` imports ``asyncio`` (for its async engines) and ``importlib.metadata``
(for dialect plug-ins), and with them ``ssl``, ``email``, ``zipfile`` and more: about 70-100 ms
of CPU in every command (a quarter of `srs decks`' start), none of it used by a command that
opens an SQLite or PostgreSQL database through the synchronous engine. ``defer()`` (called by
the command line before anything imports SQLAlchemy) puts a stand-in for each in
``sys.modules``; the first use of any of its names (an attribute, ``from asyncio import x``, a
submodule) imports the real module and answers from it, so code that does need it gets it
unchanged, only later. ``asyncio.iscoroutine``, which SQLAlchemy reads when it is imported,
is a function that loads asyncio when called.

Only for the command line's own process: the web server (which runs on asyncio) and code that
imports ``srs`` as a library do not call ``defer()``; neither does anything once the real
module is loaded."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

#: the modules given stand-ins
DEFERRED = ("asyncio", "importlib.metadata")


class Deferred(types.ModuleType):
    """A stand-in for the module ``name``: any name not set on it loads the real module."""

    def __init__(self, name: str, spec: Any = None) -> None:
        super().__init__(name)
        self.__dict__["_srs_real"] = None
        self.__dict__["__spec__"] = spec  # importlib.util.find_spec answers as for the real one

    def _srs_load(self) -> types.ModuleType:
        real = self.__dict__["_srs_real"]
        if real is None:
            name = self.__name__
            if sys.modules.get(name) is self:
                del sys.modules[name]
            real = importlib.import_module(name)
            self.__dict__["_srs_real"] = real
            parent, _, child = name.rpartition(".")
            if parent and getattr(sys.modules.get(parent), child, None) is self:
                setattr(sys.modules[parent], child, real)
        return real

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._srs_load(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._srs_load())


def _real(name: str) -> Any:
    module = sys.modules.get(name)
    return module._srs_load() if isinstance(module, Deferred) else importlib.import_module(name)


def _iscoroutine(obj: object) -> bool:
    """``asyncio.iscoroutine``, asyncio loaded when first called."""
    return bool(_real("asyncio").iscoroutine(obj))


def defer(names: tuple[str, ...] = DEFERRED) -> None:
    """Put the stand-ins in place (for a module not imported yet; nothing for one that is)."""
    for name in names:
        if name in sys.modules:
            continue
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        stand_in = Deferred(name, spec)
        if name == "asyncio":
            stand_in.__dict__["iscoroutine"] = _iscoroutine
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(importlib.import_module(parent), child, stand_in)


def loaded(name: str) -> bool:
    """Whether the real module ``name`` is loaded (not only its stand-in)."""
    module = sys.modules.get(name)
    return module is not None and not (isinstance(module, Deferred) and module.__dict__["_srs_real"] is None)


__all__ = ["DEFERRED", "Deferred", "defer", "loaded"]
