"""Which template each table is printed in, decided once per document (SPEC §4.2).

The printed labels decide: the column headers of table 二 (2019 and 2021 print different
ones, a hybrid prints both), the （六） rows of table 三 (one row in 2019, three leaves in 2021).
The statistical year is only a prior, used where the labels say nothing. The rules, the model's
schemas and the result's template all read the decision from here, with the evidence for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verify.layout import combine_layouts

from ..labels import S3_2019_OTHER, S3_2021_MARKER, S3_WORDS
from ..likeness import likeness
from .columns import s2_columns
from .stream import Stream
from .zones import Zone


@dataclass(frozen=True)
class Layout:
    table: str
    layout: str | None  # "2019" | "2021" | "mixed" | "any" (table 四) | None: cannot be told
    evidence: str
    # The year's template, for what the labels leave open (a table 二 row printed under no header).
    prior: str | None = None

    @property
    def columns(self) -> str | None:
        """The template whose columns a table 二 row without a header of its own is read with."""
        return self.layout if self.layout in ("2019", "2021") else self.prior


def year_prior(year: int | None) -> str | None:
    return None if year is None else ("2019" if year <= 2020 else "2021")


def _zone_text(stream: Stream, zone: Zone) -> str:
    return stream.compact[stream.to_compact(zone.start) : stream.to_compact(zone.end)]


def s2_layout(stream: Stream, zone: Zone | None, year: int | None) -> Layout:
    prior = year_prior(year)
    if zone is None:
        return Layout("s2", None, "table 二 not found", prior)
    printed = {col.template for col in s2_columns(stream, zone)}
    if len(printed) > 1:
        return Layout("s2", "mixed", "table 二 prints the column headers of both templates", prior)
    if printed:
        only = printed.pop()
        return Layout("s2", only, f"table 二 prints the {only} template's column headers", prior)
    if prior is not None:
        return Layout("s2", prior, f"no column header of table 二 read; taken from the year {year}", prior)
    # Nothing printed and no year: the current template's columns are the likelier reading.
    return Layout("s2", "2021", "no column header of table 二 read and no year: the 2021 columns assumed", None)


def s3_layout(stream: Stream, zone: Zone | None, year: int | None) -> Layout:
    prior = year_prior(year)
    if zone is None:
        return Layout("s3", None, "table 三 not found", prior)
    text = _zone_text(stream, zone)
    if S3_2021_MARKER.search(text):
        return Layout("s3", "2021", "（六）其他处理 has three leaf rows", prior)
    others = list(S3_2019_OTHER.finditer(text))
    if any(_leaves_follow(text, m.end()) for m in others):
        return Layout("s3", "2021", "（六）其他处理 has three leaf rows, their labels not as printed in the template", prior)
    if others:
        return Layout("s3", "2019", "（六）其他处理 is one data row", prior)
    if prior is not None:
        return Layout("s3", prior, f"layout of table 三 not printed; taken from the year {year}", prior)
    return Layout("s3", None, "layout of table 三 cannot be told", None)


# How far after （六） its leaves' labels are looked for, and how like the template's they must be.
_LEAVES_REACH = 160
_LEAVES_LIKENESS = 60.0
_NOT_WORDS = re.compile(r"[\d\s.,、()+\-/]+")


def _leaves_follow(text: str, pos: int) -> bool:
    """Words like the 2021 （六） leaves' (逾期不补正, 收费通知) follow, their characters damaged."""
    words = _NOT_WORDS.sub("", text[pos : pos + _LEAVES_REACH])
    leaves = S3_WORDS["other_overdue_correction"][1:] + S3_WORDS["other_overdue_fee"][1:]
    return likeness(words, leaves) >= _LEAVES_LIKENESS


def decide_layouts(stream: Stream, zones: dict[str, Zone | None], year: int | None) -> dict[str, Layout]:
    return {
        "s2": s2_layout(stream, zones.get("s2"), year),
        "s3": s3_layout(stream, zones.get("s3"), year),
        "s4": Layout("s4", "any", "table 四 is the same in both templates"),
    }


def template_of(layouts: dict[str, Layout], year: int | None) -> str | None:
    """The document's template: the tables' layouts combined (SPEC §4.2 step 4)."""
    return combine_layouts(layouts["s2"].layout, layouts["s3"].layout, year)
