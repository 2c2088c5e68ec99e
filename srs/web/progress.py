"""The progress pages: `srs stats` (srs.stats.compute) and `srs readiness` (srs.forecast.assess
and outcomes), drawn with server-side SVG (srs/web/charts.py)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from srs.web.app import web_of
from srs.web.charts import bars, calibration, heat_map


def _deck(request: Request) -> str | None:
    deck = request.query_params.get("deck") or None
    if deck is not None and web_of(request).store.deck(deck) is None:
        raise HTTPException(404, f"unknown deck {deck!r}")
    return deck


async def stats_page(request: Request) -> Response:
    from srs.stats import compute

    web = web_of(request)
    deck = _deck(request)
    stats = compute(web.store, web.settings(deck), web.clock(), deck)
    forecast = bars(stats.forecast, [f"in {i} days: {n} due" if i else f"today: {n} due"
                                     for i, n in enumerate(stats.forecast)])
    return web.render(request, "stats.html", stats=stats, deck=deck, decks=web.store.decks(),
                      heat=heat_map(stats.per_day, stats.today, stats.days), forecast=forecast)


async def readiness_page(request: Request) -> Response:
    from srs.clock import exam_date
    from srs.forecast import assess, outcomes

    web = web_of(request)
    deck = _deck(request)
    examinable = [d for d in web.store.decks() if d.exam_enabled]
    if deck is None:
        if len(examinable) != 1:
            return web.render(request, "readiness.html", result=None, decks=examinable, deck=None)
        deck = examinable[0].id
    now = web.clock()
    settings = web.settings(deck)
    when = exam_date(None, settings.exam_date, settings.day_starts_at, now) or now
    try:
        result = assess(web.store, settings, deck, when, now)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    needed = result.needed
    chart = bars(result.distribution, [f"{j} right: {p:.1%}" for j, p in enumerate(result.distribution)],
                 [j >= needed for j in range(len(result.distribution))])
    checked = outcomes(web.store, deck)
    fared = calibration([(b.mean_forecast, b.right, b.answers) for b in checked.bins if b.answers])
    return web.render(request, "readiness.html", result=result, decks=examinable, deck=deck, chart=chart,
                      checked=checked, fared=fared if checked.bins else None,
                      first=[q for q in result.study_first() if q.gain >= 5e-4])


def routes() -> list[Route]:
    return [Route("/stats", stats_page), Route("/readiness", readiness_page)]


__all__ = ["routes"]
