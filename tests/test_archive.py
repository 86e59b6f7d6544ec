"""Archives and batches: zips read in memory, member names in either encoding, bad members alone."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

from extractor.load import LoadError
from extractor.load.archive import inputs, members
from extractor.load.pages import NO_TEXT_FOUND
from extractor.load.pdf import ENCRYPTED
from extractor.pipeline import extract_input

from . import fixtures as F
from .conftest import DOCS, ROOT


@cache
def report_2019():
    return F.Report.golden("002_eb42678789e3d87b")


def _names(archive: bytes, name: str = "r.zip") -> list[str]:
    return [i.name for i in members(name, archive)]


def test_member_names_in_utf8_and_in_gbk_without_the_flag():
    docs = {"年报/兴安区.txt": b"a", "年报/附件/表格.txt": b"b", "readme.txt": b"c"}
    assert _names(F.zip_of(docs)) == _names(F.zip_of(docs, gbk_names=True))
    assert _names(F.zip_of(docs, gbk_names=True)) == ["r.zip!readme.txt", "r.zip!年报/兴安区.txt", "r.zip!年报/附件/表格.txt"]


def test_nested_zips_folders_and_system_files():
    inner = F.zip_of({"b.txt": b"inner"})
    outer = F.zip_of({"x/inner.zip": inner, "__MACOSX/x/._a.txt": b"junk", "x/.DS_Store": b"junk", "x/a.txt": b"a"})
    got = list(members("o.zip", outer))
    assert [(i.name, i.member, i.data) for i in got] == [
        ("o.zip!x/a.txt", "x/a.txt", b"a"),
        ("o.zip!x/inner.zip!b.txt", "x/inner.zip!b.txt", b"inner"),
    ]


def test_a_corrupt_member_fails_alone():
    archive = F.corrupt_member(F.zip_of({"a.txt": b"first " * 200, "b.txt": b"second " * 200, "c.txt": b"third " * 200}), 1)
    got = list(members("r.zip", archive))
    assert [(i.name, i.error is None) for i in got] == [("r.zip!a.txt", True), ("r.zip!b.txt", False), ("r.zip!c.txt", True)]
    assert got[1].error.problem.startswith("corrupt archive member: ")
    assert got[2].data == b"third " * 200


def test_a_truncated_archive_is_one_error():
    archive = F.zip_of({"a.txt": b"x" * 1000})
    (only,) = members("r.zip", archive[:-30])
    assert isinstance(only.error, LoadError) and only.error.problem.startswith("corrupt or truncated zip archive")


def test_documents_from_an_archive_name_their_member_everywhere(tmp_path):
    archive = tmp_path / "reports.zip"
    archive.write_bytes(F.zip_of({"2020/兴安区.docx": F.docx(report_2019())}, gbk_names=True))
    (item,) = inputs([str(tmp_path)])
    result = extract_input(item)
    assert result.source.path == f"{archive}!2020/兴安区.docx"
    assert result.status == "verified" and result.cells == report_2019().cells
    assert {p.location["member"] for p in result.provenance.values()} == {"2020/兴安区.docx"}


def test_folders_are_walked_in_order_and_missing_paths_reported(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_bytes(b"2")
    (tmp_path / "a.txt").write_bytes(b"1")
    (tmp_path / ".hidden.txt").write_bytes(b"h")
    got = list(inputs([str(tmp_path), str(tmp_path / "none.pdf")]))
    assert [i.name for i in got] == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "2.txt"), str(tmp_path / "none.pdf")]
    assert got[-1].error.problem == "no such file"


def test_cli_batch_of_bad_files_goes_on_and_names_each_problem(tmp_path):
    """A scanned, an encrypted and a truncated PDF, and a zip with a corrupt member, beside good
    documents: each bad one gets its line, the good ones are read, the exit code says 2."""
    r = report_2019()
    good_pdf = F.pdf(r)
    (tmp_path / "scan.pdf").write_bytes(F.scanned_pdf())
    (tmp_path / "locked.pdf").write_bytes(F.pdf(r, encrypt="secret"))
    (tmp_path / "cut.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    archive = F.zip_of({"年报/兴安区.html": F.html(r).encode("gbk"), "年报/坏.txt": F.text(r).encode("gbk"), "年报/兴安区.pdf": good_pdf}, gbk_names=True)
    (tmp_path / "reports.zip").write_bytes(F.corrupt_member(archive, 1))
    out = tmp_path / "out.jsonl"
    p = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", str(tmp_path), str(DOCS / "004_f8b21749840a51ab.txt"), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert p.returncode == 2 and "Traceback" not in p.stderr
    results = {r["source"]["path"].replace(str(tmp_path) + "/", ""): r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert {k: v["status"] for k, v in results.items()} == {
        "cut.pdf": "failed",
        "locked.pdf": "failed",
        "reports.zip!年报/兴安区.html": "verified",
        "reports.zip!年报/兴安区.pdf": "verified",
        "reports.zip!年报/坏.txt": "failed",
        "scan.pdf": "failed",
        str(DOCS / "004_f8b21749840a51ab.txt"): "verified",
    }
    errors = p.stderr.splitlines()
    assert len(errors) == 4
    assert errors[0] == f"error: {tmp_path}/cut.pdf: truncated or damaged PDF: the file ends too early"
    assert errors[1] == f"error: {tmp_path}/locked.pdf: {ENCRYPTED}"
    assert errors[2].startswith(f"error: {tmp_path}/reports.zip!年报/坏.txt: corrupt archive member: its ")
    assert errors[3] == f"error: {tmp_path}/scan.pdf: {NO_TEXT_FOUND}"
    assert results["reports.zip!年报/兴安区.pdf"]["cells"] == r.cells
