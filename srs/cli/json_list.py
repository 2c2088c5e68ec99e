"""``--json`` lists of any length (``srs cards --json`` at 100,000 cards): the text
``print_json`` would print, written a chunk of items at a time."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

from srs.cli.app import _JSON_RAW


def print_json_list(items: Iterable[Any], chunk: int = 1000) -> None:
    """``print_json`` of a list, written as its items come (the same text, bounded memory)."""
    first = True
    batch: list[str] = []

    def flush() -> None:
        text = "".join(batch)
        if _JSON_RAW.search(text) is not None:
            text = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
        sys.stdout.write(text)
        batch.clear()

    for item in items:
        item_text = json.dumps(item, indent=2, ensure_ascii=False, default=str).replace("\n", "\n  ")
        batch.append(("[\n  " if first else ",\n  ") + item_text)
        first = False
        if len(batch) >= chunk:
            flush()
    batch.append("[]\n" if first else "\n]\n")
    flush()
