"""`extractor batch` as a user runs it, in a subprocess, over generated documents of every
format (text flattenings, HTML, DOCX, PDF, a zip archive): killed with SIGKILL midway, stopped
with Ctrl-C, run to the end, run again. Nothing is lost and nothing is kept twice."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile

import pytest

from tests.synth.corpus import corpus

from .conftest import ROOT

N = 300
IN_ZIP = 50  # the last documents go into an archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """N generated documents, the renderers taken in turn, with a random damage or none."""
    folder = tmp_path_factory.mktemp("batch") / "reports"
    folder.mkdir()
    with zipfile.ZipFile(folder / "more.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i, case in enumerate(corpus(N, seed=9, damage=None)):
            name = f"{i:04d}_{case.renderer.name}{case.renderer.suffix}"
            if i >= N - IN_ZIP:
                zf.writestr(f"年报/{name}", case.rendered.data)
            else:
                (folder / name).write_bytes(case.rendered.data)
    return folder


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "extractor", "batch", *args], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _lines(path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True) if path.exists() else []


def _interrupt_when(process: subprocess.Popen, out, lines: int, sig: int) -> int:
    """Send `sig` once the file holds `lines` lines; the count of lines then."""
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        got = len(_lines(out))
        if got >= lines:
            process.send_signal(sig)
            return got
        time.sleep(0.05)
    raise AssertionError(f"the batch ended before it could be interrupted: {process.communicate()}")


def _stored(db) -> tuple[int, int]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*), count(DISTINCT sha256) FROM results").fetchone()


def _parsed(out) -> list[dict]:
    """Every line of the file, each a whole result (a torn last line fails here)."""
    return [json.loads(line) for line in _lines(out)]


def test_killed_stopped_resumed_and_run_again(archive, tmp_path):
    db, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl"
    args = (str(archive), "--db", str(db), "-o", str(out), "--workers", "2")

    killed = _start(*args)
    at_kill = _interrupt_when(killed, out, N // 5, signal.SIGKILL)
    killed.wait(30)
    assert killed.returncode == -signal.SIGKILL and at_kill < N
    kept, distinct = _stored(db)
    assert kept == distinct and 0 < kept <= len(_lines(out)), "the file holds at least what the store holds"

    stopped = _start(*args)
    _interrupt_when(stopped, out, N // 2, signal.SIGINT)
    stdout, stderr = stopped.communicate(timeout=120)
    assert stopped.returncode == 130, stderr
    assert "stopped: the documents in flight were finished and kept" in stdout
    assert "already done" in stdout and "Traceback" not in stderr
    results = _parsed(out)
    assert sorted(r["source"]["sha256"] for r in results) == sorted(set(r["source"]["sha256"] for r in results))
    assert _stored(db) == (len(results), len(results)), "after a clean stop, the file and the store agree"

    finished = _start(*args)
    stdout, stderr = finished.communicate(timeout=300)
    assert finished.returncode in (0, 1, 2) and "Traceback" not in stderr, stderr
    results = _parsed(out)
    names = [r["source"]["path"] for r in results]
    assert len(names) == len(set(names)) == N, "every document once in the file"
    assert sum("more.zip!年报/" in n for n in names) == IN_ZIP
    assert _stored(db) == (N, N), "every document once in the store"
    with sqlite3.connect(db) as con:
        stored = dict(con.execute("SELECT sha256, status FROM results"))
    assert {r["source"]["sha256"]: r["status"] for r in results} == stored

    before = out.read_bytes()
    again = _start(*args)
    stdout, _ = again.communicate(timeout=120)
    assert f"nothing to read: all {N} documents were already done" in stdout
    assert out.read_bytes() == before and _stored(db) == (N, N)
    assert again.returncode == finished.returncode


# --- a full disk ----------------------------------------------------------------------------------

SMALL = 40

# Each script runs the command line with one fault: the database limited to a few hundred pages
# more than it has when opened, so SQLite itself fails an insert with SQLITE_FULL ("database or
# disk is full"), or the JSON lines file failing with ENOSPC, half a line written, after some lines.
FULL_DATABASE = """
import sys
from extractor.store import store as module
opened = module.Store._open
def _open(self, new):
    opened(self, new)
    (pages,) = self.db.execute("PRAGMA page_count").fetchone()
    self.db.execute(f"PRAGMA max_page_count = {pages + 100}")  # about half of what the documents need
module.Store._open = _open
"""
FULL_LINES = """
import errno, os
from extractor.batch.lines import Lines
write = Lines.write
def full(self, text, written=[]):
    if len(written) == 12:
        self._file.write(text[: len(text) // 2])
        self._file.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    written.append(1)
    write(self, text)
Lines.write = full
"""
RUN_CLI = "\nfrom extractor.cli import cli\ncli(prog_name='extractor')\n"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small") / "reports"
    folder.mkdir()
    for i, case in enumerate(corpus(SMALL, seed=3)):
        (folder / f"{i:03d}_{case.renderer.name}{case.renderer.suffix}").write_bytes(case.rendered.data)
    return folder


@pytest.mark.parametrize(
    "fault,says",
    [(FULL_DATABASE, "the database {db} (database or disk is full)"), (FULL_LINES, "{out} (No space left on device)")],
    ids=["database", "lines"],
)
def test_a_full_disk_is_one_line_and_the_next_run_goes_on(small, tmp_path, fault, says):
    db, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl"
    args = ("batch", str(small), "--db", str(db), "-o", str(out), "--workers", "1")
    full = subprocess.run([sys.executable, "-c", fault + RUN_CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr
    (line,) = [line for line in full.stderr.splitlines() if line.startswith("error:")]
    where = says.format(db=db, out=out)
    assert line == f"error: the disk is full: cannot write {where}: make room and run the same command again to go on where it stopped"
    assert _stored(db)[0] < SMALL

    again = _start(*args[1:])
    _, stderr = again.communicate(timeout=300)
    assert again.returncode in (0, 1) and "Traceback" not in stderr, stderr
    names = [r["source"]["path"] for r in _parsed(out)]
    assert len(names) == len(set(names)) == SMALL, "every document once in the file"
    assert _stored(db) == (SMALL, SMALL), "every document once in the store"
