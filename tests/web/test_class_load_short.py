"""The class load benchmark in a short form (slow, PostgreSQL): 6 learners, 2 workers, a
worker killed and the database connections cut mid-run; nothing acknowledged is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.dbs import require_postgres

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("faults", [False, True])
def test_learners_at_once_lose_nothing(faults):
    require_postgres()
    args = ["--learners", "6", "--answers", "8", "--exam", "3", "--workers", "2", "--cards", "60"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_") or k == "SRS_TEST_PG_URL"}
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "class_load.py"), *args,
                          *(["--faults"] if faults else [])], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "lost 0," in run.stdout and "attempts not as acknowledged: 0" in run.stdout
    if not faults:
        assert "errors 0" in run.stdout and "saved but never acknowledged 0" in run.stdout
    else:
        assert "killed worker" in run.stdout and "cut " in run.stdout
