"""A stopped export leaves nothing at its output path: the command run as a user runs it, in a
process of its own, sent SIGINT or SIGTERM while it is writing a store large enough to take
seconds, says so in one line and exits 130 (1 would say "needs review")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor.options import RULES_ONLY
from extractor import extract_file
from extractor.store import Store

from .conftest import DOCS, ROOT

COPIES = 4000  # about 800,000 cells: seconds of writing in every format


def copied_store(db: Path, copies: int) -> None:
    """A store of one real report and `copies` copies of it under made-up hashes and paths,
    each with every cell (written in SQL: reading them would take minutes)."""
    with Store(db) as store:
        sha = store.add(extract_file(str(DOCS / "10_shanghai_kewei_2024.md")), RULES_ONLY.fingerprint).sha256
        numbers = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        hexed = "printf('%064x', i)"
        store.db.execute("BEGIN")
        store.db.execute(numbers + f"INSERT INTO documents SELECT {hexed}, format, size, first_seen FROM n, documents WHERE sha256 = ?", (copies, sha))
        store.db.execute(
            numbers + "INSERT INTO results (sha256, run_id, path, status, organ, year, template, reasons, result, extracted_at)"
            f" SELECT {hexed}, run_id, 'copy ' || i || '.md', status, organ, year, template, reasons, result, extracted_at"
            " FROM n, results WHERE sha256 = ?", (copies, sha))  # fmt: skip
        (seed,) = store.db.execute("SELECT id FROM results WHERE sha256 = ?", (sha,)).fetchone()
        names = [r[1] for r in store.db.execute("PRAGMA table_info(cell_values)") if r[1] != "result_id"]
        store.db.execute(
            f"INSERT INTO cell_values (result_id, {', '.join(names)}) SELECT r.id, {', '.join('c.' + n for n in names)}"
            " FROM results r JOIN cell_values c ON c.result_id = ? WHERE r.id != ?", (seed, seed))  # fmt: skip
        store.db.execute("COMMIT")


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("big") / "big.sqlite"
    copied_store(db, COPIES)
    return db


def test_the_store_is_as_large_as_it_says(big):
    with Store(big, read_only=True) as store:
        assert store.db.execute("SELECT count(*) FROM current_cells").fetchone() == (200 * (COPIES + 1),)


def _started(args: list[str], out: Path) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "extractor", *args], cwd=out.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _writing(p: subprocess.Popen, folder: Path, *, temporaries: int = 1, timeout: float = 120) -> None:
    """Returns once the export's temporaries (this many of them) are there and one holds bytes
    (a workbook's, once it is saved), and the export still runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        made = [f for f in folder.iterdir() if f.name.startswith(".")]
        if len(made) >= temporaries and any(f.stat().st_size > 0 for f in made):
            assert p.poll() is None, "the export finished before it could be stopped: make the store larger"
            return
        assert p.poll() is None, p.communicate()
        time.sleep(0.02)
    raise AssertionError("the export wrote nothing in time")


SIGNALS = [signal.SIGINT, signal.SIGTERM]


@pytest.mark.parametrize(
    "fmt,extra,temporaries,sig",
    [
        *[(fmt, extra, 1, sig) for fmt, extra in (("csv", []), ("parquet", []), ("jsonl", ["--wide"])) for sig in SIGNALS],
        ("xlsx", [], 2, signal.SIGINT),  # its first part (of five) saved, the second being written
    ],
    ids=["csv-SIGINT", "csv-SIGTERM", "parquet-SIGINT", "parquet-SIGTERM", "jsonl-wide-SIGINT", "jsonl-wide-SIGTERM", "xlsx-part-2-SIGINT"],
)
def test_a_stopped_export_leaves_nothing_and_exits_130_in_one_line(big, tmp_path, fmt, extra, temporaries, sig):
    out = tmp_path / f"cells.{fmt}"
    p = _started(["export", "--db", str(big), "--format", fmt, *extra, "-o", str(out)], out)
    _writing(p, tmp_path, temporaries=temporaries)
    p.send_signal(sig)
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 130, stderr
    assert stdout == ""
    word = "interrupted" if sig == signal.SIGINT else "terminated"
    assert stderr == f"export {word}: nothing written to {out}\n"
    assert list(tmp_path.iterdir()) == [], "no output, no documents file, no part and no temporary"


def test_a_stopped_export_leaves_the_previous_export_whole(big, tmp_path):
    out = tmp_path / "cells.csv"
    before = {"cells.csv": "the previous export\n", "cells.documents.csv": "its documents\n"}
    for name, text in before.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    p = _started(["export", "--db", str(big), "--format", "csv", "-o", str(out)], out)
    _writing(p, tmp_path)
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=60)
    assert p.returncode == 130
    assert {f.name: f.read_text(encoding="utf-8") for f in tmp_path.iterdir()} == before
