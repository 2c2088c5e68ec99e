"""Statements run on the driver's own cursor, each value through its column type's bind or
result processing as SQLAlchemy's execution would do it, without its per-row bookkeeping:
bulk inserts (``insert_rows``, ``insert_tuples``), large reads a column at a time
(``processed_chunks``), and the few statements of the answer path compiled once (``Prepared``)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Select, Table
from sqlalchemy.exc import DBAPIError

from srs.store.models import UTCDateTime

#: SQLite's DATETIME text as SQLAlchemy writes it by default (``_sqlite_utc_text`` writes the same)
_SQLITE_DATETIME_FORMAT = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]],
                chunk: int = 20_000) -> None:
    """INSERT many rows (dicts with the same keys): ``insert_tuples`` of their values.
    Rows must name every column that has a default on the Python side."""
    if not rows:
        return
    names = list(rows[0])
    values_of = operator.itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    insert_tuples(connection, table, names, list(map(values_of, rows)), chunk)


def insert_tuples(connection: Connection, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]],
                  chunk: int = 20_000) -> None:
    """INSERT many rows, each a tuple of the values of the columns ``names`` in that order,
    through the driver's executemany, in chunks of ``chunk``. Each value goes through its
    column type's bind processing, as SQLAlchemy's own executemany does, a column at a time
    and without its per-row bookkeeping (~3x faster on 100,000 cards). ``names`` must name
    every column that has a default on the Python side (else SQLAlchemy fills it in, from
    dicts: the slow way)."""
    if not rows:
        return
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=list(names))
    order = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    if set(order) != set(names):  # a default SQLAlchemy would fill in: let it
        for start in range(0, len(rows), chunk):
            connection.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows[start:start + chunk]])
        return
    sql = str(compiled)
    where = {name: i for i, name in enumerate(names)}
    picks = [where[name] for name in order]
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order]
    same_order = picks == list(range(len(names)))
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        if not same_order or any(process is not None for process in processors):
            columns: list[Any] = list(zip(*part, strict=True))
            columns = [columns[i] for i in picks]
            for i, process in enumerate(processors):
                if process is None:
                    continue
                column = columns[i]
                objects = {id(value): value for value in column}
                if len(objects) == 1:  # one object (the import's time): processed once
                    columns[i] = [process(column[0])] * len(column)
                elif len(objects) * 4 <= len(column):  # a few objects (a deck's tag lists): each processed once
                    done = {key: process(value) for key, value in objects.items()}
                    columns[i] = [done[id(value)] for value in column]
                else:
                    columns[i] = list(map(process, column))
            part = list(zip(*columns, strict=True))
        batch: list[Any] = list(part) if compiled.positional else [dict(zip(order, row, strict=True)) for row in part]
        connection.exec_driver_sql(sql, batch)


def _sqlite_utc_text(value: datetime | None) -> str | None:
    """What SQLAlchemy binds for a ``UTCDateTime`` on SQLite (the zone checked and taken to UTC,
    then SQLite's DATETIME text, microseconds always), without its two steps' overhead."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(" ", "microseconds")


def _bind_processor(type_: Any, dialect: Any) -> Any:
    """A bind parameter's processor for ``dialect``, as SQLAlchemy's execution runs it; for a
    ``UTCDateTime`` on SQLite with DATETIME's own text format, ``_sqlite_utc_text``."""
    impl = type_.dialect_impl(dialect)
    if (isinstance(type_, UTCDateTime) and dialect.name == "sqlite"
            and getattr(impl.impl_instance, "_storage_format", None) == _SQLITE_DATETIME_FORMAT):
        return _sqlite_utc_text
    return impl.bind_processor(dialect)


class Prepared:
    """A Core statement compiled once for a dialect and run on the driver's own cursor: each
    parameter goes through its type's bind processing and each result column through its
    result processing, as SQLAlchemy's execution would do, without its per-execution
    bookkeeping (a third of an answer's time). For the few statements of the hot path (one
    answer: read the state, write it, append the log row); the transaction stays the
    connection's, and a driver error becomes SQLAlchemy's, as from ``Connection.execute``."""

    def __init__(self, stmt: Any, dialect: Any, column_keys: Sequence[str] | None = None) -> None:
        compiled = stmt.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
        self.sql = str(compiled)
        self.dialect = dialect
        self.positional = compiled.positional
        by_name = {name: bind for bind, name in compiled.bind_names.items()}  # as the SQL names them
        self.order = list(compiled.positiontup) if compiled.positional else list(by_name)
        self.binds = [(name, _bind_processor(by_name[name].type, dialect)) for name in self.order]
        #: the values the statement carries itself (its literals: a learner, a LIMIT), given
        #: ones aside; a parameter left without a value is a KeyError at run time
        self.carried = {name: value for name, value in compiled.construct_params(_check=False).items()
                        if name in by_name and not by_name[name].required}
        self.columns = list(stmt.selected_columns) if stmt.is_select else []
        self.results: list | None = None  # the result processors, from the driver's column types (first run)

    def _params(self, values: Mapping[str, Any]) -> Any:
        if self.carried:
            values = {**self.carried, **values}
        if self.positional:
            return tuple([values[name] if process is None else process(values[name]) for name, process in self.binds])
        return {name: values[name] if process is None else process(values[name]) for name, process in self.binds}

    def run(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """Execute with ``values`` (by parameter name); the driver's cursor."""
        params = self._params(values)
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, params)
        except self.dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise DBAPIError.instance(self.sql, params, exc, self.dialect.loaded_dbapi.Error,
                                      dialect=self.dialect) from exc
        return cursor

    def first(self, connection: Connection, values: Mapping[str, Any]) -> tuple | None:
        """The first result row, each column processed (None: no row)."""
        cursor = self.run(connection, values)
        try:
            row = cursor.fetchone()
            if self.results is None and cursor.description is not None:
                self.results = [c.type.dialect_impl(self.dialect).result_processor(self.dialect, d[1])
                                for c, d in zip(self.columns, cursor.description, strict=True)]
        finally:
            cursor.close()
        if row is None or self.results is None:
            return row
        return tuple(process(v) if process is not None else v for process, v in zip(self.results, row, strict=True))


#: results that may stand for every equal stored value (immutable): a JSON list may not
_SHAREABLE = (str, int, float, bool, bytes, datetime, type(None))


def _processed(process: Callable[[Any], Any], column: Sequence[Any]) -> Iterator[Any] | list[Any]:
    """``map(process, column)``; a column of a few distinct values (the times an import
    wrote) processed once per value when the results are immutable."""
    try:
        distinct = set(column) if len(column) > 8 else set()
    except TypeError:  # a driver's own unhashable value (a list a JSON column gave)
        distinct = set()
    if not distinct or len(distinct) * 4 > len(column):
        return map(process, column)
    done = {value: process(value) for value in distinct}
    if not all(type(result) in _SHAREABLE for result in done.values()):
        return map(process, column)
    return list(map(done.__getitem__, column))


def processed_chunks(connection: Connection, stmt: Select, size: int = 2000) -> Iterator[list[tuple]]:
    """The rows of a select, ``size`` at a time, each value through its column type's
    result processing as SQLAlchemy's rows would give it, but a column of a chunk at a time
    (``map``), as plain tuples: a large read streamed (memory stays flat; a server-side
    cursor where the engine has them, as yield_per does)."""
    dialect = connection.dialect
    result = connection.exec_driver_sql(*compiled_sql(stmt, connection), execution_options={"stream_results": True})
    try:
        processors: list[Any] | None = None
        while rows := result.fetchmany(size):
            if processors is None:
                processors = [c.type.dialect_impl(dialect).result_processor(dialect, d[1])
                              for c, d in zip(stmt.selected_columns, result.cursor.description, strict=True)]
            columns: list[Any] = list(zip(*rows, strict=True))
            for i, process in enumerate(processors):
                if process is not None:
                    columns[i] = _processed(process, columns[i])
            yield list(zip(*columns, strict=True))
    finally:
        result.close()


def compiled_sql(stmt, connection) -> tuple[str, Any]:
    """A Core statement as the driver's SQL and parameters (to read a large result straight
    from the DBAPI cursor, without a Row per result row); parameters SQLAlchemy renders at
    execution (literal ones, expanding IN lists) are rendered here."""
    compiled = stmt.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        return str(compiled), tuple(params[name] for name in compiled.positiontup)
    return str(compiled), params


__all__ = ["Prepared", "compiled_sql", "insert_rows", "insert_tuples", "processed_chunks"]
