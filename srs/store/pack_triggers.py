"""The triggers that keep the review packs true (srs/store/packs.py): they drop a block's
pack where one of its review rows is changed or deleted, or inserted at an id already seen
(SQLite gives the largest id again after it was deleted); only that insert check runs on the
answer path. One text for both ways a schema is made: migration 0014 and a new database
(``srs.store.engine.create_schema``)."""

from __future__ import annotations

#: the block of a card key: srs/store/packs.py PACK_CARDS
_DROP = "DELETE FROM review_packs WHERE learner = {row}.learner AND block = {row}.card_key / 32;"
_SEEN = "(SELECT seen FROM review_packs_seen WHERE learner = NEW.learner)"

#: (trigger name, event, condition, the rows whose block's pack goes) on SQLite
_SQLITE = (("review_packs_on_insert", "INSERT", f"WHEN NEW.id <= {_SEEN}", ("NEW",)),
           ("review_packs_on_delete", "DELETE", "", ("OLD",)),
           ("review_packs_on_update", "UPDATE", "", ("OLD", "NEW")))

_PG_FUNCTION = f"""
CREATE FUNCTION srs_drop_review_pack() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.id <= {_SEEN} THEN
            {_DROP.format(row="NEW")}
        END IF;
        RETURN NULL;
    END IF;
    {_DROP.format(row="OLD")}
    IF TG_OP = 'UPDATE' THEN
        {_DROP.format(row="NEW")}
    END IF;
    RETURN NULL;
END
$$"""


def create_statements(dialect: str) -> list[str]:
    """The statements that make the triggers on ``dialect`` ("sqlite" or "postgresql")."""
    if dialect == "postgresql":
        return [_PG_FUNCTION, "CREATE TRIGGER review_packs_drop AFTER INSERT OR UPDATE OR DELETE ON reviews "
                              "FOR EACH ROW EXECUTE FUNCTION srs_drop_review_pack()"]
    return [f"CREATE TRIGGER {name} AFTER {event} ON reviews {condition} BEGIN "
            + " ".join(_DROP.format(row=row) for row in rows) + " END"
            for name, event, condition, rows in _SQLITE]


def drop_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return ["DROP TRIGGER review_packs_drop ON reviews", "DROP FUNCTION srs_drop_review_pack()"]
    return [f"DROP TRIGGER {name}" for name, *_ in _SQLITE]


__all__ = ["create_statements", "drop_statements"]
