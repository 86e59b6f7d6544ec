"""`export --findings`: every check that did not hold, one row per document and check, in Chinese,
with the likely culprit and the review's decision; read back from CSV, JSON lines, Parquet and
the workbook (a sheet per organ) and compared with the store's own results and reviews."""

from __future__ import annotations

import csv
import json

import openpyxl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.errors import NotFound
from extractor.export import tables
from extractor.export.findings import COLUMNS
from extractor.export.wording import REVIEW, cell_name, reported
from extractor.export.xlsx import CULPRIT, write_findings_xlsx
from extractor.options import RULES_ONLY
from extractor.pipeline import extract_bytes
from extractor.store import Store

from . import fixtures as F

HUAIAN = F.Report.golden("01_huaian_shi_2024")
MISPRINT = "s3.carried_forward.natural"
NOTE = '=HYPERLINK("http://example.com","印刷如此")'  # a note a spreadsheet must not run


def _misprinted(organ: str) -> bytes:
    cells = {**HUAIAN.cells, MISPRINT: HUAIAN.cells[MISPRINT] + 1}
    return F.text(F.Report(organ, HUAIAN.year, HUAIAN.template, cells)).encode("utf-8")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """An organ's two years that disagree (cross-year), a misprinted report accepted as printed,
    another left open, and one whose misreading a person corrected."""
    path = tmp_path_factory.mktemp("findings") / "r.sqlite"
    with Store(path) as store:
        add = lambda name, data: store.add(extract_bytes(name, data), RULES_ONLY.fingerprint).sha256  # noqa: E731
        add("huaian-2024.txt", F.text(HUAIAN).encode("utf-8"))
        add("huaian-2025.txt", F.text(HUAIAN.next_year(off_by=1)).encode("utf-8"))
        store.resolve(add("accepted.txt", _misprinted("淮安市甲局")), accept=True, note=NOTE, reviewer="wang")
        add("open.txt", _misprinted("淮安市乙局"))
        store.resolve(add("corrected.txt", _misprinted("淮安市丙局")), cells={MISPRINT: HUAIAN.cells[MISPRINT]}, reviewer="li")
    return path


@pytest.fixture
def store(db):
    with Store(db, read_only=True) as s:
        yield s


WORDS = {"corrected": "corrected", "accepted": "accepted as printed"}


def _expected(store) -> list[tuple]:
    """(document, rule, check's figures, culprit cells, decision, reviewer, note) of every check
    the store's current results hold that did not hold, from the store's own API."""
    out = []
    for (sha, path) in store.db.execute("SELECT sha256, path FROM current_results"):
        result = store.current(sha)
        try:
            review = store.review(sha)
            word = "open" if review.state == "open" else WORDS.get(review.resolution or "", "")
            who = (review.reviewer, review.note) if word not in ("", "open") else (None, None)
        except NotFound:
            word, who = "", (None, None)
        for check in result.checks:
            if check.rule[0] in "HXN" and check.status in (("fail", "not_assessable") if check.rule[0] == "H" else ("warn",)):
                culprits = sorted(c.cell for c in result.culprits if check.check in c.fixes)
                out.append((path, check.rule, check.left, check.right, check.diff, culprits, REVIEW[word], *who))
    return sorted(out, key=repr)


def _got(rows: list[dict]) -> list[tuple]:
    def n(v):
        return None if v in ("", None) else float(v)

    def culprits(text):
        return sorted(k for k in (MISPRINT,) if text and cell_name(k, "2021") in text)

    return sorted(
        ((r["文件"], r["规则"], n(r["左值"]), n(r["右值"]), n(r["差额"]), culprits(r["可能的错值"]), r["复核结论"], r["复核人"] or None, _plain(r["复核备注"]) or None) for r in rows),
        key=repr,
    )  # fmt: skip


def _plain(text):
    return text[1:] if isinstance(text, str) and text.startswith("'=") else text


def test_the_store_holds_every_kind_of_finding(store):
    expected = _expected(store)
    assert {rule[0] for _, rule, *_ in expected} == {"H", "X"}
    assert {e[6] for e in expected} == {"未经人工复核", "按原样接受", "待复核"}
    assert not any(e[0] == "corrected.txt" for e in expected), "a misreading put right is no finding"


def _numbers(expected):
    return [(*e[:2], *(None if v is None else float(v) for v in e[2:5]), *e[5:]) for e in expected]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_finding_read_back_as_the_store_holds_it(store, tmp_path, fmt):
    out = tmp_path / f"findings.{fmt}"
    n = tables.write_findings(store, out, fmt)
    if fmt == "csv":
        with open(out, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        assert tuple(rows[0]) == COLUMNS
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    else:
        table = pq.read_table(out)
        assert str(table.schema.field("年度").type) == "int32" and str(table.schema.field("差额").type) == "double"
        rows = table.to_pylist()
    assert n == len(rows)
    assert _got(rows) == _numbers(_expected(store))
    if fmt == "csv":
        accepted = next(r for r in rows if r["文件"] == "accepted.txt")
        assert accepted["复核备注"] == "'" + NOTE  # inert in a spreadsheet


def test_a_finding_in_chinese_words(store, tmp_path):
    tables.write_findings(store, tmp_path / "f.jsonl", "jsonl")
    rows = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text(encoding="utf-8").splitlines()]
    h1 = next(r for r in rows if r["文件"] == "accepted.txt" and r["规则"] == "H1")
    assert h1["对象"] == "自然人" and h1["结果"] == "不成立" and h1["状态"] == "待复核"
    assert h1["左边"] == "表三 一、本年新收政府信息公开申请数量·自然人 + 表三 二、上年结转政府信息公开申请数量·自然人"
    assert h1["右边"] == "表三 （七）总计·自然人 + 表三 四、结转下年度继续办理·自然人"
    printed = HUAIAN.cells[MISPRINT] + 1
    assert h1["可能的错值"] == f"表三 四、结转下年度继续办理·自然人：现为 {printed}，若为 {printed - 1} 则各式成立"
    assert f"表三 四、结转下年度继续办理·自然人 = {printed}" in h1["单元格"]
    x1 = next(r for r in rows if r["文件"] == "huaian-2025.txt" and r["规则"] == "X1" and r["对象"] == "自然人")
    assert (x1["结果"], x1["对照年度文件"]) == ("与相邻年度不符", "huaian-2024.txt")
    assert x1["右边"] == "上一年度 表三 四、结转下年度继续办理·自然人"


def test_the_workbook_has_a_sheet_per_organ(store, tmp_path):
    path = write_findings_xlsx(store, tmp_path / "findings.xlsx")
    wb = openpyxl.load_workbook(path)
    summary = wb.worksheets[0]
    assert summary.title == "汇总" and summary.freeze_panes == "A2"
    listed = [dict(zip(("机关", "文件数", "问题数", "待复核"), r)) for r in summary.iter_rows(min_row=2, max_col=4, values_only=True)]
    organs = {o for (o,) in store.db.execute("SELECT DISTINCT organ FROM current_results")}
    assert {r["机关"] for r in listed} == organs
    rows = []
    for r in range(2, summary.max_row + 1):
        link = summary.cell(r, 5).hyperlink
        organ = summary.cell(r, 1).value
        if link is None:
            assert summary.cell(r, 3).value == 0  # an organ with nothing to fix has no sheet
            continue
        ws = wb[link.location.split("!")[0].strip("'")]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        sheet = [dict(zip(COLUMNS, v)) for v in ws.iter_rows(min_row=2, values_only=True)]
        assert {s["机关"] for s in sheet} == {organ} and len(sheet) == summary.cell(r, 3).value
        for i, s in enumerate(sheet, start=2):
            culprit = ws.cell(i, COLUMNS.index("可能的错值") + 1)
            assert culprit.fill.start_color.rgb.endswith(CULPRIT) == bool(s["可能的错值"])
        rows += sheet
    assert _got(rows) == _numbers(_expected(store))
    open_ones = {r["机关"]: r["待复核"] for r in listed}
    assert open_ones["淮安市乙局"] == 1 and open_ones["淮安市甲局"] == 0  # accepted as printed: decided
    note = next(c for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row if c.value == NOTE)
    assert note.data_type == "s"  # the text, not a formula


@pytest.mark.parametrize("fmt,said", [("csv", "{n} findings to {out}\n"), ("xlsx", "the findings, a sheet per organ, to {out}\n")])
def test_the_command_writes_the_findings(db, store, tmp_path, fmt, said):
    out = tmp_path / f"f.{fmt}"
    r = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", fmt, "--findings", "-o", str(out)])
    assert (r.exit_code, r.stderr) == (0, said.format(n=len(_expected(store)), out=out))
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_the_reported_rules_are_identities_cross_year_and_prose():
    from extractor.models import Check

    def check(rule, status):
        return Check(rule=rule, check=f"{rule}.x", status=status, severity="hard", cells=[], message="")

    table = [("H1", "fail", True), ("H1", "not_assessable", True), ("H1", "pass", False), ("H1", "pass_if_blank_zero", False),
             ("X1", "warn", True), ("X1", "pass", False), ("N1", "warn", True), ("P1", "warn", False), ("S1", "fail", False)]  # fmt: skip
    assert [(rule, status) for rule, status, _ in table if reported(check(rule, status))] == [(r, s) for r, s, yes in table if yes]


def test_an_organ_printed_under_two_names_is_one_sheet_with_its_id(tmp_path):
    """洪泽区人民政府 (2024) and 淮安市洪泽区人民政府 (2025) are one organ (`store.organs`): its
    findings are one sheet, each row naming the organ, its id and the name the report printed."""
    path = tmp_path / "r.sqlite"
    with Store(path) as store:
        for name, report in (("2024.txt", HUAIAN), ("2025.txt", HUAIAN.next_year(off_by=1))):
            printed = "洪泽区人民政府" if name == "2024.txt" else "淮安市洪泽区人民政府"
            store.add(extract_bytes(name, F.text(F.Report(printed, report.year, report.template, report.cells)).encode()), RULES_ONLY.fingerprint)
        (organ,) = store.list_organs(organ="洪泽区人民政府")
    with Store(path, read_only=True) as store:
        wb = openpyxl.load_workbook(write_findings_xlsx(store, tmp_path / "findings.xlsx"))
    (sheet,) = wb.worksheets[1:]
    rows = [dict(zip(COLUMNS, v)) for v in sheet.iter_rows(min_row=2, values_only=True)]
    assert {(r["机关"], r["机关编号"]) for r in rows} == {(organ.name, organ.organ_id)}
    assert {r["报告所署名称"] for r in rows} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
