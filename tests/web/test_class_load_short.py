"""The class load benchmark in a short form (slow, PostgreSQL): 6 learners answering reviews
and sitting mock exams (each exam request on a new connection, so on any of the 2 workers);
then with a worker killed and PostgreSQL restarted mid-run. Nothing acknowledged is lost,
every failure is a dropped connection or a one-line 503."""

from __future__ import annotations

import os
import re
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
    args = ["--learners", "6", "--minutes", "3", "--answers", "12",  # 12 answers each ends it; the minutes bound a slow machine
            "--exam", "3", "--every", "4",
            "--workers", "2", "--cards", "100"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_") or k == "SRS_TEST_PG_URL"}
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "class_load.py"), *args,
                          *(["--faults"] if faults else [])], env=env, capture_output=True, text=True, timeout=600)
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert "lost 0," in out and "attempts not as acknowledged: 0" in out and "answers not as acknowledged: 0" in out
    assert int(re.search(r"\(\+(\d+) mock exams", out).group(1)) >= 6  # mocks were sat (and handed in)
    assert "0 tracebacks" in out or not faults
    assert ", a one-line 503 or (faults) a 409 refusal: 0" in out
    if not faults:
        assert "errors 0" in out and "saved but never acknowledged 0" in out
    else:
        assert "killed worker" in out and "restarted PostgreSQL" in out
