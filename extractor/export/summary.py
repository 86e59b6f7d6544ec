"""A readable summary of results for a terminal: one line per document, then its reasons.

Lines are printed as each document is done. Piped into a file or `grep`, a document's line is
never wrapped, whatever its length; on a terminal it is coloured (click's styles: the
terminal library would cost a rules-only run more time to load than its reading takes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import click

from ..models import Result

_STYLE = {"verified": ("green", "✓"), "needs_review": ("yellow", "!"), "failed": ("red", "✗")}
_REASONS_SHOWN = 4
_WARNINGS_SHOWN = 6


def _line(r: Result) -> str:
    colour, mark = _STYLE[r.status]
    parts = [click.style(f"{mark} {r.status:<12}", fg=colour), click.style(r.source.path, bold=True)]
    if r.organ or r.year:
        parts.append(f"{r.organ or '?'} {r.year or '?'}")
    if r.template:
        parts.append(f"template {r.template}")
    if r.cells:
        read = sum(v is not None for v in r.cells.values())
        parts.append(f"{read}/{len(r.cells)} cells")
    if r.checks:
        s = r.summary()
        zeros = f", {s['pass_if_blank_zero']} pass if blanks are 0" if s["pass_if_blank_zero"] else ""
        parts.append(f"checks {s['pass']} pass, {s['fail']} fail, {s['not_assessable']} n/a{zeros}, {s['warn']} warn")
        warned = [c.check for c in r.checks if c.status == "warn"]
        if warned:
            more = f" and {len(warned) - _WARNINGS_SHOWN} more" if len(warned) > _WARNINGS_SHOWN else ""
            parts.append(f"(warnings: {', '.join(warned[:_WARNINGS_SHOWN])}{more})")
    return "  ".join(parts)


@dataclass
class SummaryPrinter:
    echo: Callable[[str], None] = field(default=click.echo)  # strips the colours off a terminal

    @classmethod
    def for_stdout(cls) -> SummaryPrinter:
        return cls()

    def document(self, r: Result) -> None:
        self.echo(_line(r))
        for reason in r.reasons[:_REASONS_SHOWN]:
            self.echo(f"    · {reason.message}")
        if len(r.reasons) > _REASONS_SHOWN:
            self.echo(f"    · … {len(r.reasons) - _REASONS_SHOWN} more (see --json)")

    def totals(self, counts: dict[str, int]) -> None:
        self.echo(", ".join(f"{counts.get(k, 0)} {k}" for k in _STYLE))
