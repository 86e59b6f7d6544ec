"""The package as a user installs it: a wheel, in a fresh virtual environment, outside the checkout.

An editable install finds files by the checkout's layout; a wheel only has what the package
declares. This builds the wheel, installs it where the checkout is out of reach, and runs the
model path there against a recording: if the prompts were not package data, the model path
would fail with "no prompt" and the rules would stand alone.
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

from .conftest import CASSETTES, DOCS, ROOT, _question
from .llm_setup import cassette, endpoint

SCRIPT = """
import json, sys
import vcr

import extractor
from extractor import Options, extract_file
from extractor.extract.llm import LlmSettings

{question}

def same_question(r1, r2):
    assert _question(r1.body) == _question(r2.body)

e = json.loads(open(sys.argv[2], encoding="utf-8").read())
settings = LlmSettings(base_url=e["base_url"], model=e["model"], server=e.get("server"), mode=e.get("mode"),
                       cache_dir=None, timeout=float(e.get("timeout", 900)), max_attempts=1)
recorder = vcr.VCR(record_mode="none", match_on=["method", "path", "question"])
recorder.register_matcher("question", same_question)
with recorder.use_cassette(sys.argv[1]):
    result = extract_file(sys.argv[3], options=Options.from_settings(settings, "cross-check"))
llm = next(m for m in result.methods if m.method == "llm")
print(json.dumps({{"module": extractor.__file__, "status": result.status, "llm_error": llm.error,
                  "calls": result.llm.calls, "prompts": result.llm.prompts}}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The python of a fresh virtual environment holding the wheel and nothing of the checkout."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    # Build from a copy: the build writes build/ and *.egg-info beside the sources.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__"), symlinks=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(source)],
        check=True,
        capture_output=True,
    )
    wheel = next((work / "dist").glob("*.whl"))
    env_dir = work / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # The wheel's dependencies come from the test environment's site-packages, added as a plain
    # path: its .pth files (the checkout's editable install among them) are not run.
    site = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]},
    )
    return python


def test_the_installed_wheel_finds_its_prompts_and_reads_with_the_model(installed, tmp_path):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT.format(question=textwrap.dedent(inspect.getsource(_question))), encoding="utf-8")
    doc = tmp_path / "report.txt"
    shutil.copy(DOCS / "004_f8b21749840a51ab.txt", doc)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_", "PYTHON"))}
    out = subprocess.run(
        [installed, str(script), str(CASSETTES / cassette("cross_check_004")), str(CASSETTES / "endpoint.json"), str(doc)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert not got["module"].startswith(str(ROOT)), "the checkout was imported, not the wheel"
    assert got["llm_error"] is None and got["calls"] == 3, got
    assert got["prompts"] == {"s2": "s2.v1", "s3": "s3.v1", "s4": "s4.v1"}
    assert endpoint()["model"]  # the recording names its model


PAGES = """
import json, sys
from fastapi.testclient import TestClient
from extractor.web.app import create_app
from extractor.web.settings import Settings
from extractor.batch import InProcess

app = create_app(Settings.make(data=sys.argv[1], host="127.0.0.1"), pool=InProcess)
with TestClient(app, base_url="http://localhost") as c:
    print(json.dumps({p: c.get(p).status_code for p in ("/queue", "/add", "/docs", "/static/style.css", "/static/review.js")}))
"""


def test_the_installed_wheel_serves_its_pages_templates_and_static_files(installed, tmp_path):
    script = tmp_path / "pages.py"
    script.write_text(PAGES, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_", "PYTHON"))}
    out = subprocess.run([installed, str(script), str(tmp_path / "data")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout.strip().splitlines()[-1]).values()) == {200}


STORE = """
import json, sys
import extractor
from extractor import extract_file
from extractor.store import Store
from extractor.options import RULES_ONLY
from extractor.store.packing import unpack

result = extract_file(sys.argv[1])
store = Store(sys.argv[2])
store.add(result, RULES_ONLY.fingerprint)
(kept,) = store.db.execute("SELECT result FROM results").fetchone()
print(json.dumps({"module": extractor.__file__, "tag": kept[:1].decode(), "same": unpack(kept) == result.model_dump_json()}))
"""


def test_the_installed_wheel_keeps_results_compressed_with_its_dictionary(installed, tmp_path):
    script = tmp_path / "store.py"
    script.write_text(STORE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXTRACTOR_", "OPENAI_", "PYTHON"))}
    doc = DOCS / "004_f8b21749840a51ab.txt"
    out = subprocess.run([installed, str(script), str(doc), str(tmp_path / "s.sqlite")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert not got["module"].startswith(str(ROOT)), "the checkout was imported, not the wheel"
    assert got == got | {"tag": "d", "same": True}
