"""`extractor review`, in process (the commands are a thin layer over the store, whose rules
tests/test_store.py covers; tests/test_cli.py runs the command line as a process)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.options import RULES_ONLY
from extractor.pipeline import extract_file
from extractor.store import Store

from .conftest import DOCS

SHANGHAI = DOCS / "10_shanghai_kewei_2024.md"


def review(*args: str):
    return CliRunner().invoke(cli, ["review", *args])


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "q.sqlite")
    with Store(path) as store:
        for doc in (SHANGHAI, DOCS / "004_f8b21749840a51ab.txt", DOCS / "05_pingtan_2023.txt"):
            store.add(extract_file(doc), RULES_ONLY.fingerprint)
    return path


def listed(db: str, *args: str) -> list[dict]:
    r = review("list", "--db", db, "--json", *args)
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_list_show_resolve(db):
    items = listed(db)
    assert [(i["path"], i["status"]) for i in items] == [(str(SHANGHAI), "needs_review"), (str(DOCS / "05_pingtan_2023.txt"), "needs_review")]
    prefix = items[0]["sha256"][:8]
    shown = review("show", prefix, "--db", db, "--history").stdout
    assert "[identity_not_assessable]" in shown and "s3.carried_forward.total = None" in shown
    assert "(四、结转下年度继续办理 / 总计)" in shown and "extractor: review opened" in shown
    r = review("resolve", prefix, "--db", db, "--set", "s3.carried_forward.total=1", "--reviewer", "li")
    assert (r.exit_code, r.stdout.splitlines()[0]) == (0, f"{items[0]['sha256'][:12]} resolved: verified")
    assert [i["path"] for i in listed(db)] == [str(DOCS / "05_pingtan_2023.txt")]
    text = review("list", "--db", db, "--state", "resolved").stdout
    assert "resolved verified" in text and text.endswith("1 resolved\n")
    detail = json.loads(review("show", prefix, "--db", db, "--json").stdout)
    assert (detail["state"], detail["corrections"][0]["reviewer"]) == ("resolved", "li")


def test_a_correction_that_does_not_verify_exits_1_and_stays_open(db):
    prefix = listed(db)[0]["sha256"][:10]
    r = review("resolve", prefix, "--db", db, "--set", "s3.carried_forward.total=2", "--reviewer", "li")
    assert r.exit_code == 1 and r.stdout.startswith(f"{prefix}")
    assert "open: needs_review" in r.stdout.splitlines()[0]


@pytest.mark.parametrize(
    "args,message",
    [
        (("--accept",), "error: accepting a document as printed needs a note saying why"),
        (("--set", "s9.nope=1"), "error: not cells of this document: s9.nope"),
        (("--accept", "--note", "x", "--version", "7"), "error: changed by extractor at "),
    ],
)
def test_refused_resolutions_are_one_line_exit_2(db, args, message):
    prefix = listed(db)[0]["sha256"][:8]
    r = review("resolve", prefix, "--db", db, "--reviewer", "li", *args)
    assert r.exit_code == 2 and r.stderr.startswith(message) and r.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "document,message",
    [("fff", "error: no document fff\n"), ("", "error: not a document hash or a prefix of one: ''\n")],
)
def test_unknown_documents_are_one_line_exit_2(db, document, message):
    r = review("show", document, "--db", db)
    assert (r.exit_code, r.stderr) == (2, message)


@pytest.mark.parametrize(
    "args,paths",
    [
        (("--reason", "ambiguous_reading"), ["05_pingtan_2023.txt"]),
        (("--format", "markdown"), ["10_shanghai_kewei_2024.md"]),
        (("--limit", "1"), ["10_shanghai_kewei_2024.md"]),
        (("--state", "all", "--year", "1999"), []),
        (("--organ", "科委"), ["10_shanghai_kewei_2024.md"]),  # a part of 上海市科委
        (("--organ", "郭巨"), []),
        (("--path", "pingtan"), ["05_pingtan_2023.txt"]),
        (("--path", "golden/docs/", "--sort", "fewest"), ["10_shanghai_kewei_2024.md", "05_pingtan_2023.txt"]),
        (("--sort", "path"), ["05_pingtan_2023.txt", "10_shanghai_kewei_2024.md"]),
        (("--method", "llm"), []),
    ],
)
def test_list_filters(db, args, paths):
    assert [i["path"].rsplit("/", 1)[-1] for i in listed(db, *args)] == paths


def test_apply_suggestions_says_what_it_would_change_then_changes_it(db):
    line = f"{listed(db)[0]['sha256'][:12]} {SHANGHAI}  三 · 四、结转下年度继续办理 / 总计: blank → 1  resolved: verified"
    dry = review("apply-suggestions", "--db", db, "--reviewer", "li", "--dry-run")
    assert (dry.exit_code, dry.stdout) == (0, f"{line}\nwould take the suggested value for 1 of 1 documents: 1 resolved, 0 still open\n")
    assert len(listed(db)) == 2, "a dry run changes nothing"
    none = review("apply-suggestions", "--db", db, "--reviewer", "li", "--organ", "平潭")
    assert none.stdout == "took the suggested value for 0 of 0 documents: 0 resolved, 0 still open\n"
    done = review("apply-suggestions", "--db", db, "--reviewer", "li", "--path", "shanghai")
    assert (done.exit_code, done.stdout.splitlines()) == (0, [line, "took the suggested value for 1 of 1 documents: 1 resolved, 0 still open"])
    assert [i["path"] for i in listed(db)] == [str(DOCS / "05_pingtan_2023.txt")]
    shown = json.loads(review("show", line[:12], "--db", db, "--json", "--history").stdout)
    assert [(e["actor"], e["action"]) for e in shown["history"]][-2:] == [("li", "cell_corrected"), ("li", "review_resolved")]


def test_every_review_command_refuses_a_missing_database(tmp_path):
    typo = tmp_path / "typo.sqlite"
    for args in (("list",), ("show", "abc"), ("resolve", "abc", "--accept", "--note", "x"), ("apply-suggestions", "--dry-run")):
        r = review(*args, "--db", str(typo))
        assert (r.exit_code, r.stderr) == (2, f"error: {typo}: no such database\n")
    assert not typo.exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_serve_on_a_busy_port_is_one_line_before_anything_starts(tmp_path, host):
    import socket
    import subprocess
    import sys

    from .conftest import ROOT

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        p = subprocess.run(
            [sys.executable, "-m", "extractor", "serve", "--data", str(tmp_path / "data"), "--host", host, "--port", str(port)],
            capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
    assert (p.returncode, p.stdout, p.stderr) == (2, "", f"error: port {port} on {host} is in use\n")
    assert not (tmp_path / "data").exists(), "no data folder, no database: nothing was started"
