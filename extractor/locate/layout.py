"""Which template each table is printed in, decided once per document (SPEC §4.2).

The printed labels decide: the column headers of table 二 (2019 and 2021 print different
ones, a hybrid prints both), the （六） rows of table 三 (one row in 2019, three leaves in 2021).
The statistical year is only a prior, used where the labels say nothing. The rules, the model's
schemas and the result's template all read the decision from here, with the evidence for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from verify.layout import combine_layouts

from ..labels import S2_COLUMN, S2_COLUMNS, S3_2019_OTHER, S3_2021_MARKER
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
    printed = set()
    for m in S2_COLUMN.finditer(_zone_text(stream, zone)):
        i = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        printed.add(S2_COLUMNS[i][2])
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
    if S3_2019_OTHER.search(text):
        return Layout("s3", "2019", "（六）其他处理 is one data row", prior)
    if prior is not None:
        return Layout("s3", prior, f"layout of table 三 not printed; taken from the year {year}", prior)
    return Layout("s3", None, "layout of table 三 cannot be told", None)


def decide_layouts(stream: Stream, zones: dict[str, Zone | None], year: int | None) -> dict[str, Layout]:
    return {
        "s2": s2_layout(stream, zones.get("s2"), year),
        "s3": s3_layout(stream, zones.get("s3"), year),
        "s4": Layout("s4", "any", "table 四 is the same in both templates"),
    }


def template_of(layouts: dict[str, Layout], year: int | None) -> str | None:
    """The document's template: the tables' layouts combined (SPEC §4.2 step 4)."""
    return combine_layouts(layouts["s2"].layout, layouts["s3"].layout, year)
