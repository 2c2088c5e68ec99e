"""Fixtures for the web tests."""

from __future__ import annotations

import functools

import jinja2
import pytest


class _Compiled(jinja2.BytecodeCache):
    """Jinja's bytecode cache in memory: a template's compiled code, by its name and source."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(autouse=True, scope="session")
def templates_compiled_once():
    """Every app a test makes compiles srs's templates as it starts (as a server does once);
    with Jinja's own bytecode cache shared by the run, each template is compiled once and
    loaded from its code after that (the same template, checked against its source)."""
    from srs.web import app as web_app

    made = web_app.Environment
    web_app.Environment = functools.partial(made, bytecode_cache=_Compiled())
    yield
    web_app.Environment = made
