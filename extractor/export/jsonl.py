"""Results as JSON, one object per line, and back."""

from __future__ import annotations

import json
from pathlib import Path

from ..models import Result


def result_line(result: Result) -> str:
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)


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
