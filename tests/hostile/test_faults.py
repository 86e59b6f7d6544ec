"""Faults a document brings on its reader: too long, too large for memory, an error of a library
that means hostile input rather than a bug, a member name that climbs out of its archive. Each
ends that document alone, with one line, and the run goes on."""

from __future__ import annotations

import json
import shutil
import zipfile
from io import BytesIO

import pytest

from extractor.batch import Processes, run
from extractor.batch.guard import GRACE
from extractor.limits import Limits, lifted, stated
from extractor.load.archive import inputs
from extractor.options import Options
from extractor.pipeline import expected
from tests.conftest import DOCS
from tests.doubles.stuck_worker import read_or_hang

from .measure import run as measured

pytestmark = pytest.mark.block_network(allowed_hosts=[r".*/pymp-[^/]+/listener-"])

SMALL = DOCS / "004_f8b21749840a51ab.txt"  # a verified report that reads in a tenth of a second
# The largest text within every default limit: 99,000 lines of 20 characters, about two seconds.
SLOW = ("1 2 3 4 5 6 7 8 9 0\n" * 99_000).encode()


def test_a_document_past_its_time_fails_and_extract_goes_on(tmp_path):
    (tmp_path / "a_slow.txt").write_bytes(SLOW)
    shutil.copy(SMALL, tmp_path / "b_small.txt")
    done = measured(["extract", "a_slow.txt", "b_small.txt", "--json", "--max-seconds", "0.5"], cwd=tmp_path)
    slow, small = [json.loads(line) for line in done.stdout.splitlines()]
    assert slow["error"] == "a_slow.txt: over the time limit: at most 0.5 (--max-seconds raises it)"
    assert [r["code"] for r in slow["reasons"]] == ["over_limit"]
    assert small["status"] == "verified" and done.returncode == 2


def test_a_document_past_its_memory_fails_and_extract_goes_on(tmp_path):
    """2,000,000 lines, let through the text limits, need far more than 200 MB: the allocation
    that goes past the cap fails, that document fails saying so, the next is read."""
    (tmp_path / "a_big.txt").write_bytes(b"1\n" * 2_000_000)
    shutil.copy(SMALL, tmp_path / "b_small.txt")
    out = tmp_path / "out.jsonl"
    args = ["extract", "a_big.txt", "b_small.txt", "-o", str(out), "--max-memory", "200M", "--max-lines", "10M", "--max-chars", "10M"]
    done = measured(args, cwd=tmp_path)
    big, small = [json.loads(line) for line in out.read_text().splitlines()]
    assert big["error"] == "a_big.txt: over the memory limit: at most 209,715,200 (--max-memory raises it)"
    assert small["status"] == "verified" and done.returncode == 2
    # The cap is on data, past what the process held at its start; the resident set also holds
    # the interpreter's and libraries' code. Unbounded, these lines take about 800 MB.
    assert "Traceback" not in done.stderr and done.peak_mb < 350


def test_a_worker_past_its_time_is_told_and_the_pool_goes_on(tmp_path):
    """In a worker process: a slow document fails over its time at the alarm, and the others
    are read by the same pool."""
    (tmp_path / "a_slow.txt").write_bytes(SLOW)
    for name in ("b.txt", "c.txt"):
        shutil.copy(SMALL, tmp_path / name)
    options = Options(limits=Limits(seconds=0.5))
    got = {o.name.rsplit("/", 1)[1]: o for o in run(inputs([str(tmp_path)], read=False), options=options, pool=Processes(options, 2))}
    assert got["a_slow.txt"].error.endswith("a_slow.txt: over the time limit: at most 0.5 (--max-seconds raises it)")
    assert got["b.txt"].status == "verified"  # c.txt is b.txt's copy: read once


def test_a_worker_stuck_where_the_alarm_is_not_heard_is_ended_and_its_document_failed_unread_again(tmp_path):
    """Code held in C does not hear the alarm: past the limit and its grace the worker ends
    itself, saying which document held it; that document fails over its time without being read
    a second time (which would cost as long again), and the others are read as usual."""
    shutil.copy(SMALL, tmp_path / "a.txt")
    (tmp_path / "stuck.txt").write_bytes(SMALL.read_bytes() + b"\n")
    options = Options(limits=Limits(seconds=0.5))
    outcomes = list(run(inputs([str(tmp_path)], read=False), options=options, pool=Processes(options, 2, task=read_or_hang)))
    got = {o.name.rsplit("/", 1)[1]: o for o in outcomes}
    assert got["stuck.txt"].error.endswith("stuck.txt: over the time limit: at most 0.5 (--max-seconds raises it)")
    assert got["a.txt"].status == "verified" and len(outcomes) == 2
    assert GRACE == 10.0  # how long the test waits: the limit and the grace


def test_a_batch_reads_again_a_document_failed_over_a_limit_it_raises_and_only_those(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DOCS / "01_huaian_shi_2024.pdf", docs)
    shutil.copy(SMALL, docs)
    db = str(tmp_path / "s.db")
    first = measured(["batch", str(docs), "--db", db, "--workers", "1", "--max-pages", "3"])
    assert "01_huaian_shi_2024.pdf: over the page limit: 6 pages, at most 3 (--max-pages raises it)" in first.stdout + first.stderr
    again = measured(["batch", str(docs), "--db", db, "--workers", "1", "--max-pages", "3"])
    assert "0 read" in again.stdout  # the same limit: nothing to do
    raised = measured(["batch", str(docs), "--db", db, "--workers", "1"])
    assert "1 read" in raised.stdout and raised.returncode == 0  # only the PDF, now verified


@pytest.mark.parametrize(
    ("problem", "limits", "answer"),
    [
        ("over the page limit: 6 pages, at most 3 (--max-pages raises it)", Limits(pages=3), (("pages", 3), False)),
        ("over the page limit: 6 pages, at most 3 (--max-pages raises it)", Limits(pages=4), (("pages", 3), True)),
        ("over the time limit: at most 0.5 (--max-seconds raises it)", Limits(seconds=1), (("seconds", 0.5), True)),
        ("over the size limit: at least 104,857,601 bytes, at most 104,857,600 (--max-bytes raises it)", Limits(), (("bytes", 104857600), False)),
        ("no table heading or template label found", Limits(), (None, False)),
    ],
)
def test_the_limit_a_failure_met_is_read_back_from_its_message(problem, limits, answer):
    assert (stated(problem), lifted(problem, limits)) == answer


class _Cv2Error(Exception):
    """Stands in for cv2.error, whose module and name are what is matched."""


_Cv2Error.__module__, _Cv2Error.__name__ = "cv2", "error"


def _bomb() -> Exception:
    from PIL import Image

    return Image.DecompressionBombError("Image size (2500000000 pixels) exceeds limit")


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        (_bomb(), "over the picture limit: at most 40,000,000 (--max-pixels raises it)"),
        (_Cv2Error("OpenCV(5.1.0) alloc.cpp:73: error: (-4:Insufficient memory) Failed to allocate 1600000000 bytes"), "over the memory limit: at most 2,147,483,648 (--max-memory raises it)"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply to read (markup or structure inside itself thousands of times)"),
        (_Cv2Error("OpenCV(5.1.0) error: (-215:Assertion failed) !ssize.empty()"), None),
        (ValueError("a bug"), None),
    ],
)
def test_a_library_error_that_means_hostile_input_is_named_as_such(error, problem):
    found = expected("a.pdf", error, Limits())
    assert (found.problem if found else None) == problem


def _zip(names: list[str]) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            zf.writestr(zipfile.ZipInfo(name), "…")
    return buf.getvalue()


def test_a_member_whose_path_leaves_the_archive_is_named_not_skipped_in_silence(tmp_path):
    (tmp_path / "a.zip").write_bytes(_zip(["ok.txt", "../evil.txt", "dir/../../up.txt", "/etc/abs.txt", ".hidden", "__MACOSX/._ok.txt"]))
    got = {i.name: i.error.problem if i.error else None for i in inputs([str(tmp_path / "a.zip")])}
    a = str(tmp_path / "a.zip")
    leaves = "its path leaves the archive ('..' or an absolute path): not read"
    assert got == {f"{a}!../evil.txt": leaves, f"{a}!/etc/abs.txt": leaves, f"{a}!dir/../../up.txt": leaves, f"{a}!ok.txt": None}
