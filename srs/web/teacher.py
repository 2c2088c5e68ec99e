"""The teacher's pages (accounts with --teacher only; anyone else gets 403): the class on a
deck (srs.classroom), its CSV, and importing a deck file or package from the browser with
the same checks and refusals as `srs import` (srs.importer.import_paths on the uploaded
file, kept under its own name's suffix in a temporary folder, at most MAX_UPLOAD bytes)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from srs.errors import UserError
from srs.store import DatabaseError, Store
from srs.web.app import teacher_only, web_of
from srs.web.security import MAX_UPLOAD, checked_form

#: the deck files `srs import` reads, by suffix
IMPORTABLE = (".toml", ".txt", ".csv", ".apkg", ".colpkg")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _deck(request: Request) -> str | None:
    web = web_of(request)
    deck = request.query_params.get("deck") or None
    if deck is not None and web.store.deck(deck) is None:
        raise HTTPException(404, f"unknown deck {deck!r}")
    return deck


def _class(request: Request, deck: str):
    from srs.classroom import class_rows

    web = web_of(request)
    store = web.store
    return (class_rows(store, lambda name: Store(store.engine, name), deck, web.clock()),
            store.most_missed(deck))


async def class_page(request: Request) -> Response:
    teacher_only(request)
    web = web_of(request)
    deck = _deck(request)
    decks = web.store.decks()
    if deck is None and decks:
        deck = next((d.id for d in decks if d.exam_enabled), decks[0].id)
    rows, missed = _class(request, deck) if deck is not None else ([], [])
    return web.render(request, "teacher.html", deck=deck, decks=decks, rows=rows, missed=missed,
                      imported=None)


async def class_csv(request: Request) -> Response:
    from srs.classroom import class_csv as as_csv

    teacher_only(request)
    deck = _deck(request)
    if deck is None:
        raise HTTPException(400, "which deck? (?deck=ID)")
    rows, missed = _class(request, deck)
    return Response(as_csv(deck, rows, missed).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="class.csv"'})


async def import_deck(request: Request) -> Response:
    teacher_only(request)
    form = await checked_form(request, files=1)
    try:
        return await _import(request, form.get("file"))
    finally:
        await form.close()


async def _import(request: Request, upload: object) -> Response:
    from srs.importer import import_paths

    web = web_of(request)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise HTTPException(400, "choose a deck file or package to import")
    suffix = Path(upload.filename.replace("\\", "/")).suffix.lower()
    if suffix not in IMPORTABLE:
        raise HTTPException(400, f"srs imports {', '.join(IMPORTABLE)} files")
    with tempfile.TemporaryDirectory(prefix="srs-upload-") as folder:
        name = Path(upload.filename.replace("\\", "/")).name
        if not SAFE_NAME.fullmatch(name):  # the sender's name only when it is plain
            name = f"upload{suffix}"
        path = Path(folder) / name
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > MAX_UPLOAD:
                    raise HTTPException(413, f"refused: a deck upload is at most {MAX_UPLOAD} bytes")
                out.write(chunk)
        store = Store(web.store.engine, web.store.learner)  # its own: the import runs in another thread
        try:
            results = await run_in_threadpool(import_paths, store, [path], web.clock())
        except DatabaseError:
            raise
        except UserError as exc:  # srs import's message, naming the file as sent, not the server's folder
            raise HTTPException(400, str(exc).replace(f"{folder}{os.sep}", "")) from None
    decks = web.store.decks()
    deck = results[0].deck if results else None
    rows, missed = _class(request, deck) if deck is not None else ([], [])
    return web.render(request, "teacher.html", deck=deck, decks=decks, rows=rows, missed=missed,
                      imported=results)


def routes() -> list[Route]:
    return [Route("/teacher", class_page), Route("/teacher/class.csv", class_csv),
            Route("/teacher/import", import_deck, methods=["POST"])]


__all__ = ["routes"]
