"""What one document may cost: bytes, text, pages, pixels, seconds and memory.

A report is a few hundred kilobytes of text on at most a few dozen pages (the largest seen:
about 300 KB of text, 40 pages). A file far past that is not a report but a mistake or an
attack (a zip bomb, a text of a hundred megabytes of "1", a page the size of a house), and
reading it would cost the machine, not only the document. So every document has a budget,
enforced where the work happens: the bytes as they are decompressed (never what a header
claims), the characters and lines of its text, its pages, the pixels of each page drawn or
recognised, its time and its worker's memory. Past a limit the document fails with one line
naming the limit and the option that raises it; the rest of the batch goes on.

    >>> limits = Limits()
    >>> limits.check("pages", 40, "a.pdf")
    >>> limits.check("pages", 400, "a.pdf")
    Traceback (most recent call last):
    ...
    extractor.limits.OverLimit: a.pdf: over the page limit: 400 pages, at most 100 (--max-pages raises it)
    >>> problem = "over the page limit: 400 pages, at most 100 (--max-pages raises it)"
    >>> stated(problem), lifted(problem, limits), lifted(problem, Limits(pages=500))
    (('pages', 100.0), False, True)

The defaults leave every real report untouched by a wide margin; each can be raised (or
lowered) per run: `Limits(pages=500)`, `--max-pages 500`, `EXTRACTOR_MAX_PAGES=500`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar

from .errors import LoadError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """How one limit is named to a person: the noun, its unit, and the option that raises it."""

    noun: str
    unit: str
    option: str
    env: str


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The budget of one document. Sizes in bytes, time in seconds."""

    bytes: int = 100 * MB  # one document, as decompressed, whatever its format
    archive_bytes: int = 1024 * MB  # everything inside one archive held in another, nested ones included
    chars: int = 2_000_000  # characters of the document's text
    lines: int = 100_000  # lines (rows) of the document's text
    pages: int = 100  # pages of a PDF or of a multi-page image
    pixels: int = 40_000_000  # one page drawn for OCR or for a person to look at
    seconds: float = 300.0  # wall time of one document in a worker; its worker is replaced past it
    memory: int = 2048 * MB  # one worker process's data; it raises MemoryError past it, not the machine

    NAMES: ClassVar[dict[str, Limit]] = {
        "bytes": Limit("size limit", "bytes", "--max-bytes", "EXTRACTOR_MAX_BYTES"),
        "archive_bytes": Limit("limit for an archive inside an archive", "bytes", "--max-archive-bytes", "EXTRACTOR_MAX_ARCHIVE_BYTES"),
        "chars": Limit("text limit", "characters", "--max-chars", "EXTRACTOR_MAX_CHARS"),
        "lines": Limit("line limit", "lines", "--max-lines", "EXTRACTOR_MAX_LINES"),
        "pages": Limit("page limit", "pages", "--max-pages", "EXTRACTOR_MAX_PAGES"),
        "pixels": Limit("picture limit", "pixels", "--max-pixels", "EXTRACTOR_MAX_PIXELS"),
        "seconds": Limit("time limit", "seconds", "--max-seconds", "EXTRACTOR_MAX_SECONDS"),
        "memory": Limit("memory limit", "bytes", "--max-memory", "EXTRACTOR_MAX_MEMORY"),
    }

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{self.NAMES[f.name].option} must be a positive number, not {value!r}")

    def check(self, name: str, found: float, path: str, *, what: str | None = None) -> None:
        """Raise `OverLimit` when `found` is past the limit `name`."""
        if found > getattr(self, name):
            raise self.over(name, found, path, what=what)

    def over(self, name: str, found: float | None, path: str, *, what: str | None = None, at_least: bool = False) -> OverLimit:
        """The error for a document past the limit `name`: `found` (None: not known how far), of
        `what` (default: the limit's unit); `at_least`: `found` is a lower bound."""
        return OverLimit(path, name, getattr(self, name), found, what, at_least)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **given: Any) -> Limits:
        """The defaults, then the environment (`EXTRACTOR_MAX_*`), then `given` (None: not given)."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, limit in cls.NAMES.items():
            raw = environ.get(limit.env)
            if raw:
                values[name] = parse_amount(raw, limit)
            if given.get(name) is not None:
                values[name] = given[name]
        return replace(cls(), **values)


class OverLimit(LoadError):
    """A document past one of its limits: a one-line error naming the limit and its option."""

    code = "over_limit"
    http_status = 413

    def __init__(
        self, path: str, name: str, limit: float, found: float | None, what: str | None = None, at_least: bool = False
    ) -> None:
        spec = Limits.NAMES[name]
        amount = ""
        if found is not None:
            amount = f"{'at least ' if at_least else ''}{_amount(found)} {what or spec.unit}, "
        super().__init__(path, f"over the {spec.noun}: {amount}at most {_amount(limit)} ({spec.option} raises it)")
        self.limit = name
        self.consumed = 0  # bytes decompressed before a stream was stopped, where one was
        self._made = (path, name, limit, found, what, at_least)

    def __reduce__(self) -> tuple:
        return (OverLimit, self._made)


_STATED = re.compile(r"at most (?P<limit>[\d,.]+) \((?P<option>--max-[a-z-]+) raises it\)")


def stated(problem: str) -> tuple[str, float] | None:
    """The limit an `OverLimit`'s message names, and its value then: ("pages", 100)."""
    m = _STATED.search(problem)
    if m is None:
        return None
    name = next((n for n, spec in Limits.NAMES.items() if spec.option == m.group("option")), None)
    return None if name is None else (name, float(m.group("limit").replace(",", "")))


def lifted(problem: str, limits: Limits) -> bool:
    """Whether a document that failed over a limit (`problem`, its message) would be read further
    under `limits`: the limit it met is higher now. A run that raises a limit reads again the
    documents that met it, and only those."""
    found = stated(problem)
    return found is not None and getattr(limits, found[0]) > found[1]


def _amount(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}"
    return f"{int(value):,}"


_SUFFIXES = {"k": 1024, "m": MB, "g": 1024 * MB}


def parse_amount(raw: str, limit: Limit | None = None) -> float:
    """'2000000', '2_000_000', '512M', '2G', '90.5' → a number (K/M/G: binary multiples).

    >>> parse_amount("512M"), parse_amount("2g"), parse_amount("1_000"), parse_amount("7.5")
    (536870912, 2147483648, 1000, 7.5)
    """
    text = raw.strip().lower().replace("_", "").replace(",", "")
    scale = 1
    if text and text[-1] in _SUFFIXES:
        scale, text = _SUFFIXES[text[-1]], text[:-1]
    try:
        value = float(text) * scale
    except ValueError:
        where = f" for {limit.env}" if limit else ""
        raise ValueError(f"{raw!r}{where} is not an amount (a number, optionally followed by K, M or G)") from None
    return int(value) if value.is_integer() else value


DEFAULT = Limits()
