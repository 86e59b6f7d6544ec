"""The queue's filters and order as a page's URL carries them.

A reviewer's filter lives in the query string of every page of the workbench: the queue, each
document, the forms they post (in their action's query string) and the pages a decision
leads to, so that "next" after a decision, the `n` key and the links all stay within it. Values
are checked here, once, into `Chosen`; a value that is not one is a 422 with one line.

    >>> c = chosen({"reason": "identity_failed", "format": "pdf", "year": "2023", "organ": " 郭巨 ", "status": ""})
    >>> c.query()
    'reason=identity_failed&organ=%E9%83%AD%E5%B7%A8&year=2023&format=pdf'
    >>> c.where().organ, c.where().year
    ('郭巨', 2023)
    >>> chosen({"year": "abc"})
    Traceback (most recent call last):
    ...
    extractor.errors.BadInput: not a year: 'abc'
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import BadInput
from ..store import ORDERS, Filter
from . import params

STATES = ("open", "resolved", "all")
STATUSES = ("needs_review", "failed", "verified")
TEMPLATES = ("2019", "2021", "mixed")
FORMATS = ("text", "markdown", "html", "docx", "pdf", "image")
METHODS = ("rules", "llm")
NAMES = ("state", "status", "reason", "organ", "path", "year", "template", "format", "method", "sort")

_ALLOWED = {"state": STATES, "status": STATUSES, "template": TEMPLATES, "format": FORMATS, "method": METHODS, "sort": tuple(ORDERS)}


class Chosen(BaseModel):
    """What a reviewer chose to look at: the filters (None: any) and the order."""

    model_config = ConfigDict(frozen=True)

    state: str = "open"  # or resolved, or all
    status: str | None = None
    reason: str | None = None
    organ: str | None = None  # a part of the name
    path: str | None = None  # a part of the path
    year: int | None = None
    template: str | None = None
    format: str | None = None
    method: str | None = None
    sort: str = "doubt"

    @field_validator("state", "status", "template", "format", "method", "sort", mode="before")
    @classmethod
    def _known(cls, value: str | None, info) -> str | None:  # noqa: ANN001 - pydantic's
        if value is not None and value not in _ALLOWED[info.field_name]:
            raise ValueError(f"unknown {info.field_name} {value!r}")
        return value

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: str | int | None) -> int | None:
        return params.year(value) if isinstance(value, str) else value

    def where(self) -> Filter:
        return Filter(
            state=None if self.state == "all" else self.state, status=self.status, reason=self.reason, organ=self.organ,
            path=self.path, year=self.year, template=self.template, format=self.format, method=self.method,
        )  # fmt: skip

    def carried(self) -> dict[str, str]:
        """The values that differ from the defaults, as the query string gives them."""
        defaults = Chosen()
        return {n: str(getattr(self, n)) for n in NAMES if getattr(self, n) is not None and getattr(self, n) != getattr(defaults, n)}

    def query(self, **more: str | None) -> str:
        """The query string that carries the choice, with `more` (None: left out)."""
        return urlencode(self.carried() | {k: v for k, v in more.items() if v is not None})

    @property
    def narrowed(self) -> bool:
        return any(n != "sort" for n in self.carried())


def chosen(query: Mapping[str, str]) -> Chosen:
    """The choice a query string (or a form) gives; an empty field is no filter."""
    given = {n: query[n].strip() for n in NAMES if n in query and query[n].strip()}
    try:
        return Chosen.model_validate(given)
    except ValidationError as e:
        first = e.errors()[0]
        cause = first.get("ctx", {}).get("error")
        raise BadInput(str(cause) if isinstance(cause, BadInput | ValueError) else f"{first['loc'][0]}: {first['msg']}") from None


__all__ = ["FORMATS", "METHODS", "NAMES", "STATES", "STATUSES", "TEMPLATES", "Chosen", "chosen"]
