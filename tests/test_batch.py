"""The batch engine as a library: each document read once, in a pool or in process alike,
never more in flight than the pool's capacity, a stop that keeps what was read, a worker that
dies taking only its own document with it, and the JSON lines file resumed after a kill."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from extractor.batch import InProcess, Ledger, Lines, Processes, resume, run
from extractor.batch.processes import WORKER_DIED
from extractor.errors import BadInput
from extractor.load.archive import count, inputs
from extractor.options import RULES_ONLY
from extractor.store import Store
from tests.doubles.dying_worker import read_or_die

from . import fixtures as F
from .conftest import DOCS

# Worker processes are forked by multiprocessing's server, reached over a Unix socket; no
# network is opened.
pytestmark = pytest.mark.block_network(allowed_hosts=[r".*/pymp-[^/]+/listener-"])

TEXTS = sorted(p for p in DOCS.iterdir() if p.suffix in (".txt", ".md"))


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in TEXTS:
        shutil.copy(p, docs / p.name)
    return docs


def _ledger(path):
    return Ledger(Store(path), RULES_ONLY.fingerprint)


def _cells(outcomes):
    return {o.name.rsplit("/", 1)[-1]: (o.status, o.result.cells) for o in outcomes}


def test_a_second_run_reads_nothing_and_says_each_document_was_done(folder, tmp_path):
    ledger = _ledger(tmp_path / "r.sqlite")
    first = list(run(inputs([str(folder)], read=False), store=ledger))
    again = list(run(inputs([str(folder)], read=False), store=ledger))
    assert [o.new for o in first] == [True] * len(TEXTS)
    assert [(o.name, o.status, o.new, o.text) for o in again] == [(o.name, o.status, False, None) for o in first]


def test_worker_processes_read_what_this_process_reads(folder):
    here = list(run(inputs([str(folder)], read=False), pool=InProcess(RULES_ONLY)))
    there = list(run(inputs([str(folder)], read=False), pool=Processes(RULES_ONLY, 2)))
    assert _cells(there) == _cells(here) and len(here) == len(TEXTS)


def test_archive_members_travel_as_bytes_and_copies_are_read_once(tmp_path):
    text = (DOCS / "004_f8b21749840a51ab.txt").read_bytes()
    (tmp_path / "a.zip").write_bytes(F.zip_of({"年报/一.txt": text, "年报/二.txt": text, "其他.txt": b"\x00" * 10}))
    got = list(run(inputs([str(tmp_path)], read=False), pool=Processes(RULES_ONLY, 2)))
    assert sorted((o.name.rsplit("!", 1)[1], o.status, o.new) for o in got) == [
        ("其他.txt", "failed", True),
        ("年报/一.txt", "verified", True),
        ("年报/二.txt", "verified", False),  # the same content as 一.txt, not read again
    ]


class Counting:
    """The real pool, watched: how many documents it held at most at once."""

    def __init__(self, pool):
        self.pool, self.capacity, self.held, self.most = pool, pool.capacity, 0, 0

    def submit(self, seq, work):
        self.held += 1
        self.most = max(self.most, self.held)
        assert self.held <= self.capacity
        self.pool.submit(seq, work)

    def done(self, timeout):
        got = self.pool.done(timeout)
        self.held -= len(got)
        return got

    def close(self, *, abort=False):
        self.pool.close(abort=abort)


def test_never_more_documents_in_flight_than_the_pool_holds(folder):
    pool = Counting(Processes(RULES_ONLY, 2, capacity=3))
    got = list(run(inputs([str(folder)], read=False), pool=pool))
    assert len(got) == len(TEXTS) and pool.most == 3 and pool.held == 0


def test_a_stop_finishes_what_is_in_flight_keeps_it_and_starts_nothing_else(folder, tmp_path):
    ledger, out = _ledger(tmp_path / "r.sqlite"), tmp_path / "r.jsonl"
    stop = threading.Event()
    with Lines(out) as lines:
        got = []
        for o in run(
            inputs([str(folder)], read=False),
            pool=Processes(RULES_ONLY, 1, capacity=2),
            store=ledger,
            output=lines,
            stop=stop,
        ):
            got.append(o)
            stop.set()
    assert len(got) == 2, "the one finished and the one in flight when the stop came"
    assert [json.loads(line)["source"]["path"] for line in out.read_text(encoding="utf-8").splitlines()] == [
        o.name for o in got
    ]
    rest = list(run(inputs([str(folder)], read=False), store=ledger))
    assert [o.new for o in rest] == [False, False] + [True] * (len(TEXTS) - 2)


def test_a_worker_that_dies_fails_its_own_document_only(folder):
    expected = {o.name: o.status for o in run(inputs([str(folder)], read=False))}
    (folder / "die.txt").write_bytes((DOCS / "002_eb42678789e3d87b.txt").read_bytes() + b"\n")  # content of its own
    got = {o.name: o for o in run(inputs([str(folder)], read=False), pool=Processes(RULES_ONLY, 2, task=read_or_die))}
    dead = got.pop(str(folder / "die.txt"))
    assert (dead.status, dead.error) == ("failed", f"{folder / 'die.txt'}: {WORKER_DIED}")
    assert {name: o.status for name, o in got.items()} == expected


def test_the_count_is_known_from_listings(folder, tmp_path):
    (folder / "more.zip").write_bytes(
        F.zip_of({"a.txt": b"a", "b/c.txt": b"c", "__MACOSX/b/._c.txt": b"", "b/.DS_Store": b""})
    )
    assert (
        count([str(folder), str(tmp_path / "missing.txt")])
        == len(list(inputs([str(folder), str(tmp_path / "missing.txt")])))
        == len(TEXTS) + 3
    )


def _line(sha, path="x"):
    return json.dumps({"source": {"path": path, "sha256": sha}})


def test_resume_cuts_a_torn_line_and_the_lines_not_yet_kept(tmp_path):
    out = tmp_path / "r.jsonl"
    out.write_text(
        "\n".join([_line("a"), _line("b"), _line(None, "missing.txt"), _line("c")]) + "\n" + '{"source": {"pa',
        encoding="utf-8",
    )
    assert resume(out, done=lambda sha: sha in {"a", "b"}, most=1) == 3
    assert out.read_text(encoding="utf-8") == _line("a") + "\n" + _line("b") + "\n"


def test_resume_leaves_a_file_of_another_run_alone(tmp_path):
    out = tmp_path / "r.jsonl"
    text = "".join(_line(c) + "\n" for c in "abcde")
    out.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match="written by another run"):
        resume(out, done=lambda sha: sha == "a", most=2)
    assert out.read_text(encoding="utf-8") == text
