"""Small charts drawn on the server as SVG: an organ's series by year, a queue's documents by year
and status. No script and no file from elsewhere: the markup is the chart, so it shows under
the service's Content-Security-Policy, prints, and works offline. Colours are attributes, not
styles (inline styles would need the policy loosened).

    >>> svg = line([(2022, 3), (2023, None), (2024, 5)], title="新收")
    >>> svg.startswith("<svg") and svg.count("<circle") == 2 and "2023" in svg
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from ..models import Number

WIDTH, HEIGHT, PAD = 240, 96, 22
STATUS_COLOURS = {"verified": "#1b7f3b", "needs_review": "#d89614", "failed": "#b3261e"}


def _fmt(v: Number) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def line(points: Sequence[tuple[int, Number | None]], *, title: str) -> Markup:
    """A series by year: a dot per year with a value (its value above it), lines between
    consecutive years that both have one; a year without a value is a gap, never a zero."""
    values = [v for _, v in points if v is not None]
    top = max(values, default=0) or 1
    low = min(0, *values) if values else 0
    span = (top - low) or 1
    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)

    def x(i: int) -> float:
        return PAD + i * step if len(points) > 1 else WIDTH / 2

    def y(v: Number) -> float:
        return HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{PAD}" y1="{y(low):.1f}" x2="{WIDTH - PAD}" y2="{y(low):.1f}" stroke="#c9c9c9"/>',
    ]
    for i in range(1, len(points)):
        (y0, a), (y1, b) = points[i - 1], points[i]
        if a is not None and b is not None and y1 == y0 + 1:
            parts.append(f'<line x1="{x(i - 1):.1f}" y1="{y(a):.1f}" x2="{x(i):.1f}" y2="{y(b):.1f}" stroke="#1f5fbf" stroke-width="2"/>')
    for i, (year, v) in enumerate(points):
        parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT - 6}" font-size="10" text-anchor="middle" fill="#6b6b70">{year}</text>')
        if v is None:
            parts.append(f'<text x="{x(i):.1f}" y="{HEIGHT / 2:.1f}" font-size="10" text-anchor="middle" fill="#6b6b70">–</text>')
            continue
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="#1f5fbf"><title>{year}: {_fmt(v)}</title></circle>')
        parts.append(f'<text x="{x(i):.1f}" y="{y(v) - 6:.1f}" font-size="10" text-anchor="middle" fill="#1d1d1f">{_fmt(v)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked(counts: Mapping[int, Mapping[str, int]], *, title: str) -> Markup:
    """Documents by year, a bar per year stacked by status (verified at the bottom)."""
    years = sorted(counts)
    most = max((sum(c.values()) for c in counts.values()), default=0) or 1
    bar = (WIDTH * 2 - 2 * PAD) / max(1, len(years))
    width = WIDTH * 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {HEIGHT}" width="{width}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, year in enumerate(years):
        left = PAD + i * bar + bar * 0.15
        base = HEIGHT - PAD
        for status, colour in STATUS_COLOURS.items():
            n = counts[year].get(status, 0)
            if not n:
                continue
            h = n / most * (HEIGHT - 2 * PAD)
            base -= h
            parts.append(
                f'<rect x="{left:.1f}" y="{base:.1f}" width="{bar * 0.7:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{year} {status}: {n}</title></rect>"
            )
        parts.append(f'<text x="{left + bar * 0.35:.1f}" y="{HEIGHT - 6}" font-size="10" text-anchor="middle" fill="#6b6b70">{year}</text>')
        parts.append(
            f'<text x="{left + bar * 0.35:.1f}" y="{base - 3:.1f}" font-size="10" text-anchor="middle" fill="#1d1d1f">{sum(counts[year].values())}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
