"""The result of extracting one document: the pydantic model at the project's boundary.

Everything the CLI prints, the service returns and the review queue stores is a `Result`.
`cells` follows the canonical field dictionary exactly; everything else explains it.
"""

from __future__ import annotations

from typing import Any, Literal, Union

from pydantic import BaseModel, Field

from .kinds import Status, Template

Number = Union[int, float]


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []


# The fields of the LLM path (and a few rarely set) are left out while unset, so that a
# rules-only result serialises exactly as it did before that path existed. Per field, not as a
# model serializer: pydantic-core then drops them itself, without a Python call per instance.
_OMIT_EMPTY: Any = {"exclude_if": _empty}


class Source(BaseModel):
    path: str
    sha256: str | None = None
    format: str | None = None
    size: int | None = None  # bytes
    encoding: str | None = None
    pages: int | None = None
    # Pages where something is printed but no text could be read: a table not found may be there.
    pages_without_text: list[int] = Field(default_factory=list, **_OMIT_EMPTY)


class Provenance(BaseModel):
    """Where one cell's value came from, and in what state the cell was printed."""

    kind: Literal["number", "zero", "blank", "placeholder", "text", "missing"]
    raw: str = ""
    location: dict[str, Any] | None = None
    method: str = "rules"
    note: str | None = None
    ambiguous: bool = False
    # What each extraction path read for this cell, when more than one ran ({"rules": 3,
    # "llm": 5}). Values that differ are a disagreement a person must settle: to settle it,
    # correct the cell and drop this entry.
    values: dict[str, Number | None] = Field(default_factory=dict, **_OMIT_EMPTY)
    # For a cell read by OCR: the recogniser's confidence (0-1); a box with ink that read as
    # nothing has 0. Unset for every other source.
    confidence: float | None = Field(default=None, **_OMIT_EMPTY)
    # How alike (0-100) the printed label the cell's row was read after is to the template's,
    # when no pattern found the row and it was placed by likeness and order: a weak match, which
    # verifies only where identities vouch for the cell. Unset when the label was found as printed.
    label_match: float | None = Field(default=None, **_OMIT_EMPTY)


class Statement(BaseModel):
    """A clause of the report's prose that states a table quantity (SPEC §5.5): the sum of
    `keys` is `value`, in the clause's own words. Evidence for the checks, never a value."""

    keys: list[str]
    value: Number
    text: str
    location: dict[str, Any] | None = None


class Related(BaseModel):
    """The same organ's report of the year before or after, as far as the cross-year checks read
    it (SPEC §5.4): evidence beside this report, never its values."""

    relation: Literal["previous", "next"]
    sha256: str
    path: str
    year: int
    cells: dict[str, Number | None] = Field(default_factory=dict)


class Ambiguity(BaseModel):
    """Printed text that allows several readings (digits written together with no separator).

    `readings` holds every reading the source allows, best first, one value per key of `keys`
    (the cells the text spreads over, in printed order); `texts` the printed piece behind each
    value; `chosen` the reading `cells` hold; `basis` what ranked them. A rule with more evidence
    (the report's prose, the organ's other years) may take another reading, and a reviewer
    may pick one: either way, by copying `readings[i]` into the cells of `keys`.
    """

    keys: list[str]
    raw: str
    location: dict[str, Any] | None = None
    readings: list[list[Number | None]]
    texts: list[list[str]] = Field(default_factory=list)
    chosen: int = 0
    basis: str = ""
    # The evidence that decided the reading (the report's prose, the organ's other years), when
    # exactly one reading agreed with it; None while the choice is still the ranking's.
    settled_by: str | None = None


class Check(BaseModel):
    rule: str
    check: str
    status: Literal["pass", "fail", "not_assessable", "pass_if_blank_zero", "warn"]
    severity: Literal["hard", "structure", "heuristic"]
    cells: list[str]
    left: Number | None = None
    right: Number | None = None
    diff: Number | None = None
    message: str
    blank_cells: list[str] = Field(default_factory=list)
    holds_if_blank_zero: bool | None = None
    blank_would_be: Number | None = None


class Culprit(BaseModel):
    """A hint: changing this one cell to `would_be` makes every failing identity hold."""

    cell: str
    current: Number
    would_be: Number
    fixes: list[str]


# Reasons that record how a document was decided without holding it back.
INFORMATIVE = frozenset({"fallback", "blank_as_zero", "reading_confirmed"})


class Reason(BaseModel):
    """Why a document is not verified, or how it was. `code` is stable; `cells` name what to look at.

    Two codes do not by themselves hold a document back (`INFORMATIVE`): `fallback` records
    that one extraction path failed and the document stands on the other path's reading;
    `blank_as_zero` that blank applicant cells of table 三 were taken as zeros because every
    identity they enter holds that way (SPEC §5.1; the cells stay null); `reading_confirmed`
    that of the readings of digits printed run together, the report's prose or the organ's
    other years agree with exactly one, which was taken.
    """

    code: Literal[
        "unreadable",
        "over_limit",
        "no_table",
        "table_missing",
        "cells_not_read",
        "identity_failed",
        "identity_not_assessable",
        "structure",
        "ambiguous_reading",
        "methods_disagree",
        "fallback",
        "blank_as_zero",
        "reading_confirmed",
        "ocr_uncertain",
        "weak_label_match",
    ]
    message: str
    cells: list[str] = Field(default_factory=list)


class TableInfo(BaseModel):
    found: bool
    layout: str | None = None
    notes: list[str] = Field(default_factory=list)


class MethodRun(BaseModel):
    """One extraction path's reading of a document, judged on its own by the verifier."""

    method: str  # "rules" | "llm"
    status: Status  # what this reading alone would be given
    chosen: bool = False
    complete: bool = False  # every table found, every cell read, the path ran
    passed: list[str] = Field(default_factory=list)  # hard checks that hold
    failed: list[str] = Field(default_factory=list)  # hard checks that fail
    not_assessable: list[str] = Field(default_factory=list)
    cells_read: int = 0
    cells: int = 0
    error: str | None = None  # the path could not run (e.g. the model endpoint failed)


class TableCall(BaseModel):
    """One table sent to the model (or answered from the cache)."""

    table: str
    prompt: str  # the prompt template's version, e.g. "s3.v1"
    layout: str | None = None
    cached: bool = False
    calls: int = 0  # HTTP requests made, retries and re-asks included
    reasks: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    section_tokens_estimate: int = 0  # the section's text alone, estimated
    sent_tokens_estimate: int = 0  # the whole request (instructions, schema, section), estimated
    error: str | None = None


class LlmUsage(BaseModel):
    """What the model was asked about one document and what it cost.

    `prompt_tokens`/`completion_tokens` are the server's own `usage` figures for the calls made
    in this run (zero for answers taken from the cache); the `*_estimate` figures are labelled
    estimates from character counts: the sections' text against the whole document's is what
    locating the tables saves, the whole requests' is what is sent with instructions and schema.
    """

    model: str
    mode: str
    prompts: dict[str, str] = Field(default_factory=dict)  # table -> prompt version
    tables: list[TableCall] = Field(default_factory=list)
    calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    section_tokens_estimate: int = 0
    sent_tokens_estimate: int = 0
    document_tokens_estimate: int = 0


class Result(BaseModel):
    source: Source
    organ: str | None = None
    year: int | None = None
    template: Template | None = None
    status: Status
    reasons: list[Reason] = Field(default_factory=list)
    cells: dict[str, Number | None] = Field(default_factory=dict)
    checks: list[Check] = Field(default_factory=list)
    culprits: list[Culprit] = Field(default_factory=list)
    tables: dict[str, TableInfo] = Field(default_factory=dict)
    provenance: dict[str, Provenance] = Field(default_factory=dict)
    # Cells whose printed digits allow several readings: every reading, to choose from.
    ambiguities: list[Ambiguity] = Field(default_factory=list, **_OMIT_EMPTY)
    # What the prose outside the tables says of their quantities.
    prose: list[Statement] = Field(default_factory=list, **_OMIT_EMPTY)
    # The same organ's reports of the neighbouring years, when a store holds them.
    related: list[Related] = Field(default_factory=list, **_OMIT_EMPTY)
    notes: list[str] = Field(default_factory=list)
    method: str = "rules"
    error: str | None = None
    # Set only when a strategy other than the plain rules ran (an LLM endpoint is configured).
    strategy: str | None = Field(default=None, **_OMIT_EMPTY)
    methods: list[MethodRun] = Field(default_factory=list, **_OMIT_EMPTY)
    llm: LlmUsage | None = Field(default=None, **_OMIT_EMPTY)
    # How blank applicant cells of table 三 are decided: "zero" lets a document verify when every
    # identity holds with them as zeros (the inference is named in its reasons); "strict" never.
    blanks: Literal["zero", "strict"] = Field(default="zero", exclude_if=lambda v: v == "zero")

    @property
    def tokens(self) -> int | None:
        """Model tokens spent on this document (the server's usage); None when no model ran."""
        return None if self.llm is None else self.llm.prompt_tokens + self.llm.completion_tokens

    def summary(self) -> dict[str, int]:
        counts = {"pass": 0, "fail": 0, "not_assessable": 0, "pass_if_blank_zero": 0, "warn": 0}
        for c in self.checks:
            counts[c.status] += 1
        return counts
