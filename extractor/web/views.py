"""What the document page shows, worked out from a result alone: no I/O, no HTTP.

`tables(result)` lays the three tables out as the official templates print them: the captions
and the row and column labels in Chinese, with their spans, and a slot for each cell.
`questions(result)` says, for every questioned cell, why in words: the identities it enters
that fail (with their two sides), whether it is the likely single wrong cell, a blank, a
reading among several (each reading a choice a reviewer takes in one click), the model and the
rules disagreeing (each value a choice), the recogniser unsure of it. `since(extracted, current)`
says which identities hold now that a reviewer's corrections were verified, and which still do not.

    >>> from extractor import extract_file
    >>> r = extract_file("golden/docs/10_shanghai_kewei_2024.md")
    >>> why = questions(r)["s3.carried_forward.total"]
    >>> why.lines[0]
    'Printed blank.'
    >>> [(c.label, c.cells) for c in why.choices]
    [('1 (every identity it enters holds)', {'s3.carried_forward.total': 1})]
    >>> [t.numeral for t in tables(r)]
    ['二', '三', '四']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from verify.layout import (
    FIELD,
    S2_2019,
    S2_2021,
    S3_COLUMN_LABELS,
    S3_COLUMNS,
    S3_ROW_LABELS,
    S4_COLUMN_LABELS,
    S4_COLUMNS,
    S4_GROUP_LABELS,
    S4_GROUPS,
    label,
    order_keys,
    s3_rows,
)

from ..models import Check, Number, Reason, Result
from ..store.suggest import Choice, asked, choices, failing, method_name
from ..store.suggest import fmt as _fmt

TITLES = {"s2": "主动公开政府信息情况", "s3": "收到和处理政府信息公开申请情况", "s4": "政府信息公开行政复议、行政诉讼情况"}
NUMERALS = {"s2": "二", "s3": "三", "s4": "四"}

# Table 二's blocks: a caption over a header row (信息内容 and the columns) and its rows (SPEC §2.1, §3.1).
_S2_BLOCKS = (
    ("第二十条第（一）项", ("regulations", "normative_docs")),
    ("第二十条第（五）项", ("licensing", "other_services")),
    ("第二十条第（六）项", ("penalty", "coercion")),
    ("第二十条第（八）项", ("fees",)),
    ("第二十条第（九）项", ("procurement",)),
)
_S2_WIDTH = 3  # value columns of the printed grid; a block with fewer spans them

# Table 三's group labels: rows under a group print its label once, spanning them (SPEC §2.2, §3.2).
_S3_RESULTS = "三、本年度办理结果"
_S3_GROUPS = {"denied_": "（三）不予公开", "unable_": "（四）无法提供", "rejected_": "（五）不予处理", "other_": "（六）其他处理"}
_S3_TOP = ("new_received", "carried_over", "carried_forward")


@dataclass(frozen=True)
class Head:
    """A printed label of the grid."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: str = "row"  # row | column | caption


@dataclass(frozen=True)
class Slot:
    """The place of one cell in the grid."""

    key: str
    colspan: int = 1


@dataclass(frozen=True)
class TableView:
    table: str
    numeral: str
    title: str
    found: bool
    rows: list[list[Head | Slot]]
    layout: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Why:
    """Why a cell is questioned, in words, and what to do about it."""

    key: str
    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    culprit: bool = False  # the likely single wrong cell
    confidence: float | None = None


# --- the tables as printed ----------------------------------------------------------------------


def tables(result: Result) -> list[TableView]:
    return [_s2(result), _s3(result), _s4(result)]


def _layout(result: Result, table: str) -> str:
    info = result.tables.get(table)
    layout = (info.layout if info else None) or result.template
    if layout in ("2019", "2021"):
        return layout
    keys = {k for k in result.cells if k.startswith(table + ".")}
    only_2021 = {f"s2.{r}.{c}" for r, c, _, _ in S2_2021} - {f"s2.{r}.{c}" for r, c, _, _ in S2_2019}
    return "2021" if keys & only_2021 or any(".other_" in k for k in keys) else "2019"


def _info(result: Result, table: str) -> tuple[bool, list[str]]:
    info = result.tables.get(table)
    return (bool(info and info.found), list(info.notes) if info else [])


def _s2(result: Result) -> TableView:
    layout = _layout(result, "s2")
    spec = S2_2019 if layout == "2019" else S2_2021
    rows: list[list[Head | Slot]] = []
    shown: set[str] = set()
    for caption, names in _S2_BLOCKS:
        block = [(r, f, rl, cl) for r, f, rl, cl in spec if r in names]
        if not block:
            continue
        columns = list(dict.fromkeys(cl for r, _, _, cl in block if r == block[0][0]))
        spans = _spans(len(columns))
        rows.append([Head(caption, colspan=_S2_WIDTH + 1, kind="caption")])
        rows.append([Head("信息内容", kind="column"), *(Head(c, colspan=n, kind="column") for c, n in zip(columns, spans))])
        for name in dict.fromkeys(r for r, _, _, _ in block):
            fields = [(f, rl) for r, f, rl, _ in block if r == name]
            keys = [f"s2.{name}.{f}" for f, _ in fields]
            shown.update(keys)
            rows.append([Head(fields[0][1]), *(Slot(k, colspan=n) for k, n in zip(keys, spans))])
    rows += _others(result, "s2", shown, _S2_WIDTH + 1)
    found, notes = _info(result, "s2")
    return TableView("s2", "二", TITLES["s2"], found, rows, layout, notes)


def _spans(columns: int) -> list[int]:
    """How many of the grid's value columns each of a block's columns covers: all alike when
    they divide evenly (one column spans three), else the last takes what is left."""
    if _S2_WIDTH % columns == 0:
        return [_S2_WIDTH // columns] * columns
    return [1] * (columns - 1) + [_S2_WIDTH - columns + 1]


def _s3(result: Result) -> TableView:
    layout = _layout(result, "s3")
    names = list(s3_rows(layout))
    applicants = [S3_COLUMN_LABELS[c] for c in S3_COLUMNS[1:-1]]
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    rows: list[list[Head | Slot]] = [
        [Head(corner, rowspan=3, colspan=3, kind="column"), Head("申请人情况", colspan=7, kind="column")],
        [Head("自然人", rowspan=2, kind="column"), Head("法人或其他组织", colspan=5, kind="column"), Head("总计", rowspan=2, kind="column")],
        [Head(a, kind="column") for a in applicants],
    ]
    results = [n for n in names if n not in _S3_TOP]
    for name in names:
        heads: list[Head | Slot] = []
        group = next((g for prefix, g in _S3_GROUPS.items() if name.startswith(prefix)), None)
        if name in _S3_TOP:
            heads.append(Head(S3_ROW_LABELS[name], colspan=3))
        else:
            if name == results[0]:
                heads.append(Head(_S3_RESULTS, rowspan=len(results)))
            if group is None:
                heads.append(Head(S3_ROW_LABELS[name], colspan=2))
            else:
                members = [n for n in names if n.startswith(name.split("_")[0] + "_")]
                if name == members[0]:
                    heads.append(Head(group, rowspan=len(members)))
                heads.append(Head(S3_ROW_LABELS[name]))
        rows.append(heads + [Slot(f"s3.{name}.{c}") for c in S3_COLUMNS])
    shown = {f"s3.{n}.{c}" for n in names for c in S3_COLUMNS}
    rows += _others(result, "s3", shown, 10)
    found, notes = _info(result, "s3")
    return TableView("s3", "三", TITLES["s3"], found, rows, layout, notes)


def _s4(result: Result) -> TableView:
    review, *suits = S4_GROUPS
    rows: list[list[Head | Slot]] = [
        [Head(S4_GROUP_LABELS[review], colspan=5, kind="column"), Head("行政诉讼", colspan=10, kind="column")],
        [*(Head(S4_COLUMN_LABELS[c], rowspan=2, kind="column") for c in S4_COLUMNS),
         *(Head(S4_GROUP_LABELS[g], colspan=5, kind="column") for g in suits)],
        [Head(S4_COLUMN_LABELS[c], kind="column") for _ in suits for c in S4_COLUMNS],
        [Slot(f"s4.{g}.{c}") for g in S4_GROUPS for c in S4_COLUMNS],
    ]  # fmt: skip
    shown = {f"s4.{g}.{c}" for g in S4_GROUPS for c in S4_COLUMNS}
    rows += _others(result, "s4", shown, 15)
    found, notes = _info(result, "s4")
    return TableView("s4", "四", TITLES["s4"], found, rows, None, notes)


def _others(result: Result, table: str, shown: set[str], width: int) -> list[list[Head | Slot]]:
    """Cells of the result the layout does not print (a mixed table): listed after it, labelled."""
    rest = order_keys([k for k in result.cells if k.startswith(table + ".") and k not in shown])
    if not rest:
        return []
    out: list[list[Head | Slot]] = [[Head("其他单元格（不在本表式中）", colspan=width, kind="caption")]]
    for key in rest:
        names = label(key, result.template)
        out.append([Head(f"{names.row} / {names.column}", colspan=width - 1), Slot(key)])
    return out


# --- why each cell is questioned ----------------------------------------------------------------


def cell_label(key: str, template: str | None = None) -> str:
    names = label(key, template)
    return f"{names.table} · {names.row} / {names.column}"


def _sides(check: Check) -> str:
    """An identity's description and its two sides, in words."""
    what = check.message.rsplit(": ", 1)[0] if ": " in check.message else check.message
    if check.left is None or check.right is None:
        return f"{check.check} ({what}) cannot be checked: {check.message.rsplit(': ', 1)[-1]}"
    off = f", off by {_fmt(abs(check.diff))}" if check.diff is not None else ""
    return f"{check.check} fails: {what}; the left side is {_fmt(check.left)}, the right side {_fmt(check.right)}{off}"


def questions(result: Result) -> dict[str, Why]:
    """Every questioned cell with why in words, in the dictionary's order, and its one-click
    choices (`store.suggest.choices`, the rule the bulk actions share)."""
    out = {k: Why(k) for k in asked(result)}
    culprits = {c.cell: c for c in result.culprits}
    for key, why in out.items():
        p = result.provenance.get(key)
        value = result.cells.get(key)
        if p is not None and p.kind == "blank":
            why.lines.append("Printed blank.")
        elif p is not None and p.kind in ("placeholder", "text", "missing"):
            why.lines.append({"placeholder": "Printed as a placeholder, not a number.", "text": "Printed as text, not a number.", "missing": "Not found in the document."}[p.kind])
        c = culprits.get(key)
        if c is not None:
            why.culprit = True
            why.lines.append(
                f"Likely the one wrong cell: it reads {_fmt(c.current)}; {_fmt(c.would_be)} would make "
                f"{', '.join(c.fixes)} hold."
            )
        why.lines += [_sides(check) for check in failing(result.checks, key)]
        if p is not None and p.values and len({v for v in p.values.values()}) > 1:
            said = ", ".join(f"the {method_name(m)} read {_fmt(v)}" for m, v in p.values.items())
            why.lines.append(f"The readings disagree: {said}.")
        confidence = getattr(p, "confidence", None) if p is not None else None
        if confidence is not None:
            why.confidence = confidence
            why.lines.append(f"Read by OCR with confidence {confidence:.2f}.")
        if p is not None and p.ambiguous:
            why.lines.append("Chosen among several possible readings of the printed digits" + (f": {p.note}." if p.note else "."))
        elif p is not None and p.note and p.method != "human":
            why.lines.append(f"Note: {p.note}.")
        if p is not None and p.method == "human":
            why.lines.append(f"Corrected: {p.note or 'set by a reviewer'}; now {_fmt(value)}.")
    for amb in getattr(result, "ambiguities", None) or []:
        keys, readings = list(getattr(amb, "keys", []) or []), list(getattr(amb, "readings", []) or [])
        for key in keys if readings else []:
            said = f"The printed digits “{getattr(amb, 'raw', '')}” allow {len(readings)} readings over {len(keys)} cells."
            out.setdefault(key, Why(key)).lines.append(said)
    for key, offered in choices(result).items():
        out.setdefault(key, Why(key)).choices = offered
    for reason in result.reasons:
        if reason.code in ("identity_failed", "identity_not_assessable", "cells_not_read", "ambiguous_reading", "methods_disagree"):
            continue  # said cell by cell above
        for key in reason.cells:
            if key in out and reason.message not in out[key].lines:
                out[key].lines.append(reason.message)
    return out


# --- what the corrections changed ---------------------------------------------------------------


@dataclass(frozen=True)
class Since:
    now_hold: list[str]  # identities that failed or could not be checked as read, and hold now
    still: list[str]  # hard identities that still fail or cannot be checked
    broke: list[str]  # identities that held as read and fail now


def since(extracted: Result, current: Result) -> Since:
    def bad(r: Result) -> set[str]:
        return {c.check for c in r.checks if c.severity == "hard" and c.status in ("fail", "not_assessable")}

    def good(r: Result) -> set[str]:
        return {c.check for c in r.checks if c.severity == "hard" and c.status in ("pass", "pass_if_blank_zero")}

    before, now, held = bad(extracted), bad(current), good(current)
    return Since(sorted(before & held), sorted(now), sorted(good(extracted) & now))


def hard_checks(result: Result) -> list[Check]:
    return [c for c in result.checks if c.severity == "hard"]


# --- the queue's reasons, and the history, in words ---------------------------------------------


@dataclass(frozen=True)
class Chip:
    """A reason code once, with how many of the document's reasons give it."""

    code: str
    count: int
    title: str  # their messages, the first few


def chips(reasons: list[Reason], shown: int = 5) -> list[Chip]:
    """Each code once, counted, in the order they first come ("structure ×20", not twenty chips)."""
    said: dict[str, list[str]] = {}
    for r in reasons:
        said.setdefault(r.code, []).append(r.message)
    return [
        Chip(code, len(messages), "\n".join(messages[:shown] + ([f"… and {len(messages) - shown} more"] if len(messages) > shown else [])))
        for code, messages in said.items()
    ]


_HIDDEN = frozenset({"path", "version", "correction"})  # kept for the machine: where it came from, what undo takes back


def _named(item: str, template: str | None) -> str:
    """A cell by its labels; anything else (a reason code standing for a whole table) as it is."""
    return cell_label(item, template) if item in FIELD else item


def _words(value: Any, template: str | None, most: int = 6) -> str:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = [_named(v, template) for v in value[:most]]
        return "; ".join(names) + (f"; and {len(value) - most} more" if len(value) > most else "")
    if isinstance(value, dict):
        return "; ".join(f"{_named(str(k), template)}: {_fmt(v)}" for k, v in value.items())
    if value is None or isinstance(value, int | float):
        return _fmt(value)
    return str(value)


def event_detail(detail: dict[str, Any], template: str | None) -> list[tuple[str, str]]:
    """An event's detail in words: cells by their Chinese labels, values as printed."""
    return [(k.replace("_", " "), _words(v, template)) for k, v in detail.items() if k not in _HIDDEN and (v is not None or k in ("value", "was"))]


__all__ = [
    "Chip", "Choice", "Head", "Since", "Slot", "TableView", "Why", "cell_label", "chips", "event_detail", "hard_checks", "questions",
    "since", "tables",
]  # fmt: skip
