"""Charts drawn on the server as inline SVG: the review heat map (weeks as columns, like a
contribution graph), bars (the due forecast, the score distribution). Numbers in, markup
out; the only text (a tooltip) is escaped. Colours come from the page's stylesheet
(classes), so dark mode applies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from markupsafe import Markup, escape

CELL, GAP = 12, 3


def heat_map(per_day: dict[int, int], today: int, days: int) -> Markup:
    """``per_day``: learner day number -> reviews; the ``days`` up to ``today``, a column a week."""
    first = today - days + 1
    first -= (first + 3) % 7  # day 0 (1970-01-01) was a Thursday: columns start on Mondays
    top = max(per_day.values(), default=0)
    cells = []
    for d in range(first, today + 1):
        col, row = divmod(d - first, 7)
        n = per_day.get(d, 0)
        level = 0 if n == 0 else 1 + min(3, int(4 * n / (top + 1)))
        when = date(1970, 1, 1) + timedelta(days=d)
        cells.append(f'<rect class="h{level}" x="{col * (CELL + GAP)}" y="{row * (CELL + GAP)}" width="{CELL}" '
                     f'height="{CELL}" rx="2"><title>{escape(f"{when:%a %d %b}: {n} reviews")}</title></rect>')
    width = ((today - first) // 7 + 1) * (CELL + GAP)
    height = 7 * (CELL + GAP)
    return Markup(f'<svg class="chart heat" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="reviews per day">{"".join(cells)}</svg>')


def bars(values: Sequence[float], labels: Sequence[str] = (), marked: Sequence[bool] = (), height: int = 80) -> Markup:
    """One bar per value, scaled to the largest; ``marked`` bars get the "mark" class."""
    top = max(values, default=0) or 1
    width = 10
    out = []
    for i, v in enumerate(values):
        h = round(height * v / top, 1)
        cls = "bar mark" if i < len(marked) and marked[i] else "bar"
        tip = f"<title>{escape(labels[i])}</title>" if i < len(labels) else ""
        out.append(f'<rect class="{cls}" x="{i * (width + 2)}" y="{height - h}" width="{width}" height="{max(h, 0.5)}">'
                   f"{tip}</rect>")
    return Markup(f'<svg class="chart bars" viewBox="0 0 {len(values) * (width + 2)} {height}" role="img" '
                  f'preserveAspectRatio="none">{"".join(out)}</svg>')


def calibration(points: Sequence[tuple[float, float, int]], size: int = 100) -> Markup:
    """Forecast against outcome: one dot per (mean forecast, share right, answers), sized by
    its answers, on a square with the diagonal where a well-calibrated forecast lies."""
    top = max((n for _, _, n in points), default=1) or 1
    dots = []
    for forecast, right, n in points:
        r = round(1.5 + 3.5 * (n / top) ** 0.5, 1)
        dots.append(f'<circle class="dot" cx="{round(forecast * size, 1)}" cy="{round((1 - right) * size, 1)}" r="{r}">'
                    f'<title>{escape(f"forecast {forecast:.0%}, right {right:.0%}, {n} answers")}</title></circle>')
    return Markup(f'<svg class="chart calibration" viewBox="-6 -6 {size + 12} {size + 12}" role="img" '
                  f'aria-label="forecast against outcome"><rect class="frame" x="0" y="0" width="{size}" '
                  f'height="{size}"></rect><line class="diagonal" x1="0" y1="{size}" x2="{size}" y2="0"></line>'
                  f'{"".join(dots)}</svg>')


__all__ = ["bars", "calibration", "heat_map"]
