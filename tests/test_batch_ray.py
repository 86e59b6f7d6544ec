"""The batch as Ray tasks: a local Ray of two CPUs reads the golden documents as the process
pool does, cell for cell, whether they travel as paths or as bytes; and the command line runs
on it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import ray

from extractor.batch import Processes, run
from extractor.batch.ray_pool import RayPool
from extractor.load.archive import inputs
from extractor.options import RULES_ONLY

from .conftest import DOCS, ROOT

# Ray talks to its own processes over the loopback (and the process pool over a Unix socket).
pytestmark = pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1", "localhost", r".*/pymp-[^/]+/listener-"])


@pytest.fixture(scope="module")
def local_ray():
    # A Ray of one machine on the loopback only (read when Ray starts, see extractor.batch.ray_pool).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
        yield
        ray.shutdown()


def _read(pool) -> dict[str, tuple]:
    return {o.name: (o.status, o.sha256, o.result.cells) for o in run(inputs([str(DOCS)], read=False), pool=pool)}


@pytest.mark.parametrize("shared_files", [True, False], ids=["paths", "bytes"])
def test_ray_tasks_read_what_the_process_pool_reads(local_ray, shared_files):
    pool = RayPool(RULES_ONLY, shared_files=shared_files)
    assert pool.workers == 2 and pool.capacity == 4
    via_ray = _read(pool)
    assert ray.is_initialized(), "a Ray the caller started is left running"
    assert via_ray == _read(Processes(RULES_ONLY, 2))
    assert len(via_ray) == len([p for p in DOCS.iterdir() if not p.name.startswith(".")])


def test_the_command_line_on_a_ray_of_its_own(tmp_path):
    db, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl"
    args = [
        sys.executable,
        "-m",
        "extractor",
        "batch",
        str(DOCS),
        "--db",
        str(db),
        "-o",
        str(out),
        "--engine",
        "ray",
        "--workers",
        "2",
    ]
    p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 1, p.stderr  # three golden documents need review
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["source"]["path"] for r in results) == sorted(
        str(p) for p in DOCS.iterdir() if not p.name.startswith(".")
    )
    assert [r["status"] for r in results].count("needs_review") == 3
