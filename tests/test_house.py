"""House rules a code read would otherwise have to find again: every module of srs/ fits a
read (at most 400 lines; a longer one is split by what it owns)."""

from __future__ import annotations

from pathlib import Path

import srs

MAX_LINES = 400


def test_every_module_is_at_most_400_lines():
    root = Path(srs.__file__).parent
    long = {str(path.relative_to(root)): n for path in sorted(root.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these by what they own: {long}"
