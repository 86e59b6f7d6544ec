"""An evaluation for a terminal: one line per document, what is wrong under it, then the totals."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from .score import DocumentScore, Evaluation

_COLOUR = {"verified": "green", "needs_review": "yellow", "failed": "red"}
_HEADER = f"{'status':<13}{'cells':>9}  {'exact':<6}{'false':<6}{'o/y/t':<6}{'tokens':>7}  document"


def _mark(ok: bool) -> str:
    return "[green]✓[/]" if ok else "[red]✗[/]"


def _line(d: DocumentScore) -> str:
    cells = f"{d.cells_right}/{d.cells_total}"
    tokens = "" if d.tokens is None else str(d.tokens)
    return (
        f"[{_COLOUR[d.status]}]{d.status:<13}[/]{cells:>9}  {_mark(d.exact)}     "
        f"{'[red bold]YES[/]   ' if d.false_accept else '      '}"
        f"{''.join(_mark(x) for x in (d.organ_right, d.year_right, d.template_right))}   "
        f"{tokens:>7}  {escape(d.doc)}"
    )


def _what_is_wrong(d: DocumentScore) -> str | None:
    if d.error:
        return d.error.split(": ", 1)[-1]
    parts = []
    if d.wrong:
        parts.append(f"{len(d.wrong)} cells wrong: {', '.join(d.wrong[:3])}{' …' if len(d.wrong) > 3 else ''}")
    if d.extra:
        parts.append(f"{len(d.extra)} keys not in the golden")
    return "; ".join(parts) or None


def render_evaluation(ev: Evaluation, console: Console) -> None:
    console.print(f"strategy {ev.strategy} · goldens {escape(ev.goldens)} · documents {escape(ev.docs)}", highlight=False)
    console.print(_HEADER, style="bold", highlight=False)
    for d in ev.documents:
        console.print(_line(d), highlight=False)
        wrong = _what_is_wrong(d)
        if wrong:
            console.print(f"{'':13}  · {escape(wrong)}", highlight=False)
    t = ev.totals
    tokens = "" if t.tokens_per_document is None else f"{t.tokens_per_document:.0f}"
    for name, value in (
        ("cells right", f"{t.cells_right}/{t.cells_total} ({t.cell_accuracy:.2%})"),
        ("documents exact", f"{t.documents_exact}/{t.documents}"),
        ("status", ", ".join(f"{n} {k}" for k, n in t.status.items())),
        ("false accepts", str(t.false_accepts)),
        ("review rate", f"{t.review_rate:.2%}"),
        ("organ/year/template right", f"{t.organ_right}/{t.year_right}/{t.template_right} of {t.documents}"),
        ("tokens per document", tokens),
    ):
        console.print(f"{name:<27}{value}", highlight=False)
