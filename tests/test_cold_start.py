"""The rules path loads no model client, web framework or OCR engine: `extractor --version` and
a rules-only `extract` (and `batch`) start without them. What they cost in time is measured by
benchmarks/batch.py, not here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import DOCS, ROOT

HEAVY = (
    "openai",
    "instructor",
    "httpx2",
    "httpx",
    "tenacity",
    "fastapi",
    "starlette",
    "uvicorn",
    "ray",
    "pyarrow",
    "openpyxl",
)
PROBE = """
import json, sys
from extractor.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="extractor")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _loaded(*args: str) -> set[str]:
    p = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    return set(json.loads(p.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in HEAVY or "ocr" in m.split(".")[0].lower()}


def test_version_loads_nothing_of_the_reading():
    loaded = _loaded("--version")
    assert not _heavy(loaded) and "pydantic" not in loaded and "extractor.pipeline" not in loaded


@pytest.mark.parametrize("command", ["extract", "batch"])
def test_a_rules_run_loads_no_model_client_web_framework_or_ocr_engine(command, tmp_path):
    args = [command, str(DOCS / "004_f8b21749840a51ab.txt")]
    if command == "batch":
        args += ["--db", str(tmp_path / "r.sqlite"), "--workers", "1"]
    loaded = _loaded(*args)
    assert "extractor.pipeline" in loaded, "the document was read"
    assert not _heavy(loaded)
