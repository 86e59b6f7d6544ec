from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
DOCS = GOLDEN / "docs"
EXPECTED = GOLDEN / "expected"


def golden_pairs(formats: tuple[str, ...] = (".txt", ".md", ".pdf")) -> list[tuple[Path, dict]]:
    pairs = []
    for doc in sorted(DOCS.iterdir()):
        if doc.suffix not in formats:
            continue
        expected = json.loads((EXPECTED / f"{doc.stem}.json").read_text(encoding="utf-8"))
        pairs.append((doc, expected))
    return pairs


SEEDS = sorted(p for p in DOCS.iterdir() if p.name[:3].isdigit() and p.name[3] == "_")


@pytest.fixture
def tmp_file(tmp_path):
    def make(name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
        p = tmp_path / name
        p.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
        return p

    return make
