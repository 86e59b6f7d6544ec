"""A readable summary of results, for a terminal: one line per document, then its reasons."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from ..models import Result

_STYLE = {"verified": ("green", "✓"), "needs_review": ("yellow", "!"), "failed": ("red", "✗")}
_REASONS_SHOWN = 4


def _line(r: Result) -> str:
    colour, mark = _STYLE[r.status]
    parts = [f"[{colour}]{mark} {r.status:<12}[/]", f"[bold]{escape(r.source.path)}[/]"]
    if r.organ or r.year:
        parts.append(escape(f"{r.organ or '?'} {r.year or '?'}"))
    if r.template:
        parts.append(f"template {r.template}")
    if r.cells:
        read = sum(v is not None for v in r.cells.values())
        parts.append(f"{read}/{len(r.cells)} cells")
    if r.checks:
        s = r.summary()
        parts.append(f"checks {s['pass']} pass, {s['fail']} fail, {s['not_assessable']} n/a, {s['warn']} warn")
    return "  ".join(parts)


def render_summary(results: list[Result], console: Console) -> None:
    for r in results:
        console.print(_line(r), highlight=False)
        for reason in r.reasons[:_REASONS_SHOWN]:
            console.print(f"    · {escape(reason.message)}", highlight=False)
        if len(r.reasons) > _REASONS_SHOWN:
            console.print(f"    · … {len(r.reasons) - _REASONS_SHOWN} more (see --json)", highlight=False)
    counts = {k: sum(r.status == k for r in results) for k in _STYLE}
    console.print(", ".join(f"{n} {k}" for k, n in counts.items()), highlight=False)
