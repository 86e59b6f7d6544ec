"""An organ's years side by side: every metric by year with its change from the year before, the
cross-year checks of each year, and the series of the headline metrics, for the organ's page.

A year is its chosen document (`export.panel`: verified over needs_review, a person's word,
the latest run), as the panel exports it, so the page and the panel never disagree. A change
is given only between consecutive years that both print the metric: across the 2020→2021
template switch most of table 二 has no counterpart (its keys differ), and a blank is no zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from verify.fields import FIELD, TABLE_NUMERALS, label
from verify.layout import order_keys

from ..export.panel import Organ, OrganYear, plan
from ..models import Check, Number
from ..store import Store
from ..store.organs import PrintedName
from . import charts

# The series a reader looks at first: applications, what became of them, appeals and suits.
HEADLINES = (
    ("s3.new_received.total", "本年新收申请"),
    ("s3.granted.total", "予以公开"),
    ("s3.results_total.total", "办理结果总计"),
    ("s3.carried_forward.total", "结转下年度"),
    ("s4.review.total", "行政复议"),
    ("s4.suit_direct.total", "行政诉讼（未经复议）"),
)


@dataclass(frozen=True)
class Year:
    year: int
    sha256: str
    path: str
    template: str | None
    status: str
    review: str
    others: int  # other documents of the organ-year (in the panel's duplicates)


@dataclass
class MetricRow:
    key: str
    row: str
    column: str
    values: list[Number | None] = field(default_factory=list)  # per year; None where blank or not printed
    printed: list[bool] = field(default_factory=list)  # whether the year's template prints it
    changes: list[Number | None] = field(default_factory=list)  # from the year before, where both are numbers


@dataclass(frozen=True)
class CrossCheck:
    year: int
    check: Check


@dataclass(frozen=True)
class Comparison:
    organ: Organ
    names: tuple[PrintedName, ...]
    years: list[Year]
    tables: list[tuple[str, list[MetricRow]]]  # (table numeral, its rows)
    checks: list[CrossCheck]
    charts: list[tuple[str, Markup]]


def _change(before: Number | None, now: Number | None, consecutive: bool) -> Number | None:
    if before is None or now is None or not consecutive:
        return None
    change = now - before
    return round(change, 4) if isinstance(change, float) else change


def compare(store: Store, organ_id: str) -> Comparison | None:
    """The organ's years side by side; None for an organ the store does not know."""
    listed = store.list_organs(organ=organ_id)
    if not listed or listed[0].organ_id != organ_id:
        return None
    chosen: list[OrganYear] = [oy for oy in plan(store, organ_id=organ_id).organ_years if oy.chosen is not None]
    years = [
        Year(oy.year, c.sha256, c.path, c.template, c.status, c.review, len(oy.duplicates))
        for oy in chosen
        if (c := oy.chosen) is not None
    ]
    cells = [{c.key: c for c in store.current_cells(y.sha256)} for y in years]
    keys = order_keys({k for year in cells for k in year})
    rows: dict[str, list[MetricRow]] = {}
    for key in keys:
        template = next((y.template for y, c in zip(years, cells, strict=True) if key in c), None)
        printed = label(key, template if template in ("2019", "2021") else None)
        row = MetricRow(key, printed.row, printed.column)
        for i, (y, c) in enumerate(zip(years, cells, strict=True)):
            row.printed.append(key in c)
            row.values.append(c[key].value if key in c else None)
            consecutive = i > 0 and years[i - 1].year == y.year - 1
            row.changes.append(_change(row.values[i - 1], row.values[i], consecutive) if i else None)
        table = TABLE_NUMERALS.get(FIELD[key].table, key.split(".")[0]) if key in FIELD else key.split(".")[0]
        rows.setdefault(table, []).append(row)
    checks = [CrossCheck(y.year, c) for y in years for c in store.current(y.sha256).checks if c.rule.startswith("X")]
    series = {r.key: r for table in rows.values() for r in table}
    drawn = [
        (title, charts.line(list(zip([y.year for y in years], series[key].values, strict=True)), title=title))
        for key, title in HEADLINES
        if key in series
    ]
    o = listed[0]
    organ = Organ(o.organ_id, o.name, o.region, o.level, o.kind)
    return Comparison(organ, o.names, years, list(rows.items()), checks, drawn)


_COUNTED: dict[str, tuple[tuple[int, int], dict[int, dict[str, int]]]] = {}


def year_status_counts(store: Store) -> dict[int, dict[str, int]]:
    """Documents by year and status as they stand (the queue page's chart); no year: left out.

    Counting reads every document; the queue page is asked for far more often than the store
    changes, so the counts are kept until a result or an event (every decision writes one) is
    added: the largest ids of both are read from their keys at once."""
    (changed,) = store.db.execute("SELECT (SELECT max(id) FROM results), (SELECT max(id) FROM events)").fetchall()
    kept = _COUNTED.get(store.path)
    if kept is not None and kept[0] == changed:
        return kept[1]
    counts = _count(store)
    _COUNTED[store.path] = (changed, counts)
    return counts


def _count(store: Store) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {}
    for year, status, n in store.db.execute(
        "SELECT year, status, count(*) FROM current_results WHERE year IS NOT NULL GROUP BY year, status"
    ):
        counts.setdefault(int(year), {})[status] = n
    return counts
