"""Which layout of each table to ask the model for, told from the labels its zone prints.

The model fills a schema with a fixed set of keys, so the layout must be known before it is
asked. The printed labels decide (2019 and 2021 column headers of table 二, the （六） rows of
table 三); the year is only a prior when the labels say nothing (SPEC §4.2).
"""

from __future__ import annotations

from ...labels import S2_COLUMN, S2_COLUMNS, S3_2019_OTHER, S3_2021_MARKER
from ...locate import Located


def _year_layout(year: int | None) -> str:
    return "2019" if year is not None and year <= 2020 else "2021"


def _zone_compact(located: Located, table: str) -> str:
    zone = located.zones.get(table)
    if zone is None:
        return ""
    stream = located.stream
    return stream.compact[stream.to_compact(zone.start) : stream.to_compact(zone.end)]


def s2_layout(located: Located) -> str:
    text = _zone_compact(located, "s2")
    printed = set()
    for m in S2_COLUMN.finditer(text):
        i = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        printed.add(S2_COLUMNS[i][2])
    if len(printed) > 1:
        return "mixed"
    return printed.pop() if printed else _year_layout(located.title.year)


def s3_layout(located: Located) -> str:
    text = _zone_compact(located, "s3")
    if S3_2021_MARKER.search(text):
        return "2021"
    if S3_2019_OTHER.search(text):
        return "2019"
    return _year_layout(located.title.year)


def layout_for(located: Located, table: str) -> str:
    if table == "s2":
        return s2_layout(located)
    if table == "s3":
        return s3_layout(located)
    return "any"
