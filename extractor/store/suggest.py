"""The values a reviewer can take in one click, and the one fix a selection can take at once. No I/O.

A questioned cell may offer choices: the likely single wrong cell's value (the culprit), the
value that makes every identity a blank cell enters hold, each method's value where the rules
and the model disagree, each reading of printed digits that allow several. The document page
offers them cell by cell (`web.views.questions`). `suggestion` is the rule that the bulk
action, `review apply-suggestions` and the "fewest cells to fix" order share: the document's
only choice, when its cells, verified again, make every hard identity hold.

    >>> from extractor import extract_file
    >>> r = extract_file("golden/docs/10_shanghai_kewei_2024.md")
    >>> [(c.label, c.cells) for c in choices(r)["s3.carried_forward.total"]]
    [('1 (every identity it enters holds)', {'s3.carried_forward.total': 1})]
    >>> suggestion(r)
    {'s3.carried_forward.total': 1}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from verify.layout import FIELD, order_keys

from ..models import Check, Number, Result
from .judging import corrected, questioned

HOLDS = ("pass", "pass_if_blank_zero")


@dataclass(frozen=True)
class Choice:
    """A value (or values) a reviewer can take in one click."""

    label: str
    cells: dict[str, Number | None]


def fmt(value: Number | None) -> str:
    return "blank" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def method_name(name: str) -> str:
    return {"rules": "rules", "llm": "model"}.get(name, name)


def failing(checks: Iterable[Check], key: str) -> list[Check]:
    """The hard identities `key` enters that fail or cannot be checked."""
    return [c for c in checks if key in c.cells and c.severity == "hard" and c.status in ("fail", "not_assessable")]


def asked(result: Result) -> list[str]:
    """The questioned cells the page shows, in the dictionary's order."""
    return order_keys([k for k in questioned(result) if (k in result.cells or k in FIELD) and "." in k])


def choices(result: Result) -> dict[str, list[Choice]]:
    """Every cell's one-click choices, in the order the page offers them (a cell with none is left out)."""
    culprits = {c.cell: c for c in result.culprits}
    out: dict[str, list[Choice]] = {}
    for key in asked(result):
        mine: list[Choice] = []
        c = culprits.get(key)
        if c is not None:
            mine.append(Choice(f"{fmt(c.would_be)} (makes {', '.join(c.fixes)} hold)", {key: c.would_be}))
        for check in failing(result.checks, key):
            if check.blank_would_be is not None and check.blank_cells == [key] and not any(key in ch.cells for ch in mine):
                mine.append(Choice(f"{fmt(check.blank_would_be)} (every identity it enters holds)", {key: check.blank_would_be}))
        p = result.provenance.get(key)
        if p is not None and p.values and len(set(p.values.values())) > 1:
            mine += [Choice(f"{fmt(v)} (the {method_name(m)}'s)", {key: v}) for m, v in p.values.items()]
        if mine:
            out[key] = mine
    for amb in getattr(result, "ambiguities", None) or []:
        for key, offered in _readings(amb).items():
            out.setdefault(key, []).extend(offered)
    return out


def _readings(amb: Any) -> dict[str, list[Choice]]:
    """An ambiguity (printed digits that allow several readings): each reading one choice, on
    every cell the digits spread over. Read defensively: its model may grow."""
    keys = list(getattr(amb, "keys", []) or [])
    readings = list(getattr(amb, "readings", []) or [])
    if not keys or not readings:
        return {}
    chosen = getattr(amb, "chosen", 0)
    offered = [
        Choice(" / ".join(fmt(v) for v in reading) + (" (as read)" if i == chosen else ""), dict(zip(keys, reading)))
        for i, reading in enumerate(readings)
    ]
    return {key: list(offered) for key in keys}


def suggestion(result: Result) -> dict[str, Number | None] | None:
    """The fix one click makes, when the document offers exactly one choice and its cells,
    verified again, make every hard identity hold; else None (nothing, or a person's call)."""
    if result.status == "verified":
        return None
    offered = {tuple(sorted(c.cells.items())): c.cells for cs in choices(result).values() for c in cs}
    if len(offered) != 1:
        return None
    (cells,) = offered.values()
    fixed = corrected(result, cells, {})
    if any(c.severity == "hard" and c.status not in HOLDS for c in fixed.checks):
        return None
    return dict(cells)


__all__ = ["Choice", "HOLDS", "asked", "choices", "failing", "fmt", "method_name", "suggestion"]
