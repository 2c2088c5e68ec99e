"""Shared fixtures: the database engines (tests/dbs.py) and an isolated environment.

Every test runs without the developer's ``SRS_*`` variables (``SRS_TEST_PG_URL`` aside,
which names the test server) and with a home and data folder of its own, so no test reads
or writes a real database. Hypothesis keeps its example database in the system's temporary
folder, not in the repository.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

pytest_plugins = ["tests.dbs"]

settings.register_profile(
    "srs", database=DirectoryBasedExampleDatabase(Path(tempfile.gettempdir()) / "srs-hypothesis"))
settings.load_profile("srs")


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path_factory):
    """No SRS_* variable of the developer's, and a fresh home and user data folder."""
    for key in list(os.environ):
        if key.startswith("SRS_") and key != "SRS_TEST_PG_URL":
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
