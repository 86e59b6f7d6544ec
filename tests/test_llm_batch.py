"""A batch with a model: its questions asked in the parent, many at once, under one governor
and one budget, against a TEST DOUBLE of a model server on the loopback
(tests/doubles/model_server.py) that delays, answers valid tool calls, and says 429 on demand.
The real model's exchanges, the evidence for the prompts and schemas, stay in the cassettes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from extractor.batch import InProcess, Ledger, Processes, run
from extractor.batch.asking import Asking
from extractor.batch.spend import Spend
from extractor.extract.llm import LlmSettings
from extractor.load.archive import inputs
from extractor.options import Options
from extractor.pipeline import extract_file
from extractor.store import Store

from .conftest import DOCS, ROOT
from .doubles.golden_model import golden_answer
from .doubles.model_server import ModelServer

# The double listens on the loopback; the pool's workers are reached over a Unix socket.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1", r".*/pymp-[^/]+/listener-"])

SEEDS = sorted(p for p in DOCS.iterdir() if p.suffix == ".txt" and p.name[:3].isdigit())


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in SEEDS:
        shutil.copy(p, docs / p.name)
    return docs


def _options(server: ModelServer, tmp_path, strategy: str = "cross-check", **settings: object) -> Options:
    s = LlmSettings(base_url=server.base_url, model="test-double", server="llama.cpp", cache_dir=tmp_path / "cache", **settings)
    return Options.from_settings(s, strategy)


def _read(outcomes) -> dict[str, tuple[str, dict]]:
    return {o.name.rsplit("/", 1)[-1]: (o.status, o.result.model_dump(exclude={"llm"})) for o in outcomes}


def test_questions_in_flight_never_pass_the_cap_and_reach_it(folder, tmp_path):
    with ModelServer(latency=0.15) as server:
        options = _options(server, tmp_path)
        pool = Asking(Processes(options, 2), options.llm, concurrency=4)
        got = list(run(inputs([str(folder)], read=False), options=options, pool=pool))
        assert server.peak == 4, "four questions at once, never more, across documents"
        assert server.requests == 3 * len(SEEDS)
        # The same reading as a document read in one go, its tables asked one after another.
        again = _options(server, tmp_path / "again")
        assert _read(got) == _read(run(inputs([str(folder)], read=False), options=again, pool=InProcess(again, keep=True)))
    assert all(o.result.llm.calls == 3 for o in got)


def test_a_documents_three_tables_are_asked_at_the_same_time(tmp_path):
    with ModelServer(latency=0.3) as server:
        options = _options(server, tmp_path)
        pool = Asking(InProcess(options), options.llm, concurrency=8)
        (outcome,) = run(inputs([str(SEEDS[0])], read=False), options=options, pool=pool)
        assert server.peak == 3 and max(server.starts) - min(server.starts) < 0.2
    assert outcome.result.llm.calls == 3 and outcome.result.methods[1].method == "llm"


def test_a_429_holds_every_request_not_only_the_one_that_got_it(folder, tmp_path):
    with ModelServer(latency=0.1) as server:
        server.throttle(1, retry_after=0.6)
        options = _options(server, tmp_path)
        pool = Asking(InProcess(options), options.llm, concurrency=4)
        got = list(run(inputs([str(folder)], read=False), options=options, pool=pool))
        (refused,) = server.limited
        # Those sent with it were in flight already; after them, nothing until the server's wait is over.
        during = [t - refused for t in server.starts if 0.05 < t - refused < 0.55]
        assert during == [], f"requests sent while the server asked to wait: {during}"
        assert server.requests == 3 * len(SEEDS) + 1 and options.llm.asker.governor.pauses == 1
    assert all(o.result.llm.calls in (3, 4) for o in got) and sum(o.result.llm.calls for o in got) == server.requests


def test_the_budget_stops_before_it_is_passed_and_leaves_the_rest_for_the_next_run(folder, tmp_path):
    ledger = Ledger(Store(tmp_path / "r.sqlite"), {"run": "budget"})
    with ModelServer(latency=0.05, prompt_tokens=1000, completion_tokens=500) as server:
        options = _options(server, tmp_path)
        import threading

        stop = threading.Event()
        spend = Spend(max_tokens=6000)
        first = list(run(inputs([str(folder)], read=False), options=options, store=ledger, stop=stop,
                         pool=Asking(InProcess(options), options.llm, concurrency=2, spend=spend, stop=stop)))  # fmt: skip
        assert stop.is_set() and spend.reached and spend.tokens <= 6000
        assert 0 < len(first) < len(SEEDS) and all(o.result.llm.calls == 3 for o in first)
        asked = server.requests
        rest = list(run(inputs([str(folder)], read=False), options=options, store=ledger,
                        pool=Asking(InProcess(options), options.llm, concurrency=2)))  # fmt: skip
        assert sorted(o.name for o in rest if o.new) == sorted(str(p) for p in folder.iterdir() if str(p) not in {o.name for o in first})
        assert server.requests == 3 * len(SEEDS), "nothing asked twice: the answers given before the stop came from the cache"
        assert asked > 3 * len(first), "the first run's answers to the documents it left were kept"


def test_golden_answers_make_a_document_verify_through_the_parent(tmp_path):
    doc = DOCS / "004_f8b21749840a51ab.txt"
    with ModelServer(answer=golden_answer(doc.stem)) as server:
        options = _options(server, tmp_path, "llm-first")
        (outcome,) = run(inputs([str(doc)], read=False), options=options, pool=Asking(InProcess(options), options.llm))
        assert outcome.status == "verified" and outcome.result.method == "llm"
        direct = extract_file(doc, options=_options(server, tmp_path / "direct", "llm-first"))
    assert outcome.result.model_dump(exclude={"llm"}) == direct.model_dump(exclude={"llm"})


# --- the command line ---------------------------------------------------------------------------


def _batch(server: ModelServer, tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ, "OPENAI_BASE_URL": server.base_url, "EXTRACTOR_MODEL": "test-double", "EXTRACTOR_SERVER": "llama.cpp",
        "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
    }  # fmt: skip
    command = [sys.executable, "-m", "extractor", "batch", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def _stored(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM results").fetchone()[0]


def test_the_command_stops_at_the_budget_with_one_line_and_the_next_run_finishes(folder, tmp_path):
    db, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl"
    args = (str(folder), "--db", str(db), "-o", str(out), "--workers", "1", "--llm-concurrency", "2")
    with ModelServer(latency=0.05, prompt_tokens=1000, completion_tokens=500) as server:
        stopped = _batch(server, tmp_path, *args, "--max-tokens", "6000", "--price", "2,8,USD")
        assert stopped.returncode == 130, stopped.stderr
        (line,) = [line for line in stopped.stdout.splitlines() if line.startswith("stopped")]
        assert line.startswith("stopped at the budget: the token budget (6,000) would be passed")
        assert line.endswith("the answers given are kept: run the same command again to go on")
        assert "cost 0.0" in stopped.stdout and "Traceback" not in stopped.stderr
        kept = _stored(db)
        assert 0 < kept < len(SEEDS) and len(out.read_text(encoding="utf-8").splitlines()) == kept

        finished = _batch(server, tmp_path, *args)
        assert finished.returncode in (0, 1), finished.stderr
        assert _stored(db) == len(SEEDS) and server.requests == 3 * len(SEEDS)
        assert "already done" in finished.stdout and "model: " in finished.stdout
    results = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["source"]["path"] for r in results) == sorted(str(p) for p in folder.iterdir())


# --- the provider's batch endpoint --------------------------------------------------------------


def _results(out) -> dict[str, tuple]:
    """What decides a document, whichever way its answers came: status, reasons, cells, verdicts."""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {
        r["source"]["sha256"]: (r["status"], [x["code"] for x in r["reasons"]], r["cells"], [(m["method"], m["status"]) for m in r["methods"]])
        for r in rows
    }  # fmt: skip


def test_llm_batch_submits_polls_survives_a_kill_and_resumes_then_reads_as_the_direct_mode(folder, tmp_path):
    db, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl"
    args = (str(folder), "--db", str(db), "-o", str(out), "--workers", "1", "--llm-batch", "--llm-batch-poll", "0.1")
    env = {
        **os.environ, "OPENAI_BASE_URL": "", "EXTRACTOR_MODEL": "test-double", "EXTRACTOR_SERVER": "llama.cpp",
        "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
    }  # fmt: skip
    with ModelServer() as server:
        env["OPENAI_BASE_URL"] = server.base_url
        killed = subprocess.Popen([sys.executable, "-m", "extractor", "batch", *args], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 120
        while server.polls < 2 and killed.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        killed.kill()
        assert killed.wait(30) == -9, killed.stderr.read()
        assert server.batch_creations == 1 and len(server.batches) == 1
        (batch,) = server.batches.values()
        assert len(batch.lines) == 3 * len(SEEDS) and server.requests == 0, "every question in the batch, none asked directly"
        assert _stored(db) == 0, "the documents wait for their answers; nothing half-read is kept"
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT id, state, requests FROM llm_batches").fetchall() == [(batch.id, "submitted", 3 * len(SEEDS))]

        polls = server.polls
        server.release_batches.set()
        resumed = _batch(server, tmp_path, *args)
        assert resumed.returncode in (0, 1), resumed.stderr
        assert server.batch_creations == 1 and server.polls > polls, "the batch is polled again, not sent again"
        assert server.requests == 0 and _stored(db) == len(SEEDS)
        assert "Traceback" not in resumed.stderr and "model: " in resumed.stdout
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT state FROM llm_batches").fetchall() == [("done",)]

        direct_out = tmp_path / "direct.jsonl"
        direct = _batch(server, tmp_path / "direct", str(folder), "--db", str(tmp_path / "d.sqlite"), "-o", str(direct_out), "--workers", "1")
        assert direct.returncode == resumed.returncode and server.requests == 3 * len(SEEDS)
    assert _results(out) == _results(direct_out)


def test_estimate_counts_before_a_run_asks_nothing_and_knows_what_the_cache_holds(folder, tmp_path):
    def estimate(server) -> list[str]:
        env = {
            **os.environ, "OPENAI_BASE_URL": server.base_url, "EXTRACTOR_MODEL": "test-double", "EXTRACTOR_SERVER": "llama.cpp",
            "EXTRACTOR_CACHE_DIR": str(tmp_path / "cache"),
        }  # fmt: skip
        p = subprocess.run([sys.executable, "-m", "extractor", "estimate", str(folder), "--workers", "1", "--price", "1,2,CNY"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert p.returncode == 0, p.stderr
        return p.stdout.splitlines()

    with ModelServer() as server:
        before = estimate(server)
        assert server.requests == 0, "an estimate asks nothing"
        n = len(SEEDS)
        assert before[1] == f"  {n} documents, {n} would ask the model: {3 * n} questions, 0 of them answered in the cache"
        assert "counted by the server's tokenizer" in before[2] and "CNY" in before[3] and "with --llm-batch" in before[3]
        options = _options(server, tmp_path)
        list(run(inputs([str(folder)], read=False), options=options, pool=Asking(InProcess(options), options.llm)))
        after = estimate(server)
    assert after[1].endswith(f"{3 * n} questions, {3 * n} of them answered in the cache")
    assert after[2].startswith("  tokens: 0 in") and "about 0 CNY" in after[3]


@pytest.mark.parametrize(
    "args,says",
    [
        (["--max-cost", "5"], "error: --max-cost needs the model's price: it is not in the price table, give --price IN,OUT"),
        (["--max-cost", "5", "--price", "cheap"], "error: --price: a price is IN,OUT[,CURRENCY] per million tokens"),
    ],
    ids=["no price", "a price that is not one"],
)
def test_a_budget_that_cannot_work_is_one_line_before_anything_is_made(folder, tmp_path, args, says):
    db = tmp_path / "r.sqlite"
    with ModelServer() as server:
        p = _batch(server, tmp_path, str(folder), "--db", str(db), "--server", "openai", *args)
        assert server.requests == 0
    assert p.returncode == 2 and p.stderr.startswith(says) and p.stderr.count("\n") == 1
    assert not db.exists()
