from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests run a bounded, reproducible set of examples in CI; for a long search run
#   pytest tests/test_synth.py --hypothesis-profile=long   (or HYPOTHESIS_PROFILE=long)
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, suppress_health_check=_SLOW_OK)
settings.register_profile("long", max_examples=2000, deadline=None, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
