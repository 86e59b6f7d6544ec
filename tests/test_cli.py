"""The command line, run as a user runs it: exit codes, one-line errors, JSON lines."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from .conftest import DOCS, ROOT


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_verified_document_exits_0_and_prints_json():
    p = run("extract", str(DOCS / "004_f8b21749840a51ab.txt"), "--json")
    assert p.returncode == 0, p.stderr
    (line,) = p.stdout.splitlines()
    result = json.loads(line)
    assert result["status"] == "verified"
    assert result["source"]["format"] == "text" and len(result["source"]["sha256"]) == 64
    assert {"organ", "year", "template", "cells", "checks", "reasons", "provenance"} <= result.keys()


def test_needs_review_exits_1():
    p = run("extract", str(DOCS / "10_shanghai_kewei_2024.md"))
    assert p.returncode == 1
    assert "needs_review" in p.stdout and "H1.total" in p.stdout


@pytest.mark.parametrize(
    "name,data,problem",
    [
        ("empty.txt", b"", "empty file"),
        ("binary.bin", bytes(range(256)) * 4, "binary file, not text (contains NUL bytes)"),
        ("notes.txt", "会议纪要\n今天开会讨论了预算。\n".encode(), "no table heading or template label found"),
    ],
)
def test_bad_input_one_line_exit_2_no_traceback(tmp_path, name, data, problem):
    bad = tmp_path / name
    bad.write_bytes(data)
    p = run("extract", str(bad))
    assert p.returncode == 2
    assert p.stderr == f"error: {bad}: {problem}\n"
    assert "Traceback" not in p.stdout + p.stderr


def _empty_zip(path):
    zipfile.ZipFile(path, "w").close()


def _zip_of_folders_and_system_files(path):
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("年报/", b"")
        zf.writestr("__MACOSX/._a.txt", b"x")


@pytest.mark.parametrize(
    "name,make,problem",
    [
        ("missing.txt", None, "no such file or folder"),
        ("nowhere", None, "no such file or folder"),
        ("empty", lambda p: p.mkdir(), "no documents in this folder"),
        ("hidden", lambda p: (p.mkdir(), (p / ".notes.txt").write_text("x")), "no documents in this folder"),
        ("empty.zip", _empty_zip, "no documents in this archive"),
        ("folders.zip", _zip_of_folders_and_system_files, "no documents in this archive"),
    ],
)
@pytest.mark.parametrize("command", ["extract", "batch"])
def test_a_path_with_no_documents_stops_the_run_before_anything_is_made(tmp_path, name, make, problem, command):
    given = tmp_path / name
    if make is not None:
        make(given)
    db, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl"
    p = run(command, str(DOCS / "004_f8b21749840a51ab.txt"), str(given), "--db", str(db), "-o", str(out))
    assert (p.returncode, p.stdout, p.stderr) == (2, "", f"error: {given}: {problem}\n")
    assert not db.exists() and not out.exists(), "no database, no output file"


def test_gbk_file_is_read(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes((DOCS / "002_eb42678789e3d87b.txt").read_text(encoding="utf-8").encode("gbk"))
    p = run("extract", str(gbk), "--json")
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert result["source"]["encoding"] == "gb18030" and result["cells"]["s2.licensing.decisions"] == 2554


def test_a_folder_is_walked(tmp_path):
    for name in ("000_e05ad4cf669368e1.txt", "002_eb42678789e3d87b.txt"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        (tmp_path / "sub" / name).write_bytes((DOCS / name).read_bytes())
    p = run("extract", str(tmp_path), "--json")
    assert p.returncode == 0
    assert len(p.stdout.splitlines()) == 2


def test_verify_rechecks_a_hand_corrected_result(tmp_path):
    """A reviewer fills the blank 结转 总计 of 10_shanghai with 1: the result now verifies."""
    p = run("extract", str(DOCS / "10_shanghai_kewei_2024.md"), "--json")
    result = json.loads(p.stdout)
    assert result["status"] == "needs_review"
    result["cells"]["s3.carried_forward.total"] = 1
    corrected = tmp_path / "corrected.json"
    corrected.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    p = run("verify", str(corrected), "--json")
    assert p.returncode == 0, p.stdout
    assert json.loads(p.stdout)["status"] == "verified"

    result["cells"]["s3.carried_forward.total"] = 2  # a wrong correction is caught
    corrected.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    p = run("verify", str(corrected), "--json")
    assert p.returncode == 1
    checked = json.loads(p.stdout)
    assert {c["check"] for c in checked["checks"] if c["status"] == "fail"} == {"H1.total", "H3.carried_forward"}
    assert checked["culprits"][0]["cell"] == "s3.carried_forward.total"


def test_verify_rejects_a_file_that_is_not_a_result(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{\"hello\": 1}", encoding="utf-8")
    p = run("verify", str(bad))
    assert p.returncode == 2
    assert p.stderr.startswith(f"error: {bad}: not a result file") and "Traceback" not in p.stderr


def test_an_output_into_a_missing_folder_fails_before_any_work(tmp_path):
    target = tmp_path / "nodir" / "x.jsonl"
    p = run("extract", str(DOCS), "-o", str(target))
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == f"error: {target}: cannot write the results: the folder {target.parent} does not exist\n"


def test_an_unreachable_model_endpoint_stops_the_run_at_once(tmp_path):
    """Port 9 (discard) on loopback refuses the connection: the probe says so before any document."""
    p = run("extract", str(DOCS / "004_f8b21749840a51ab.txt"), "--base-url", "http://127.0.0.1:9/v1", "--model", "m",
            "--strategy", "cross-check", "-o", str(tmp_path / "x.jsonl"))  # fmt: skip
    assert p.returncode == 2 and p.stdout == ""
    (line,) = p.stderr.splitlines()
    assert line.startswith("error: the model endpoint http://127.0.0.1:9/v1 cannot be reached: APIConnectionError")
    assert not (tmp_path / "x.jsonl").exists()
    # The rules alone need no endpoint, even with one configured.
    p = run("extract", str(DOCS / "004_f8b21749840a51ab.txt"), "--base-url", "http://127.0.0.1:9/v1", "--model", "m",
            "--strategy", "rules")  # fmt: skip
    assert p.returncode == 0, p.stderr


def test_debug_shows_the_traceback_of_a_users_error(tmp_path):
    target = str(tmp_path / "nodir" / "x.jsonl")
    p = run("--debug", "extract", str(DOCS / "004_f8b21749840a51ab.txt"), "-o", target)
    assert p.returncode == 1 and "Traceback" in p.stderr and "BadInput" in p.stderr


def test_a_documents_line_is_never_wrapped_when_piped(tmp_path):
    """One line per document, however long its path: grep finds it whole."""
    deep = tmp_path.joinpath(*["很长的文件夹名称" * 3] * 4)
    deep.mkdir(parents=True)
    doc = deep / "004.txt"
    doc.write_bytes((DOCS / "004_f8b21749840a51ab.txt").read_bytes())
    p = run("extract", str(doc))
    (line,) = [line for line in p.stdout.splitlines() if str(doc) in line]
    assert line.startswith("✓ verified") and line.endswith("checks 50 pass, 0 fail, 0 n/a, 0 warn")


def test_warnings_are_named_not_only_counted():
    p = run("extract", str(DOCS / "002_eb42678789e3d87b.txt"))
    (line,) = [line for line in p.stdout.splitlines() if "002_eb" in line]
    assert line.endswith("2 warn  (warnings: P6, P7)"), line


def test_the_capability_table_gives_the_command_lines_choices():
    from extractor.cli import cli
    from extractor.extract.llm.capabilities import FAMILIES, MODES

    params = {p.name: p for p in cli.commands["extract"].params}
    assert list(params["server"].type.choices) == list(FAMILIES)
    assert list(params["mode"].type.choices) == list(MODES)


def test_review_list_of_a_missing_database_is_one_line_and_creates_none(tmp_path):
    typo = tmp_path / "typo.sqlite"
    p = run("review", "list", "--db", str(typo))
    assert (p.returncode, p.stderr) == (2, f"error: {typo}: no such database\n")
    assert not typo.exists()


def test_extract_stores_every_result_and_queues_the_unverified(tmp_path):
    from extractor.store import Store

    db = tmp_path / "q.sqlite"
    docs = [str(DOCS / "10_shanghai_kewei_2024.md"), str(DOCS / "004_f8b21749840a51ab.txt")]
    assert run("extract", *docs, "--db", str(db)).returncode == 1
    assert run("extract", *docs, "--db", str(db)).returncode == 1  # the same configuration again
    with Store(db, create=False) as store:
        assert store.db.execute("SELECT count(*) FROM results").fetchone() == (2,)
        assert [i.path for i in store.queue().items] == [docs[0]]
        assert [e.action for e in store.events()].count("skipped") == 2
