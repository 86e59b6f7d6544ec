"""How right the extractor is: every document with a hand-checked golden, scored cell by cell.

A golden file (`golden/expected/*.json`) names its document (`doc`) and holds the values a
person read off it: `organ`, `year`, `template` and every printed `cells` key (`null` for a
printed cell without a value). The document is looked up by that name in a `docs/` folder
beside the goldens, or in the folder given.

    >>> ev = evaluate("golden")
    >>> ev.totals.false_accepts
    0

A cell is right when the extracted value equals the golden's, `null` included; a key the
extraction lacks is wrong, and a key the golden lacks makes the document inexact. A **false
accept** is a document marked verified while any of its cells differs from the golden: the
number that must stay at zero. The review rate is the share of documents a person must look
at (every status but verified).
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .. import __version__
from ..errors import BadInput
from ..models import Number, Result, Status
from ..options import RULES_ONLY, Options
from ..pipeline import extract_file

STATUSES: tuple[Status, ...] = ("verified", "needs_review", "failed")


class GoldenError(BadInput):
    """A golden file that cannot be used; the message names the file, in one line."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")


class Golden(BaseModel):
    doc: str
    organ: str | None = None
    year: int | None = None
    template: str | None = None
    cells: dict[str, Number | None]
    notes: str = ""


class DocumentScore(BaseModel):
    doc: str
    status: Status
    cells_right: int
    cells_total: int
    wrong: list[str]  # golden keys read with another value, or not read at all
    extra: list[str]  # keys read that the golden does not have
    exact: bool
    false_accept: bool
    organ_right: bool
    year_right: bool
    template_right: bool
    tokens: int | None = None  # None: no model was called
    error: str | None = None


class Totals(BaseModel):
    documents: int
    cells_right: int
    cells_total: int
    cell_accuracy: float
    documents_exact: int
    status: dict[str, int]
    false_accepts: int
    review_rate: float
    organ_right: int
    year_right: int
    template_right: int
    tokens_per_document: float | None = None  # None when no document called a model


class Evaluation(BaseModel):
    strategy: str
    version: str
    goldens: str
    docs: str
    documents: list[DocumentScore]
    totals: Totals


def same(a: object, b: object) -> bool:
    """Equal as printed values: None only equals None, and 0 equals 0.0."""
    if a is None or b is None:
        return a is None and b is None
    return a == b


def score(result: Result, golden: Golden) -> DocumentScore:
    wrong = [k for k, v in golden.cells.items() if k not in result.cells or not same(result.cells[k], v)]
    extra = [k for k in result.cells if k not in golden.cells]
    exact = not wrong and not extra
    return DocumentScore(
        doc=golden.doc,
        status=result.status,
        cells_right=len(golden.cells) - len(wrong),
        cells_total=len(golden.cells),
        wrong=wrong,
        extra=extra,
        exact=exact,
        false_accept=result.status == "verified" and not exact,
        organ_right=result.organ == golden.organ,
        year_right=result.year == golden.year,
        template_right=result.template == golden.template,
        tokens=result.tokens,
        error=result.error,
    )


def summarise(scores: list[DocumentScore]) -> Totals:
    n = len(scores)
    right = sum(s.cells_right for s in scores)
    total = sum(s.cells_total for s in scores)
    spent = [s.tokens for s in scores if s.tokens is not None]
    status = {k: sum(s.status == k for s in scores) for k in STATUSES}
    return Totals(
        documents=n,
        cells_right=right,
        cells_total=total,
        cell_accuracy=right / total if total else 0.0,
        documents_exact=sum(s.exact for s in scores),
        status=status,
        false_accepts=sum(s.false_accept for s in scores),
        review_rate=(n - status["verified"]) / n if n else 0.0,
        organ_right=sum(s.organ_right for s in scores),
        year_right=sum(s.year_right for s in scores),
        template_right=sum(s.template_right for s in scores),
        tokens_per_document=sum(spent) / len(spent) if spent else None,
    )


def read_golden(path: Path) -> Golden:
    try:
        return Golden.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as e:
        raise GoldenError(str(path), f"cannot read: {e}") from None
    except json.JSONDecodeError as e:
        raise GoldenError(str(path), f"not JSON: {e.msg} at line {e.lineno}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "file"
        raise GoldenError(str(path), f"not a golden file: {where}: {first['msg']}") from None


def golden_layout(golden_dir: str | Path, docs_dir: str | Path | None = None) -> tuple[Path, Path]:
    """(folder of golden files, folder of documents).

    `golden/` holding `expected/` and `docs/` works, and so does the `expected/` folder itself,
    whose documents are then in the sibling `docs/`.
    """
    root = Path(golden_dir)
    if not root.is_dir():
        raise GoldenError(str(golden_dir), "no such folder")
    goldens = root / "expected" if (root / "expected").is_dir() else root
    docs = Path(docs_dir) if docs_dir is not None else (root / "docs" if goldens != root else root.parent / "docs")
    if not any(goldens.glob("*.json")):
        raise GoldenError(str(goldens), "no golden files (*.json) here")
    return goldens, docs


def evaluate(golden_dir: str | Path, docs_dir: str | Path | None = None, *, options: Options = RULES_ONLY) -> Evaluation:
    """Run the pipeline over every document that has a golden file, and score it."""
    goldens, docs = golden_layout(golden_dir, docs_dir)
    scores = []
    for path in sorted(goldens.glob("*.json")):
        golden = read_golden(path)
        scores.append(score(extract_file(docs / golden.doc, options=options), golden))
    return Evaluation(
        strategy=options.strategy,
        version=__version__,
        goldens=str(goldens),
        docs=str(docs),
        documents=scores,
        totals=summarise(scores),
    )
