"""How a result is kept small: its JSON compressed, its cells and checks as rows of numbers.

A result's JSON is some 60 KB, two thirds of it the provenance of its two hundred cells, and a
store of 100,000 reports held it beside the same cells and checks again as text (165 KB a
document). Here the JSON is kept once, compressed with zstd against a dictionary of what every
result shares (`dictionary`), about 3.5 KB, and tagged by its first bytes, so that what an
older version kept (the JSON itself, or zlib's, tagged `z`) still reads. A cell is a row of
small integers (its result's id, its key's id in `keys`, codes for its state and method, its
location in typed columns, a box in tenths of a point); a check is its kind's id in
`check_kinds` (rule, name, severity, cells: the same few dozen in every report) and its
figures. Views (`cells`, `checks`) show them by name for whoever browses the file.

    >>> unpack(pack('{"status":"verified"}'))
    '{"status":"verified"}'
    >>> location_columns({"page": 2, "bbox": [72.0, 340.5, 96.1, 352.0], "table": 1, "row": 4, "column": 3})
    (2, None, None, None, None, 1, 4, 3, 720, 3405, 961, 3520, None)
    >>> location_of((2, None, None, None, None, 1, 4, 3, 720, 3405, 961, 3520, None))
    {'page': 2, 'table': 1, 'row': 4, 'column': 3, 'bbox': [72.0, 340.5, 96.1, 352.0]}
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from typing import Any

from .dictionary import DICTIONARY, compressor, decompressor

_ZLIB = b"z"  # zlib, as the first compact store kept it
_ZSTD = b"d"  # zstd, then the dictionary's number (one byte), then the frame
_PATCH = b"p"  # a review's result as what it changes in the result it reviews, then as `_ZSTD`
# The cell columns a location is kept in, in the order `Location.to_dict` writes its keys.
LOCATION = ("page", "line", "line_end", "span_start", "span_end", "tbl", "grid_row", "grid_col", "x0", "top", "x1", "bottom", "member")
STATES = ("number", "zero", "blank", "placeholder", "text", "missing")
METHODS = ("rules", "llm", "human")


def pack(text: str | None) -> bytes | None:
    """A result's JSON, compressed and tagged."""
    if text is None:
        return None
    return _ZSTD + bytes([DICTIONARY]) + compressor().compress(text.encode("utf-8"))


def unpack(kept: bytes | str | None) -> str | None:
    """The JSON `pack` kept (or, from a store an older version wrote, the JSON itself or zlib's)."""
    if kept is None or isinstance(kept, str):
        return kept
    tag = kept[:1]
    if tag == _PATCH:
        raise ValueError("a review's result kept as a patch of the result it reviews: read it with standing_json(result, corrected)")
    if tag == _ZSTD:
        return decompressor(kept[1]).decompress(kept[2:]).decode("utf-8")
    if tag == _ZLIB:
        return zlib.decompress(kept[1:]).decode("utf-8")
    return bytes(kept).decode("utf-8")


def pack_patch(base: str | bytes, text: str) -> bytes:
    """A review's result (`text`) as what it changes in the result it reviews (`base`, its JSON
    or as kept): the fields that differ; of the checks only those added after the base's, of
    the cells and their provenance only those that differ.

    Most of a review's results are the result as read with the organ's other years weighed: the
    same cells, the same provenance, a few checks more. Kept whole, each cost 4 KB again; as a
    patch, a few hundred bytes. `standing_json` puts it back together."""
    a = json.loads(unpack(base) if isinstance(base, bytes) else base)
    b = json.loads(text)
    patch: dict[str, Any] = {"set": {k: v for k, v in b.items() if k not in a or a[k] != v}}
    if [k for k in a if k in b] + [k for k in b if k not in a] != list(b):
        patch["order"] = list(b)
    if dropped := [k for k in a if k not in b]:
        patch["drop"] = dropped
    checks, before = patch["set"].get("checks"), a.get("checks")
    if isinstance(checks, list) and isinstance(before, list) and checks[: len(before)] == before:
        patch["checks_added"] = checks[len(before) :]
        del patch["set"]["checks"]
    for name, value in list(patch["set"].items()):  # a cell corrected: the cells that differ, not all
        old = a.get(name)
        if isinstance(value, dict) and isinstance(old, dict) and list(value) == list(old):
            patch.setdefault("merge", {})[name] = {k: v for k, v in value.items() if old[k] != v}
            del patch["set"][name]
    return _PATCH + pack(json.dumps(patch, ensure_ascii=False, separators=(",", ":")))  # type: ignore[operator]


def standing_json(result: bytes | str | None, corrected: bytes | str | None) -> str | None:
    """A document's result as it stands: its review's result where it has one (whole, or a
    patch of `result`), else the result as read; as JSON."""
    if corrected is None:
        return unpack(result)
    if corrected[:1] != _PATCH:
        return unpack(corrected)
    patch = json.loads(unpack(corrected[1:]))  # type: ignore[arg-type]
    out = json.loads(unpack(result))  # type: ignore[arg-type]
    for key in patch.get("drop", ()):
        del out[key]
    out.update(patch["set"])
    for name, changed in patch.get("merge", {}).items():
        out[name].update(changed)
    if "checks_added" in patch:
        out["checks"] = out["checks"] + patch["checks_added"]
    if "order" in patch:
        out = {k: out[k] for k in patch["order"]}
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def code(names: tuple[str, ...], name: str) -> int:
    """A state's or a method's code: its place in `names` (a name not known is kept as text)."""
    try:
        return names.index(name)
    except ValueError:
        raise ValueError(f"{name!r} is not one of {names}") from None


def location_columns(location: dict[str, Any] | None) -> tuple[Any, ...]:
    """A location as the cell columns of `LOCATION`; a box in tenths of a point (readers give
    it to a tenth), so four small integers instead of four floats."""
    if not location:
        return (None,) * len(LOCATION)
    span = location.get("span") or (None, None)
    box = location.get("bbox") or (None, None, None, None)
    return (
        location.get("page"), location.get("line"), location.get("line_end"), span[0], span[1],
        location.get("table"), location.get("row"), location.get("column"),
        *(None if v is None else round(v * 10) for v in box), location.get("member"),
    )  # fmt: skip


def location_of(columns: tuple[Any, ...] | list[Any], *, box_in_points: bool = False) -> dict[str, Any] | None:
    """The location the columns hold, keys in the order `Location.to_dict` writes them
    (`box_in_points`: the box as the views give it, in points, not tenths)."""
    page, line, line_end, s0, s1, table, row, column, x0, top, x1, bottom, member = columns
    out: dict[str, Any] = {}
    for name, value in (("member", member), ("page", page), ("line", line), ("line_end", line_end),
                        ("table", table), ("row", row), ("column", column)):  # fmt: skip
        if value is not None:
            out[name] = value
    if s0 is not None:
        out["span"] = [s0, s1]
    if x0 is not None:
        out["bbox"] = [x0, top, x1, bottom] if box_in_points else [x0 / 10, top / 10, x1 / 10, bottom / 10]
    return out or None


def raw_kept(raw: str, value: Any) -> str | None:
    """The raw text to keep: none where it is the value as written (most cells: "34" for 34)."""
    if raw and isinstance(value, int) and not isinstance(value, bool) and raw == str(value):
        return None
    return raw


def cell_row(key: str, value: Any, state: str, method: str, raw: str, location: dict[str, Any] | None, ambiguous: bool, note: str | None) -> tuple[Any, ...]:
    """A cell as `cell_values` keeps it, less its result's and its key's ids."""
    return (value, code(STATES, state), code(METHODS, method), raw_kept(raw, value), int(ambiguous), note, *location_columns(location))


def check_row(status: str, left: Any, right: Any, diff: Any, message: str) -> tuple[Any, ...]:
    """A check as `check_values` keeps it, less its result's and its kind's ids."""
    return (status, left, right, diff, None if status == "pass" else message)


class Ids:
    """The ids of keys and check kinds in one database, made when first met and remembered."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._keys: dict[str, int] = {}
        self._kinds: dict[tuple[str, str, str, str], int] = {}

    def key(self, key: str) -> int:
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = _id(self.db, "keys", ("key",), (key,))
        return found

    def kind(self, kind: tuple[str, str, str, str]) -> int:
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = _id(self.db, "check_kinds", ("rule", "name", "severity", "cells"), kind)
        return found

    def forget(self) -> None:
        """After a rollback: the ids made in it are gone."""
        self._keys.clear()
        self._kinds.clear()


def _id(db: sqlite3.Connection, table: str, columns: tuple[str, ...], values: tuple[str, ...]) -> int:
    match = " AND ".join(f"{c} = ?" for c in columns)
    row = db.execute(f"SELECT id FROM {table} WHERE {match}", values).fetchone()  # noqa: S608 - fixed names
    if row is not None:
        return row[0]
    cur = db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", values)  # noqa: S608
    assert cur.lastrowid is not None
    return cur.lastrowid


CELL_COLUMNS = ("value", "state", "method", "raw", "ambiguous", "note", *LOCATION)
INSERT_CELL = f"INSERT INTO cell_values (result_id, key_id, {', '.join(CELL_COLUMNS)}) VALUES ({', '.join('?' for _ in range(2 + len(CELL_COLUMNS)))})"
INSERT_CHECK = "INSERT INTO check_values (result_id, kind_id, status, left_value, right_value, diff, message) VALUES (?, ?, ?, ?, ?, ?, ?)"


def convert(db: sqlite3.Connection) -> None:
    """A store's results, cells and checks as the compact tables keep them (`m010_compact`):
    the keys numbered in the templates' order first, then row by row, a few thousand at a time."""
    from verify.fields import FIELDS

    db.executemany("INSERT OR IGNORE INTO keys (key) VALUES (?)", [(f.key,) for f in FIELDS])
    db.create_function("pack_json", 1, pack, deterministic=True)
    db.execute("UPDATE results SET result = pack_json(result) WHERE typeof(result) = 'text'")
    db.execute("UPDATE reviews SET corrected = pack_json(corrected) WHERE typeof(corrected) = 'text'")
    ids = Ids(db)
    cells = db.execute(
        "SELECT r.id, c.key, c.value, c.state, c.method, c.raw, c.location, c.ambiguous, c.note"
        " FROM cells c JOIN results r ON r.sha256 = c.sha256 AND r.run_id = c.run_id"
    )
    while batch := cells.fetchmany(5000):
        db.executemany(INSERT_CELL, [
            (rid, ids.key(key), *cell_row(key, value, state, method, raw or "", json.loads(loc) if loc else None, bool(amb), note))
            for rid, key, value, state, method, raw, loc, amb, note in batch
        ])  # fmt: skip
    checks = db.execute(
        "SELECT r.id, c.rule, c.name, c.severity, c.cells, c.status, c.left_value, c.right_value, c.diff, c.message"
        " FROM checks c JOIN results r ON r.sha256 = c.sha256 AND r.run_id = c.run_id"
    )
    while batch := checks.fetchmany(5000):
        db.executemany(INSERT_CHECK, [
            (rid, ids.kind((rule, name, severity, cells)), *check_row(status, left, right, diff, message))
            for rid, rule, name, severity, cells, status, left, right, diff, message in batch
        ])  # fmt: skip
