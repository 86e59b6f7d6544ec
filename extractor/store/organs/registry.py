"""An organs registry file (`organs.csv`): the organs a person knows, over what the printed names
make of them. One row per name: `name`, `organ_id`, and where known `region` (the region code;
`region_code` is read as well), `level` (省, 市, 县, 乡) and `kind` (government, department).
Several rows with one organ_id are several names of one organ. UTF-8, with or without a BOM.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ...errors import BadInput
from .table import Entry

LEVELS = ("省", "市", "县", "乡")
KINDS = ("government", "department")


def _cell(row: dict[str, str | None], *names: str) -> str | None:
    for name in names:
        value = (row.get(name) or "").strip()
        if value:
            return value
    return None


def read_registry(path: str | Path) -> list[Entry]:
    """The registry's rows; `BadInput` naming the line of the first that cannot be taken."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = {"name", "organ_id"} - set(reader.fieldnames or ())
            if missing:
                raise BadInput(f"{path}: an organs registry needs the columns name and organ_id (missing: {', '.join(sorted(missing))})")
            entries = [_entry(path, line, row) for line, row in enumerate(reader, start=2)]
    except OSError as e:
        raise BadInput(f"{path}: cannot read the organs registry ({e.strerror})") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: an organs registry is UTF-8 text") from None
    return entries


def _entry(path: str | Path, line: int, row: dict[str, str | None]) -> Entry:
    name, organ = _cell(row, "name"), _cell(row, "organ_id")
    if not (name and organ):
        raise BadInput(f"{path}, line {line}: a row needs a name and an organ_id")
    level, kind = _cell(row, "level"), _cell(row, "kind")
    if level is not None and level not in LEVELS:
        raise BadInput(f"{path}, line {line}: level {level!r} is none of {', '.join(LEVELS)}")
    if kind is not None and kind not in KINDS:
        raise BadInput(f"{path}, line {line}: kind {kind!r} is none of {', '.join(KINDS)}")
    return Entry(name, organ, _cell(row, "region", "region_code"), level, kind)
