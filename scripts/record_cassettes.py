"""Re-record the LLM path's cassettes against a real OpenAI-compatible endpoint.

Run through scripts/record-cassettes, which names the endpoint. Writes, in tests/cassettes/llm:
endpoint.json (which model, server and mode made the recordings, and what each structured-output
mode did), one cassette per mode probe, then runs tests/test_llm_recorded.py in record mode so
every other cassette is made by the very test that replays it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import vcr as vcrpy  # noqa: E402

from extractor.extract.llm import LlmSettings  # noqa: E402
from extractor.extract.llm.capabilities import MODES  # noqa: E402
from tests.conftest import CASSETTES, VCR_CONFIG, same_question  # noqa: E402
from tests.llm_probe import probe  # noqa: E402


def label_for(model: str) -> str:
    return os.environ.get("CASSETTE_LABEL") or re.sub(r"[^a-z0-9.]+", "-", model.lower()).strip("-")


def main() -> int:
    settings = LlmSettings.from_env().with_overrides(timeout=float(os.environ.get("RECORD_TIMEOUT", "900")))
    if not settings.configured:
        print("error: set OPENAI_BASE_URL and EXTRACTOR_MODEL (and OPENAI_API_KEY if the endpoint needs one)", file=sys.stderr)
        return 2
    label = label_for(settings.model or "")
    CASSETTES.mkdir(parents=True, exist_ok=True)
    for old in CASSETTES.glob("*.yaml"):
        old.unlink()
    record = vcrpy.VCR(cassette_library_dir=str(CASSETTES), record_mode="all", **VCR_CONFIG)
    record.register_matcher("question", same_question)
    modes: dict[str, str] = {}
    for mode in MODES:
        with record.use_cassette(f"{label}__mode_{mode}.yaml"):
            modes[mode] = probe(settings, mode)
        print(f"mode {mode}: {modes[mode]}", flush=True)
    endpoint = {
        "label": label,
        "model": settings.model,
        "base_url": settings.base_url,
        "server": settings.capability.family,
        "mode": settings.mode_name,
        "timeout": settings.timeout,
        "modes": modes,
        "recorded": datetime.date.today().isoformat(),
        "client": {"instructor": version("instructor"), "openai": version("openai")},
        "server_software": os.environ.get("RECORD_SERVER_SOFTWARE", ""),
    }
    (CASSETTES / "endpoint.json").write_text(json.dumps(endpoint, indent=2) + "\n", encoding="utf-8")
    test = [sys.executable, "-m", "pytest", "-q", "tests/test_llm_recorded.py", "--record-mode=rewrite", "-k", "not structured_output_modes"]
    return subprocess.call(test, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
