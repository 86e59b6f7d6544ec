"""The whole flow for one document: load → locate → extract → verify → reconcile → Result.

    >>> from extractor.pipeline import extract_file
    >>> result = extract_file("golden/docs/004_f8b21749840a51ab.txt")
    >>> result.status, result.organ, result.year, result.template
    ('verified', '郟县龙山街道办事处', 2023, '2021')
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from verify import verify
from verify.layout import combine_layouts, order_keys

from .extract.candidate import Candidate
from .extract.rules import extract_rules
from .load import Document, LoadError, load, load_bytes
from .load.archive import Input
from .load.pdf import NO_TEXT_LAYER
from .locate import Located, locate
from .models import Check, Culprit, Provenance, Reason, Result, Source, TableInfo
from .reconcile import decide

logger = logging.getLogger(__name__)

Strategy = Callable[[Located], Candidate]
# The ways of reading the located tables, by name. The command line offers exactly these
# (`--strategy`), so a new path is added here and nowhere else.
STRATEGIES: dict[str, Strategy] = {"rules": extract_rules}
DEFAULT_STRATEGY = "rules"


def strategy_names() -> list[str]:
    return list(STRATEGIES)


def _strategy(name: str) -> Strategy:
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown strategy {name!r}; choose one of {', '.join(STRATEGIES)}") from None


def extract_document(doc: Document, strategy: str = DEFAULT_STRATEGY) -> Result:
    read = _strategy(strategy)
    located = locate(doc)
    return _unread_pages(doc, build_result(located, read(located)))


def _unread_pages(doc: Document, result: Result) -> Result:
    """A table not found while some pages are images may well be on them: no guess is made,
    the document fails and says OCR is needed (the cells read on text pages are kept)."""
    if not doc.pages_without_text or all(t.found for t in result.tables.values()):
        return result
    problem = NO_TEXT_LAYER
    pages = ", ".join(map(str, doc.pages_without_text))
    return result.model_copy(
        update={
            "status": "failed",
            "reasons": [Reason(code="unreadable", message=problem)] + result.reasons,
            "error": str(LoadError(doc.path, problem)),
            "notes": result.notes + [f"tables not found; pages {pages} have no text layer"],
        }
    )


def extract_file(path: str | Path, strategy: str = DEFAULT_STRATEGY) -> Result:
    """Extract one file; an unreadable file gives a `failed` result naming the problem."""
    _strategy(strategy)  # a wrong name is the caller's mistake, not the document's
    return _guarded(str(path), lambda: extract_document(load(path), strategy))


def extract_bytes(name: str, data: bytes, member: str | None = None, strategy: str = DEFAULT_STRATEGY) -> Result:
    _strategy(strategy)
    return _guarded(name, lambda: extract_document(load_bytes(name, data, member), strategy))


def extract_input(item: Input, strategy: str = DEFAULT_STRATEGY) -> Result:
    """One document of a batch (`load.archive.inputs`): a file, or a member of an archive."""
    if item.error is not None or item.data is None:
        return unreadable(item.name, item.error or LoadError(item.name, "no data"))
    return extract_bytes(item.name, item.data, item.member, strategy)


def _guarded(name: str, run) -> Result:
    """Every input ends with a result: a bad file, or a bug met on one, never stops a batch."""
    try:
        return run()
    except LoadError as e:
        return unreadable(name, e)
    except Exception as e:  # noqa: BLE001 - recorded on the result, with its type
        logger.debug("internal error on %s", name, exc_info=True)
        return unreadable(name, LoadError(name, f"internal error ({type(e).__name__}: {e}); please report it"))


def unreadable(path: str, error: LoadError) -> Result:
    return Result(
        source=Source(path=path),
        status="failed",
        reasons=[Reason(code="unreadable", message=error.problem)],
        error=str(error),
    )


def _provenance(candidate: Candidate) -> dict[str, Provenance]:
    return {
        key: Provenance(
            kind=r.kind,
            raw=r.raw,
            location=r.loc.to_dict() if r.loc else None,
            method=candidate.method,
            note=r.note,
            ambiguous=r.ambiguous,
        )
        for key, r in candidate.readings().items()
    }


def build_result(located: Located, candidate: Candidate) -> Result:
    doc = located.doc
    cells = candidate.values()
    layouts = candidate.layouts()
    template = combine_layouts(layouts.get("s2"), layouts.get("s3"), located.title.year)
    tables = {
        t: TableInfo(found=tr.found, layout=tr.layout if t != "s4" else None, notes=tr.notes)
        for t, tr in candidate.tables.items()
    }
    provenance = _provenance(candidate)
    return assess(
        Result(
            source=Source(path=doc.path, sha256=doc.sha256, format=doc.format, encoding=doc.encoding, pages=doc.pages),
            organ=located.title.organ,
            year=located.title.year,
            template=template,
            status="failed",
            cells=cells,
            tables=tables,
            provenance=provenance,
            notes=list(located.title.notes) + doc.notes + candidate.notes,
            method=candidate.method,
        )
    )


def assess(result: Result) -> Result:
    """Verify the result's cells and decide its status (used again on hand-corrected results)."""
    cells = {k: result.cells[k] for k in order_keys(set(result.cells))}
    report = verify(cells, result.template, organ=result.organ)
    status, reasons = decide(result.tables, cells, result.provenance, report)
    return result.model_copy(
        update={
            "cells": cells,
            "checks": [Check(**f.to_dict()) for f in report.findings],
            "culprits": [Culprit(**c.to_dict()) for c in report.culprits],
            "status": status,
            "reasons": reasons,
        }
    )
