"""What a check reports: one finding per check, naming the exact cells involved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

Number = Union[int, float]
# pass_if_blank_zero (SPEC §8.4): not assessable as printed, but every blank term is an applicant
# cell of table 三 and the identity holds when those blanks are zeros. An inference, never a value.
Status = Literal["pass", "fail", "not_assessable", "pass_if_blank_zero", "warn"]
Severity = Literal["hard", "structure", "heuristic"]


@dataclass(frozen=True)
class Finding:
    """The outcome of one check.

    `rule` is the stable family id (H1…H5, S1…S3, P1…P7); `check` names this instance
    (for example ``H1.natural`` or ``H3.granted``). `cells` are the dictionary keys the check
    read, left side first. For an identity, `left` and `right` are the two sums and `diff` is
    left − right; they are None when a term is blank (status ``not_assessable``, or
    ``pass_if_blank_zero`` when the blanks are applicant cells and zeros would make it hold).
    """

    rule: str
    check: str
    status: Status
    cells: tuple[str, ...]
    message: str
    severity: Severity = "hard"
    left: Number | None = None
    right: Number | None = None
    diff: Number | None = None
    # Only for identities whose blanks are all applicant columns (SPEC §5.1): would the identity
    # hold if those blanks were zeros? An inference, never written back.
    holds_if_blank_zero: bool | None = None
    blank_cells: tuple[str, ...] = ()
    # With exactly one blank term: the value that blank would need for the identity to hold.
    blank_would_be: Number | None = None

    def to_dict(self) -> dict:
        d = {
            "rule": self.rule,
            "check": self.check,
            "status": self.status,
            "severity": self.severity,
            "cells": list(self.cells),
            "left": self.left,
            "right": self.right,
            "diff": self.diff,
            "message": self.message,
        }
        if self.blank_cells:
            d["blank_cells"] = list(self.blank_cells)
        if self.holds_if_blank_zero is not None:
            d["holds_if_blank_zero"] = self.holds_if_blank_zero
        if self.blank_would_be is not None:
            d["blank_would_be"] = self.blank_would_be
        return d


@dataclass(frozen=True)
class Culprit:
    """A single cell that, changed to `would_be`, makes every failing identity hold.

    A hint for the reviewer, never a correction: the verifier does not change values.
    """

    cell: str
    current: Number
    would_be: Number
    fixes: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "cell": self.cell,
            "current": self.current,
            "would_be": self.would_be,
            "fixes": list(self.fixes),
        }


@dataclass
class Report:
    """All findings for one set of cells, plus the culprit hint when hard checks fail."""

    findings: list[Finding] = field(default_factory=list)
    culprits: list[Culprit] = field(default_factory=list)

    def by_status(self, status: Status) -> list[Finding]:
        return [f for f in self.findings if f.status == status]

    @property
    def hard_failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail" and f.severity == "hard"]

    @property
    def structure_failures(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "fail" and f.severity == "structure"]

    @property
    def not_assessable(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "not_assessable"]

    @property
    def pass_if_blank_zero(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "pass_if_blank_zero"]

    @property
    def checked_cells(self) -> set[str]:
        """The cells some hard identity that holds vouches for (with blanks as zeros, too)."""
        return {c for f in self.findings if f.severity == "hard" and f.status in ("pass", "pass_if_blank_zero") for c in f.cells}

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "warn"]

    @property
    def all_hard_hold(self) -> bool:
        """Every hard identity was assessable and holds, and the structure is complete."""
        return not any(
            f.status in ("fail", "not_assessable", "pass_if_blank_zero") and f.severity in ("hard", "structure")
            for f in self.findings
        )

    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "not_assessable": 0, "pass_if_blank_zero": 0, "warn": 0}
        for f in self.findings:
            out[f.status] += 1
        return out

    def to_dict(self) -> dict:
        return {
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "culprits": [c.to_dict() for c in self.culprits],
        }
