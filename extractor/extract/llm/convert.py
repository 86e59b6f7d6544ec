"""A filled response model → the readings of one table, as the rules would hand them on.

A value the model gives is a number or a zero; a null is a blank, never a 0. The model points
at no character, so each reading's location is the table's section as a whole.
"""

from __future__ import annotations

import json

from verify.layout import table_keys

from ...load.document import Location
from ...locate import Located
from ..candidate import Reading, TableReading


def zone_location(located: Located, table: str) -> Location | None:
    """The lines (or first grid cell) of a table's section."""
    zone = located.zones.get(table)
    if zone is None:
        return None
    stream = located.stream
    ids = [c for i in range(zone.start, zone.end) if (c := stream.cell_at(i)) is not None]
    if not ids:
        return None
    first, last = stream.cells[ids[0]].loc, stream.cells[ids[-1]].loc
    if first.line is not None and last.line is not None:
        return Location(line=first.line, line_end=max(last.line_end or last.line, first.line))
    return first


def reading_of(value: int | float | None, loc: Location | None) -> Reading:
    if value is None:
        return Reading(None, "blank", "", loc, "the model read this cell as blank")
    return Reading(value, "zero" if value == 0 else "number", json.dumps(value), loc)


def table_reading(
    table: str, layout: str, values: dict[str, int | float | None], loc: Location | None, note: str
) -> TableReading:
    if layout == "mixed":
        # Both layouts' keys were asked for; a null here says "not printed", not "blank".
        values = {k: v for k, v in values.items() if v is not None}
        note += "; mixed layout: cells the model left null are taken as not printed"
    keys = [k for k in table_keys(table, layout) if k in values] if layout != "mixed" else list(values)
    cells = {k: reading_of(values[k], loc) for k in keys}
    return TableReading(table, layout, True, cells, [note])


def failed_table(table: str, layout: str, error: str) -> TableReading:
    """The table was found but the model gave no usable answer: every cell is missing."""
    keys = table_keys(table, layout if layout in ("2019", "2021") else "2021")
    cells = {k: Reading.missing(error) for k in keys}
    return TableReading(table, layout, True, cells, [error])
