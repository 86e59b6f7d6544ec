"""Step 5, reconcile: turn a result's facts and the verifier's findings into a status and reasons.

A document is verified only when every table was found, every cell was read as a number,
no reading was a guess, and every hard identity holds. Anything else goes to a human with
the reasons; a source that does not add up is reported as such, its numbers kept as printed.

Everything decided here is decided from what the `Result` itself records (its tables, cells,
provenance, the pages its source could not read, each extraction path's verdict), so deciding
again after a correction gives every reason that still applies, and only those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from verify import Report
from verify.layout import label

from ..load.pdf import NO_TEXT_LAYER, needs_ocr
from ..models import INFORMATIVE, MethodRun, Provenance, Reason, Result, Status, TableInfo
from .ocr import ocr_uncertain

TABLE_NAMES = {"s2": "二", "s3": "三", "s4": "四"}
_LIST_AT_MOST = 8
_EACH_AT_MOST = 4
_SHOW = 6


@dataclass(frozen=True)
class Decision:
    status: Status
    reasons: list[Reason]
    error: str | None = None  # set when the document counts as unreadable


def _short(keys: list[str]) -> str:
    shown = ", ".join(keys[:_LIST_AT_MOST])
    return shown + (f" and {len(keys) - _LIST_AT_MOST} more" if len(keys) > _LIST_AT_MOST else "")


def decide(result: Result, report: Report) -> Decision:
    """The status of a result and every reason for it."""
    status, reasons = decide_cells(result.tables, result.cells, result.provenance, report, blanks=result.blanks)
    reasons += confirmed_readings(result)
    reasons += fallbacks(result)
    disagree = disagreement(result)
    if disagree is not None:
        reasons.append(disagree)
        status = "needs_review" if status == "verified" else status
    return _unread_pages(result, Decision(status, reasons))


def _unread_pages(result: Result, decision: Decision) -> Decision:
    """A table not found while some pages are images may well be on them: no guess is made,
    the document fails and says OCR is needed (the cells read on text pages are kept)."""
    pages = result.source.pages_without_text
    if not pages or all(t.found for t in result.tables.values()):
        return decision
    problem = needs_ocr(NO_TEXT_LAYER)  # without the engine, which extra reads those pages
    reasons = [Reason(code="unreadable", message=problem)] + decision.reasons
    return Decision("failed", reasons, f"{result.source.path}: {problem}")


def decide_cells(
    tables: Mapping[str, TableInfo],
    cells: Mapping[str, object],
    provenance: Mapping[str, Provenance],
    report: Report,
    *,
    blanks: str = "zero",
) -> tuple[Status, list[Reason]]:
    reasons: list[Reason] = []
    found = [t for t in ("s2", "s3", "s4") if tables.get(t) and tables[t].found]
    read = [k for k, v in cells.items() if v is not None]
    if not found or not read:
        what = "no table heading or template label found" if not found else "tables found but no cell could be read"
        return "failed", [Reason(code="no_table", message=what)]
    for t in ("s2", "s3", "s4"):
        if t not in found:
            reasons.append(Reason(code="table_missing", message=f"table {TABLE_NAMES[t]} not found"))
    inferred = blanks_as_zero(cells, provenance, report) if blanks == "zero" else []
    unread = [k for k, v in cells.items() if v is None and k not in inferred]
    if unread:
        kinds: dict[str, list[str]] = {}
        for k in unread:
            kind = provenance[k].kind if k in provenance else "blank"
            kinds.setdefault(kind, []).append(k)
        detail = "; ".join(f"{len(v)} {kind}" for kind, v in kinds.items())
        reasons.append(
            Reason(code="cells_not_read", message=f"{len(unread)} cells without a value ({detail}): {_short(unread)}", cells=unread)
        )
    culprit = {c.fixes: c for c in report.culprits} if len(report.culprits) == 1 else {}
    for f in report.hard_failures:
        hint = ""
        if culprit:
            c = next(iter(culprit.values()))
            hint = f" — the single cell that explains every failure: {c.cell} ({label(c.cell)}), {c.current} → {c.would_be}"
        reasons.append(Reason(code="identity_failed", message=f"{f.check}: {f.message}{hint}", cells=list(f.cells)))
    # The hypothesis is taken whole or not at all: when it settles nothing, the identities that
    # would hold with zeros are as open as the others.
    open_statuses = ("not_assessable",) if inferred else ("not_assessable", "pass_if_blank_zero")
    na = [f for f in report.findings if f.severity == "hard" and f.status in open_statuses]
    if 0 < len(na) <= _EACH_AT_MOST:
        for f in na:
            reasons.append(Reason(code="identity_not_assessable", message=f"{f.check}: {f.message}", cells=list(f.cells)))
    elif na:
        reasons.append(
            Reason(
                code="identity_not_assessable",
                message=f"{len(na)} identities cannot be checked because of blank cells: "
                + _short([f.check for f in na]),
                cells=sorted({k for f in na for k in f.blank_cells}),
            )
        )
    for f in report.structure_failures:
        reasons.append(Reason(code="structure", message=f"{f.check}: {f.message}", cells=list(f.cells)))
    guessed = [k for k, p in provenance.items() if p.ambiguous]
    if guessed:
        reasons.append(
            Reason(
                code="ambiguous_reading",
                message=f"{len(guessed)} cells were chosen among several possible readings of the source: {_short(guessed)}",
                cells=guessed,
            )
        )
    reasons += ocr_uncertain(provenance, report.checked_cells)
    weak = unvouched_matches(provenance, report)
    if weak:
        rows = sorted({k.rsplit(".", 1)[0] for k in weak})
        scores = sorted({provenance[k].label_match for k in weak if provenance[k].label_match is not None})
        reasons.append(
            Reason(
                code="weak_label_match",
                message=f"{len(weak)} cells sit in rows whose printed label is not the template's ({_short(rows)}; "
                f"likeness {', '.join(f'{s:.0f}' for s in scores)}/100), and no identity vouches for them: {_short(weak)}",
                cells=weak,
            )
        )
    if inferred:
        held = [f.check for f in report.pass_if_blank_zero if f.severity == "hard"]
        reasons.append(
            Reason(
                code="blank_as_zero",
                message=f"{len(inferred)} blank applicant cells of table 三 taken as zeros: every identity they enter "
                f"holds that way ({_short(held)}); the cells stay blank: {_short(inferred)}",
                cells=inferred,
            )
        )
    return ("verified" if all(r.code in INFORMATIVE for r in reasons) else "needs_review"), reasons


def unvouched_matches(provenance: Mapping[str, Provenance], report: Report) -> list[str]:
    """Cells of rows placed on a label by likeness (`label_match`) that no identity vouches for.

    An identity that holds vouches for a cell when every other cell in it rests on a label
    found as printed: the cell is then what the others say it must be, wherever its row was
    read. Two weak rows in one identity (two leaves of a column) vouch for neither, since
    their values could have been laid on each other's labels; table 二 has no identity at all.
    """
    weak = {k for k, p in provenance.items() if p.label_match is not None}
    if not weak:
        return []
    vouched: set[str] = set()
    for f in report.findings:
        if f.severity != "hard" or f.status != "pass":
            continue
        mine = weak.intersection(f.cells)
        if len(mine) == 1:
            vouched |= mine
    return [k for k in provenance if k in weak and k not in vouched]


def blanks_as_zero(cells: Mapping[str, object], provenance: Mapping[str, Provenance], report: Report) -> list[str]:
    """Cells printed blank that SPEC §5.1's hypothesis settles: applicant cells of table 三,
    printed empty or with a placeholder (never unread), every identity they enter holding when
    they are zeros. A blank 总计, or one identity that would not hold, settles none of them."""
    blank = [
        k
        for k, v in cells.items()
        if v is None and k.startswith("s3.") and not k.endswith(".total")
        and k in provenance and provenance[k].kind in ("blank", "placeholder")
    ]
    if not blank:
        return []
    hard = [f for f in report.findings if f.severity == "hard" and f.blank_cells]
    if any(f.status != "pass_if_blank_zero" for f in hard):
        return []
    covered = {k for f in hard for k in f.blank_cells}
    return [k for k in blank if k in covered]


def confirmed_readings(result: Result) -> list[Reason]:
    """A `reading_confirmed` for each run of digits other evidence read one way (see evidence)."""
    out = []
    for amb in result.ambiguities:
        reading = amb.readings[amb.chosen]
        if amb.settled_by is None or [result.cells.get(k) for k in amb.keys] != list(reading):
            continue
        shown = " / ".join("null" if v is None else str(v) for v in reading)
        out.append(
            Reason(
                code="reading_confirmed",
                message=f"{amb.raw!r} allows {len(amb.readings)} readings; {shown} is the one {amb.settled_by} agrees with",
                cells=list(amb.keys),
            )
        )
    return out


def _passes(run: MethodRun) -> bool:
    return run.error is None and run.status == "verified"


def fallbacks(result: Result) -> list[Reason]:
    """A `fallback` for every path whose reading was set aside while another stood (none when
    both passed: then they agree, or `disagreement` says where they do not)."""
    chosen = next((m for m in result.methods if m.chosen), None)
    if chosen is None:
        return []
    return [
        _fallback(run, chosen, result.provenance)
        for run in result.methods
        if run is not chosen and not (_passes(run) and _passes(chosen))
    ]


def _fallback(rejected: MethodRun, chosen: MethodRun, provenance: Mapping[str, Provenance]) -> Reason:
    if rejected.error:
        why = rejected.error
    elif rejected.failed:
        why = f"its reading fails {_list(rejected.failed)}"
    elif not rejected.complete:
        why = f"its reading is incomplete ({rejected.cells_read} of {rejected.cells} cells read)"
    else:
        why = f"its reading was not verified ({rejected.status})"
    stands = "passes every check" if _passes(chosen) else "does better"
    differing = [
        k
        for k, p in provenance.items()
        if p.values.get(rejected.method) is not None
        and p.values.get(chosen.method) is not None
        and p.values[rejected.method] != p.values[chosen.method]
    ]
    return Reason(
        code="fallback",
        message=f"the {rejected.method} reading was not used: {why}; the {chosen.method} reading {stands} and stands",
        cells=differing,
    )


def _list(items: list[str]) -> str:
    return ", ".join(items[:_SHOW]) + (f" and {len(items) - _SHOW} more" if len(items) > _SHOW else "")


def disagreement(result: Result) -> Reason | None:
    """`methods_disagree` when two readings both pass (or are both complete and both fail)
    and differ in a cell whose provenance still lists differing values. A person settles it
    by correcting the cell, which replaces its provenance."""
    runs = result.methods
    if len(runs) < 2:
        return None
    passing = [m for m in runs if _passes(m)]
    if len(passing) == 1 or (not passing and not all(m.complete for m in runs)):
        return None
    cells = [k for k, p in result.provenance.items() if len(p.values) > 1 and len(set(p.values.values())) > 1]
    if not cells:
        return None
    shown = "; ".join(
        f"{k}: " + ", ".join(f"{m} {v}" for m, v in result.provenance[k].values.items()) for k in cells[:_SHOW]
    )
    more = f" and {len(cells) - _SHOW} more" if len(cells) > _SHOW else ""
    checks = "; ".join(
        f"{m.method} passes {len(m.passed)} of {len(m.passed) + len(m.failed) + len(m.not_assessable)} hard checks"
        + (f" (fails {_list(m.failed)})" if m.failed else "")
        for m in runs
    )
    return Reason(
        code="methods_disagree",
        message=f"the readings differ in {len(cells)} cells: {shown}{more} — {checks}",
        cells=cells,
    )
