"""Results as JSON, one object per line, and back."""

from __future__ import annotations

import json
from pathlib import Path

from ..models import Result


def result_line(result: Result) -> str:
    """One line of JSON, as the store keeps it and a batch's file holds it."""
    return result.model_dump_json()


def read_results(path: str | Path) -> list[Result]:
    """Read results from a file of JSON lines, a JSON object, or a JSON list of objects."""
    text = Path(path).read_text(encoding="utf-8").strip()
    if not text:
        raise ValueError("empty file")
    if text[0] == "[":
        return [Result.model_validate(obj) for obj in json.loads(text)]
    try:
        return [Result.model_validate(json.loads(text))]
    except json.JSONDecodeError:
        return [Result.model_validate(json.loads(line)) for line in text.splitlines() if line.strip()]
