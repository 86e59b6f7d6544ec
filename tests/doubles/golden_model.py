"""TEST DOUBLE — a "model" that answers each table with a document's golden cells.

The golden values were read by people (golden/expected); `changed` alters some of them, to
make a model that reads a cell differently from the rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "expected"
_TABLE = {"Table2": "s2", "Table3": "s3", "Table4": "s4"}


def golden_cells(stem: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))["cells"]


def answer_from(cells: dict[str, Any]):
    """A function of the requested tool (response model) name → that table's nested answer."""

    def answer(tool_name: str) -> dict[str, Any]:
        table = _TABLE[tool_name.split("_")[0]]
        out: dict[str, dict[str, Any]] = {}
        for key, value in cells.items():
            t, row, column = key.split(".", 2)
            if t == table:
                out.setdefault(row, {})[column] = value
        return out

    return answer


def golden_answer(stem: str, changed: dict[str, Any] | None = None):
    return answer_from({**golden_cells(stem), **(changed or {})})
