"""The whole flow for one document: load → locate → extract → verify → reconcile → Result.

    >>> from extractor.pipeline import extract_file
    >>> result = extract_file("golden/docs/004_f8b21749840a51ab.txt")
    >>> result.status, result.organ, result.year, result.template
    ('verified', '郟县龙山街道办事处', 2023, '2021')

This module only sequences the steps; each decision is made in its step's package. Without
options (or with no LLM endpoint configured) only the rules run and nothing reaches the network.
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import models, reconcile
from .extract.candidate import Candidate
from .extract.prose import Statement, read_prose
from .extract.rules import extract_rules
from .load import Document, LoadError, load, load_bytes
from .limits import Limits, OverLimit
from .load.archive import Input
from .locate import Located, locate
from .models import LlmUsage, Reason, Result, Source
from .options import RULES_ONLY, Options

if TYPE_CHECKING:  # the model path's types: loaded only by a run that asks a model
    from .extract.llm.extract import Asked, Reply

logger = logging.getLogger(__name__)

__all__ = [
    "extract_document", "extract_file", "extract_bytes", "extract_input", "begin_document", "begin_input", "go_on",
    "finish_input", "Parked", "unreadable", "Options", "RULES_ONLY",
]  # fmt: skip


def extract_document(doc: Document, *, options: Options = RULES_ONLY) -> Result:
    reading = begin_document(doc, options=options)
    while isinstance(reading, Parked):
        assert options.llm is not None
        reading = go_on(reading, options.llm.answers(reading.asked), options=options)
    return reading


@dataclass
class Parked:
    """A document waiting for the model's answers to its questions (`asked`): where its reading
    goes on from. Plain and picklable: a batch's worker parks it, the parent has the questions
    answered, and a worker goes on with it (the document is not loaded or OCR'd again)."""

    located: Located
    prose: list[models.Statement]
    strategy: str
    judged: list[reconcile.Judged]
    asked: Asked

    @property
    def name(self) -> str:
        return self.located.doc.path


def begin_document(doc: Document, *, options: Options = RULES_ONLY) -> Result | Parked:
    """The reading of a document up to the model's answers: its result if it needs none (the
    rules alone, or a strategy the rules settled), else the document `Parked` with its questions."""
    located = locate(doc)
    prose = [statement_model(s) for s in read_prose(located)]
    strategy = options.strategy if options.llm is not None else "rules"
    return _advance(located, prose, strategy, [], options, None)


def go_on(parked: Parked, replies: Mapping[str, Reply], *, options: Options = RULES_ONLY) -> Result:
    """A parked document's reading, its questions answered (`replies`, by table)."""
    result = _advance(parked.located, parked.prose, parked.strategy, list(parked.judged), options, (parked.asked, replies))
    assert isinstance(result, Result), "answered questions are not asked again"
    return result


def _advance(
    located: Located, prose: list[models.Statement], strategy: str, judged: list[reconcile.Judged], options: Options,
    answered: tuple[Asked, Mapping[str, Reply]] | None,
) -> Result | Parked:  # fmt: skip
    """The paths of the strategy not run yet, in order, until the readings settle it; the model's
    path parks the document unless its questions are `answered`."""
    for method in reconcile.plan(strategy)[len(judged) :]:
        if reconcile.settled(strategy, judged):
            break
        if method == "llm" and answered is None:
            asked = _questions(located, options)
            if isinstance(asked, reconcile.Judged):  # the questions could not even be put
                judged.append(asked)
                continue
            if asked.questions:
                return Parked(located, prose, strategy, judged, asked)
            answered = (asked, {})
        judged.append(_read(located, method, options, prose, answered))
    return reconcile.combine(strategy, judged)


def statement_model(s: Statement) -> models.Statement:
    return models.Statement(keys=list(s.keys), value=s.value, text=s.text, location=s.loc.to_dict() if s.loc else None)


def _questions(located: Located, options: Options) -> Asked | reconcile.Judged:
    assert options.llm is not None
    try:
        return options.llm.questions(located)
    except Exception as e:  # noqa: BLE001 - a path that breaks is a path that did not pass
        return _broken(located, "llm", e, options)


def _read(
    located: Located, method: str, options: Options, prose: list[models.Statement],
    answered: tuple[Asked, Mapping[str, Reply]] | None = None,
) -> reconcile.Judged:  # fmt: skip
    """One extraction path's reading, judged; a path that breaks is a path that did not pass."""
    usage: LlmUsage | None = None
    try:
        if method == "rules":
            candidate = extract_rules(located)
        else:
            assert options.llm is not None and answered is not None
            from .extract.llm.extract import read as read_answers

            candidate, usage = read_answers(located, answered[0], answered[1], options.llm.settings)
    except MemoryError:
        raise  # the document is over its memory limit, whatever path was reading it
    except Exception as e:  # noqa: BLE001 - recorded on the run, with its type
        return _broken(located, method, e, options, prose)
    return reconcile.judge(located, method, candidate, usage=usage, blanks=options.blanks, prose=prose)


def _broken(
    located: Located, method: str, e: Exception, options: Options, prose: list[models.Statement] | None = None
) -> reconcile.Judged:
    logger.debug("the %s path failed on %s", method, located.doc.path, exc_info=True)
    error = f"the {method} path failed: {type(e).__name__}: {' '.join(str(e).split())[:300]}"
    return reconcile.judge(located, method, Candidate(method), error=error, blanks=options.blanks, prose=prose)


def extract_file(path: str | Path, *, options: Options = RULES_ONLY) -> Result:
    """Extract one file; an unreadable file gives a `failed` result naming the problem."""
    return _guarded(str(path), lambda: extract_document(load(path, limits=options.limits), options=options), options.limits)  # type: ignore[return-value]


def extract_bytes(name: str, data: bytes, member: str | None = None, *, options: Options = RULES_ONLY) -> Result:
    """Extract a document held in memory; `name` names it in the result and in messages."""
    return _read_bytes(name, data, member, options, extract_document)  # type: ignore[return-value]


def extract_input(item: Input, *, options: Options = RULES_ONLY) -> Result:
    """One document of a batch (`load.archive.inputs`): a file, or a member of an archive."""
    return begin_input(item, options=options, park=False)  # type: ignore[return-value]


def begin_input(item: Input, *, options: Options = RULES_ONLY, park: bool = True) -> Result | Parked:
    """`extract_input`, the document `Parked` at the model's questions (`begin_document`)
    unless `park` is False."""
    item = item.loaded(options.limits)
    if item.error is not None or item.data is None:
        return unreadable(item.name, item.error or LoadError(item.name, "no data"))
    return _read_bytes(item.name, item.data, item.member, options, begin_document if park else extract_document)


def finish_input(parked: Parked, replies: Mapping[str, Reply], *, options: Options = RULES_ONLY, sha256: str | None = None) -> Result:
    """A parked document's result, its questions answered; `sha256`: its hash, for a failure."""
    result = _guarded(parked.name, lambda: go_on(parked, replies, options=options), options.limits)
    if isinstance(result, Result) and result.source.sha256 is None and sha256 is not None:
        result = result.model_copy(update={"source": result.source.model_copy(update={"sha256": sha256})})
    return result  # type: ignore[return-value]


def _read_bytes(
    name: str, data: bytes, member: str | None, options: Options, reading: Callable[..., Result | Parked]
) -> Result | Parked:
    result = _guarded(name, lambda: reading(load_bytes(name, data, member, limits=options.limits), options=options), options.limits)
    if isinstance(result, Result) and result.source.sha256 is None:
        # Bytes that could not be read are still a document: known by their hash, a store
        # records its failure once and a re-run with the same configuration leaves it alone.
        source = result.source.model_copy(update={"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
        result = result.model_copy(update={"source": source})
    return result


def _guarded(name: str, run: Callable[[], Result | Parked], limits: Limits) -> Result | Parked:
    """Every input ends with a result: a bad file, or a bug met on one, never stops a batch."""
    error: LoadError | None = None
    try:
        return run()
    except LoadError as e:
        error = e
    except MemoryError:
        # Left before anything is built: the document's objects go with the traceback.
        error = limits.over("memory", None, name)
    except Exception as e:  # noqa: BLE001 - recorded on the result, with its type
        error = expected(name, e, limits)
        if error is None:
            # A bug, not bad input: the result says so in one line; `--debug` shows the traceback.
            logger.debug("internal error on %s", name, exc_info=True)
            error = LoadError(name, f"internal error ({type(e).__name__}: {e}); please report it")
    if isinstance(error, OverLimit) and error.limit == "memory":
        gc.collect()
    return unreadable(name, error)


def expected(name: str, e: Exception, limits: Limits) -> LoadError | None:
    """What a library's error means when hostile input is what it met, not a bug: a picture
    Pillow refuses as a decompression bomb, an allocation OpenCV could not make, a structure
    nested past Python's recursion limit."""
    kind = f"{type(e).__module__}.{type(e).__name__}"
    if kind == "PIL.Image.DecompressionBombError":
        return limits.over("pixels", None, name)
    if kind == "cv2.error" and any(w in str(e) for w in ("Insufficient memory", "Failed to allocate", "out of memory")):
        return limits.over("memory", None, name)
    if isinstance(e, RecursionError):
        return LoadError(name, "nested too deeply to read (markup or structure inside itself thousands of times)")
    return None


def unreadable(path: str, error: LoadError) -> Result:
    code = "over_limit" if isinstance(error, OverLimit) else "unreadable"
    return Result(
        source=Source(path=path),
        status="failed",
        reasons=[Reason(code=code, message=error.problem)],
        error=str(error),
    )
