"""The same collection in Anki's engine (the `anki` package): the same cards as notes, the
same scheduling state (FSRS memory state included) and the same review log."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from srs.store import open_store  # noqa: E402

_TYPE = {1: 1, 2: 2, 3: 3}   # our learning/review/relearning -> Anki card type
_QUEUE = {1: 1, 2: 2, 3: 1}  # learning and relearning are in the learning queue


def build(anki_path: str, srs_db: str, learner: str, deck_id: str = "bench") -> dict[str, float]:
    from anki.collection import AddNoteRequest, Collection

    t = time.perf_counter()
    col = Collection(anki_path)
    col.set_config("fsrs", True)
    basic = col.models.by_name("Basic")
    did = col.decks.id("Benchmark deck")
    col.decks.select(did)
    store, _ = open_store(srs_db, learner)
    cards = store.cards(deck_id)
    batch = []
    for card in cards:
        note = col.new_note(basic)
        note["Front"] = card.question + "<br>" + "<br>".join(f"{'ABCD'[i]}) {c}" for i, c in enumerate(card.choices))
        note["Back"] = card.answer
        note.tags = list(card.tags)
        batch.append(AddNoteRequest(note, did))
        if len(batch) == 10_000:
            col.add_notes(batch)
            batch = []
    if batch:
        col.add_notes(batch)
    anki_ids = col.db.list("select c.id from cards c join notes n on n.id = c.nid order by n.id")
    by_key = dict(zip((c.key for c in cards), anki_ids, strict=True))
    today = col.sched.today
    now = datetime.now(timezone.utc)
    rows = []
    for card, cid in zip(cards, anki_ids, strict=True):
        m = card.memory
        if m.state == 0 or m.due is None:
            continue
        if m.state == 2:
            due = today + (m.due.date() - now.date()).days
            ivl = max(1, (m.due - m.last_review).days) if m.last_review else 1
        else:
            due = int(m.due.timestamp())
            ivl = 0
        data = json.dumps({"s": round(m.stability, 4), "d": round(m.difficulty, 4), "dr": 0.9,
                           "lrt": int(m.last_review.timestamp()) if m.last_review else None})
        rows.append((_TYPE[m.state], _QUEUE[m.state], due, ivl, m.reps, m.lapses, data, cid))
    col.db.executemany("update cards set type=?, queue=?, due=?, ivl=?, reps=?, lapses=?, data=?, mod=0, usn=-1 "
                       "where id=?", rows)
    # A revlog id is the answer's time in ms, unique in the collection: a clash between two
    # cards moves the later one on a millisecond at a time (Anki's optimizer takes the
    # days between answers from these ids, so they must stay the answers' real times).
    revlog = []
    taken: set[int] = set()
    for _, e in store.review_log(deck_id):
        rid = int(e.reviewed_at.timestamp() * 1000)
        while rid in taken:
            rid += 1
        taken.add(rid)
        kind = {0: 0, 1: 0, 2: 1, 3: 2}[e.state_before]
        ivl = max(1, (e.after.due - e.reviewed_at).days) if e.after.state == 2 else -60
        revlog.append((rid, by_key[e.card_key], -1, e.rating, ivl, 0, 0, e.duration_ms, kind))
    revlog.sort()
    col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "values (?,?,?,?,?,?,?,?,?)", revlog)
    col.close()
    store.close()
    return {"build": time.perf_counter() - t, "notes": len(anki_ids), "revlog": len(revlog)}


if __name__ == "__main__":
    print(build(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "bench"))
