"""Fixtures for the end-to-end tests."""

from __future__ import annotations

import pytest

from tests.cli.helpers import MINI, srs
from tests.cli.terminal import srs_env


@pytest.fixture
def env(tmp_path, db_url):
    """An environment for running srs on a fresh database holding the small deck."""
    (tmp_path / "mini.toml").write_text(MINI)
    e = srs_env(tmp_path, db_url, SRS_NOW="2026-11-02T09:00:00+00:00")
    srs(e, "import", str(tmp_path / "mini.toml"))
    return e
