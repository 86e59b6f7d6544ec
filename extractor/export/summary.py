"""A readable summary of results for a terminal: one line per document, then its reasons.

Lines are printed as each document is done. Piped into a file or `grep`, a document's line is
never wrapped, whatever its length; on a terminal it is coloured.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from ..models import Result

_STYLE = {"verified": ("green", "✓"), "needs_review": ("yellow", "!"), "failed": ("red", "✗")}
_REASONS_SHOWN = 4
_WARNINGS_SHOWN = 6


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
        zeros = f", {s['pass_if_blank_zero']} pass if blanks are 0" if s["pass_if_blank_zero"] else ""
        parts.append(f"checks {s['pass']} pass, {s['fail']} fail, {s['not_assessable']} n/a{zeros}, {s['warn']} warn")
        warned = [c.check for c in r.checks if c.status == "warn"]
        if warned:
            more = f" and {len(warned) - _WARNINGS_SHOWN} more" if len(warned) > _WARNINGS_SHOWN else ""
            parts.append(f"(warnings: {escape(', '.join(warned[:_WARNINGS_SHOWN]))}{more})")
    return "  ".join(parts)


@dataclass
class SummaryPrinter:
    console: Console

    @classmethod
    def for_stdout(cls) -> SummaryPrinter:
        # soft_wrap: a long line stays one line (rich would otherwise wrap at 80 columns off a terminal).
        return cls(Console(soft_wrap=True, highlight=False))

    def document(self, r: Result) -> None:
        self.console.print(_line(r))
        for reason in r.reasons[:_REASONS_SHOWN]:
            self.console.print(f"    · {escape(reason.message)}")
        if len(r.reasons) > _REASONS_SHOWN:
            self.console.print(f"    · … {len(r.reasons) - _REASONS_SHOWN} more (see --json)")

    def totals(self, counts: dict[str, int]) -> None:
        self.console.print(", ".join(f"{counts.get(k, 0)} {k}" for k in _STYLE))

