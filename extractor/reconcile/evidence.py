"""Choosing among the readings of digits printed run together, with what the report says elsewhere.

Digits with no separator ("行政规范性文件8855698") often cut several ways into the cells they span,
and nothing inside table 二 decides. Other evidence may: the report's own prose ("现行有效…698件，
…制发的规范性文件88件", SPEC §5.5) and the same organ's reports of the years before and after
(SPEC §5.4: X1–X3). Each piece of evidence is a linear constraint on this year's cells. A reading
is taken when it is the only one that satisfies every constraint touching its cells, and when
each of those constraints is met by some reading (one that none meets speaks of another scope,
and decides nothing). The printed digits are never changed: only which cut of them is read.
Where the evidence leaves several readings, they stay choices for a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from verify.crossyear import EQUATIONS

from ..models import Ambiguity, Related, Result

Number = int | float


@dataclass(frozen=True)
class Constraint:
    """Σ coefficient × cell = constant over this year's cells, and where it comes from."""

    coefficients: tuple[tuple[str, int], ...]
    constant: Number
    source: str

    @property
    def keys(self) -> set[str]:
        return {k for k, _ in self.coefficients}

    def holds(self, cells: Mapping[str, Number | None]) -> bool | None:
        """None when a cell it needs is blank or absent."""
        total = 0
        for key, c in self.coefficients:
            v = cells.get(key)
            if v is None:
                return None
            total += c * v
        return abs(total - self.constant) < 1e-9


def from_prose(result: Result) -> list[Constraint]:
    return [
        Constraint(tuple((k, 1) for k in s.keys), s.value, f"the report's prose: «{s.text}»")
        for s in result.prose
    ]


def from_other_years(related: Iterable[Related]) -> list[Constraint]:
    """The X equations with the other year's cells moved to the constant side."""
    out: list[Constraint] = []
    for other in related:
        for _rule, check, left, terms in EQUATIONS:
            if other.relation == "previous":
                # this year's left = Σ now-terms (this year) + Σ prev-terms (the other report)
                known = [(s, k) for s, side, k in terms if side == "prev"]
                mine = [(k, -s) for s, side, k in terms if side == "now"]
                coefficients = ((left, 1), *mine)
            else:
                # the other (next) year's left = Σ its now-terms + Σ prev-terms (this year)
                known = [(-s, k) for s, side, k in terms if side == "now"]
                mine = [(k, s) for s, side, k in terms if side == "prev"]
                coefficients = tuple(mine)
                if left not in other.cells:
                    continue
                known.append((1, left))
            values = [other.cells.get(k) for _, k in known]
            if not coefficients or any(v is None for v in values) or any(k not in other.cells for _, k in known):
                continue
            constant = sum(s * v for (s, _), v in zip(known, values))  # type: ignore[operator]
            source = f"{check} with the {other.relation} year's report ({other.year}, {other.path})"
            out.append(Constraint(coefficients, constant, source))
    return out


@dataclass(frozen=True)
class Settled:
    ambiguity: int  # its index in result.ambiguities
    reading: int
    sources: tuple[str, ...]


def settle(result: Result, constraints: list[Constraint]) -> list[Settled]:
    """The readings the evidence decides, one per ambiguity it decides."""
    out: list[Settled] = []
    for i, amb in enumerate(result.ambiguities):
        if amb.settled_by or any(result.provenance.get(k) and result.provenance[k].method == "human" for k in amb.keys):
            continue
        mine = set(amb.keys)
        applicable = [c for c in constraints if c.keys & mine and _others_known(c, mine, result)]
        if not applicable:
            continue
        verdicts = [[c.holds({**result.cells, **dict(zip(amb.keys, reading))}) for c in applicable] for reading in amb.readings]
        if any(not any(v[j] for v in verdicts) for j in range(len(applicable))):
            continue  # a constraint no reading meets speaks of another scope
        fitting = [r for r, v in enumerate(verdicts) if all(v)]
        if len(fitting) == 1:
            out.append(Settled(i, fitting[0], tuple(dict.fromkeys(c.source for c in applicable))))
    return out


def _others_known(c: Constraint, mine: set[str], result: Result) -> bool:
    """The constraint's other cells are read and are no guess themselves."""
    for key in c.keys - mine:
        if result.cells.get(key) is None:
            return False
        p = result.provenance.get(key)
        if p is not None and p.ambiguous:
            return False
    return True


def apply(result: Result, settled: list[Settled]) -> Result:
    """The result with each decided reading in its cells, no longer a guess, and why."""
    if not settled:
        return result
    cells, provenance = dict(result.cells), dict(result.provenance)
    ambiguities: list[Ambiguity] = list(result.ambiguities)
    for s in settled:
        amb = ambiguities[s.ambiguity]
        why = "; ".join(s.sources)
        for key, value in zip(amb.keys, amb.readings[s.reading]):
            cells[key] = value
            p = provenance.get(key)
            if p is not None:
                note = "; ".join(n for n in (p.note, f"reading confirmed by {why}") if n)
                provenance[key] = p.model_copy(update={"ambiguous": False, "note": note})
        ambiguities[s.ambiguity] = amb.model_copy(update={"chosen": s.reading, "settled_by": why})
    return result.model_copy(update={"cells": cells, "provenance": provenance, "ambiguities": ambiguities})


def settle_with_evidence(result: Result) -> Result:
    """Every ambiguity the report's prose and the organ's other years decide, decided."""
    if not result.ambiguities:
        return result
    return apply(result, settle(result, from_prose(result) + from_other_years(result.related)))
