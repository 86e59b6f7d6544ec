"""The hard identities H1–H4 (SPEC §5.1) as linear equations over cell keys, and their evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .findings import Finding, Number
from .layout import (
    S3_APPLICANT_COLUMNS,
    S3_COLUMN_LABELS,
    S3_COLUMNS,
    S3_OTHER_ROWS_2019,
    S3_OTHER_ROWS_2021,
    S3_RESULT_LEAVES_COMMON,
    S3_ROW_LABELS,
    S4_COLUMNS,
    S4_GROUP_LABELS,
    S4_GROUPS,
    s3_key,
    s3_rows,
    s4_key,
)

Cells = Mapping[str, "Number | None"]


@dataclass(frozen=True)
class Identity:
    """sum(lhs) == sum(rhs), exactly (tolerance 0 for counts)."""

    rule: str
    check: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str

    @property
    def cells(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def coefficient(self, key: str) -> int:
        return self.lhs.count(key) - self.rhs.count(key)


def s3_other_rows(layout: str) -> tuple[str, ...]:
    return S3_OTHER_ROWS_2019 if layout == "2019" else S3_OTHER_ROWS_2021


def identities(s3_layout: str | None, has_s4: bool) -> list[Identity]:
    """Every hard identity that applies to the printed layout of tables 三 and 四."""
    return list(_identities(s3_layout, has_s4))


@lru_cache(maxsize=16)
def _identities(s3_layout: str | None, has_s4: bool) -> tuple[Identity, ...]:
    # Built once per layout: the extractor asks again for every combination of splits it scores.
    out: list[Identity] = []
    if s3_layout in ("2019", "2021"):
        leaves = S3_RESULT_LEAVES_COMMON + s3_other_rows(s3_layout)
        for c in S3_COLUMNS:
            out.append(
                Identity(
                    "H1",
                    f"H1.{c}",
                    (s3_key("new_received", c), s3_key("carried_over", c)),
                    (s3_key("results_total", c), s3_key("carried_forward", c)),
                    f"一+二 = 三(七)+四 for column {S3_COLUMN_LABELS[c]}",
                )
            )
        for c in S3_COLUMNS:
            out.append(
                Identity(
                    "H2",
                    f"H2.{c}",
                    (s3_key("results_total", c),),
                    tuple(s3_key(r, c) for r in leaves),
                    f"（七）总计 = sum of the result rows, column {S3_COLUMN_LABELS[c]}",
                )
            )
        for r in s3_rows(s3_layout):
            out.append(
                Identity(
                    "H3",
                    f"H3.{r}",
                    tuple(s3_key(r, c) for c in S3_APPLICANT_COLUMNS),
                    (s3_key(r, "total"),),
                    f"applicant columns sum to 总计 on row {S3_ROW_LABELS[r]}",
                )
            )
    if has_s4:
        for g in S4_GROUPS:
            out.append(
                Identity(
                    "H4",
                    f"H4.{g}",
                    tuple(s4_key(g, c) for c in S4_COLUMNS[:-1]),
                    (s4_key(g, "total"),),
                    f"结果维持+结果纠正+其他结果+尚未审结 = 总计 for {S4_GROUP_LABELS[g]}",
                )
            )
    return tuple(out)


def _total(keys: tuple[str, ...], cells: Cells) -> Number:
    return _clean(sum(cells[k] for k in keys))  # type: ignore[misc]


def _clean(x: Number) -> Number:
    # Sums of integer cells stay int; money never enters an identity, but be exact anyway.
    return int(x) if float(x).is_integer() else round(x, 6)


def _solve_single_blank(identity: Identity, cells: Cells, blanks: tuple[str, ...]) -> Number | None:
    """The value the one blank term would need for the identity to hold (an inference only)."""
    if len(blanks) != 1:
        return None
    key = blanks[0]
    coef = identity.coefficient(key)
    if coef == 0:
        return None
    rest = {k: (0 if k == key else cells[k]) for k in identity.cells}
    residual = _total(identity.lhs, rest) - _total(identity.rhs, rest)
    return _clean(-residual / coef)


def _is_applicant_blank(key: str) -> bool:
    return key.startswith("s3.") and not key.endswith(".total")


def evaluate(identity: Identity, cells: Cells) -> Finding:
    missing = tuple(k for k in identity.cells if k not in cells)
    if missing:
        return Finding(
            identity.rule,
            identity.check,
            "not_assessable",
            identity.cells,
            f"{identity.description}: not assessable, cells absent: {', '.join(missing)}",
            blank_cells=missing,
        )
    blanks = tuple(dict.fromkeys(k for k in identity.cells if cells[k] is None))
    if blanks:
        holds = None
        if all(_is_applicant_blank(k) for k in blanks):
            zeroed = {k: (0 if cells[k] is None else cells[k]) for k in identity.cells}
            holds = _total(identity.lhs, zeroed) == _total(identity.rhs, zeroed)
        would_be = _solve_single_blank(identity, cells, blanks)
        hint = f" (holds if {blanks[0]} = {would_be})" if would_be is not None else ""
        if holds:
            status, why = "pass_if_blank_zero", f"holds if the blank applicant cells are zeros: {', '.join(blanks)}"
        else:
            status, why = "not_assessable", f"not assessable, blank: {', '.join(blanks)}{hint}"
        return Finding(
            identity.rule,
            identity.check,
            status,
            identity.cells,
            f"{identity.description}: {why}",
            holds_if_blank_zero=holds,
            blank_cells=blanks,
            blank_would_be=would_be,
        )
    left, right = _total(identity.lhs, cells), _total(identity.rhs, cells)
    diff = _clean(left - right)
    status = "pass" if diff == 0 else "fail"
    message = f"{identity.description}: {left} {'=' if diff == 0 else '≠'} {right}"
    return Finding(
        identity.rule, identity.check, status, identity.cells, message, left=left, right=right, diff=diff
    )
