"""The whole flow for one document: load → locate → extract → verify → reconcile → Result.

    >>> from extractor.pipeline import extract_file
    >>> result = extract_file("golden/docs/004_f8b21749840a51ab.txt")
    >>> result.status, result.organ, result.year, result.template
    ('verified', '郟县龙山街道办事处', 2023, '2021')

Without options (or with no LLM endpoint configured) only the rules run and nothing reaches
the network. `Options.from_settings` adds the model path and a strategy (see
`extractor.reconcile.strategy`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from verify import verify
from verify.layout import combine_layouts, order_keys

from .extract.candidate import Candidate
from .extract.llm import LlmExtractor, LlmSettings, build_extractor
from .extract.rules import extract_rules
from .load import Document, LoadError, load, load_bytes
from .load.archive import Input
from .load.pdf import NO_TEXT_LAYER
from .locate import Located, locate
from .models import Check, Culprit, Provenance, Reason, Result, Source, TableInfo
from .reconcile import STRATEGIES, decide, disagreement, run_strategy

logger = logging.getLogger(__name__)


class ConfigError(Exception):
    """The options cannot work together (e.g. an LLM strategy without an endpoint)."""


@dataclass(frozen=True)
class Options:
    strategy: str = "rules"
    llm: LlmExtractor | None = None

    @classmethod
    def from_settings(cls, settings: LlmSettings, strategy: str | None = None) -> Options:
        """`rules` without an endpoint, `cross-check` with one, unless a strategy is named."""
        strategy = strategy or ("cross-check" if settings.configured else "rules")
        if strategy not in STRATEGIES:
            raise ConfigError(f"unknown strategy {strategy!r}: choose one of {', '.join(STRATEGIES)}")
        if strategy == "rules":
            return cls("rules")
        if not settings.configured:
            raise ConfigError(
                f"strategy {strategy} needs an LLM endpoint: set OPENAI_BASE_URL and EXTRACTOR_MODEL "
                "(or --base-url and --model)"
            )
        try:
            return cls(strategy, build_extractor(settings))
        except ValueError as e:  # an unknown mode or server family
            raise ConfigError(str(e)) from None


RULES_ONLY = Options()


def options_for(strategy: str) -> Options:
    """Options for a named strategy, the endpoint taken from the environment."""
    return Options.from_settings(LlmSettings.from_env(), strategy)


def available_strategies() -> list[str]:
    """The strategies that can run here: all of them with an endpoint, else the rules alone."""
    return list(STRATEGIES) if LlmSettings.from_env().configured else ["rules"]


def extract_document(doc: Document, options: Options = RULES_ONLY) -> Result:
    located = locate(doc)
    if options.strategy == "rules" or options.llm is None:
        return _unread_pages(doc, build_result(located, extract_rules(located)))
    llm = options.llm
    return _unread_pages(
        doc,
        run_strategy(
            options.strategy,
            rules=lambda: (extract_rules(located), None),
            llm=lambda: llm.extract(located),
            build=lambda candidate: build_result(located, candidate),
            assess=assess,
        ),
    )


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




def extract_file(path: str | Path, options: Options = RULES_ONLY) -> Result:
    """Extract one file; an unreadable file gives a `failed` result naming the problem."""
    return _guarded(str(path), lambda: extract_document(load(path), options))


def extract_bytes(name: str, data: bytes, member: str | None = None, options: Options = RULES_ONLY) -> Result:
    return _guarded(name, lambda: extract_document(load_bytes(name, data, member), options))


def extract_input(item: Input, options: Options = RULES_ONLY) -> Result:
    """One document of a batch (`load.archive.inputs`): a file, or a member of an archive."""
    if item.error is not None or item.data is None:
        return unreadable(item.name, item.error or LoadError(item.name, "no data"))
    return extract_bytes(item.name, item.data, item.member, options)


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
    # What a strategy recorded stays: a fallback is history, and a disagreement holds until a
    # person settles it (by correcting the cell and dropping its provenance `values`).
    reasons += [r for r in result.reasons if r.code == "fallback"]
    disagree = disagreement(result)
    if disagree is not None:
        reasons.append(disagree)
        status = "needs_review" if status == "verified" else status
    return result.model_copy(
        update={
            "cells": cells,
            "checks": [Check(**f.to_dict()) for f in report.findings],
            "culprits": [Culprit(**c.to_dict()) for c in report.culprits],
            "status": status,
            "reasons": reasons,
        }
    )
