"""Every export read back (csv, JSON lines, pyarrow, openpyxl) and compared with the store, cell
by cell, a person's correction included."""

from __future__ import annotations

import csv
import json

import openpyxl
import pyarrow.parquet as pq
import pytest

from extractor.batch import Ledger, run
from extractor.export import tables
from extractor.export.rows import WIDE_KEYS, documents
from extractor.export.xlsx import QUESTIONED, Value, plan, write_xlsx
from extractor.load.archive import inputs
from extractor.options import RULES_ONLY
from extractor.store import Store
from verify.fields import label

from .conftest import DOCS

SHANGHAI = str(DOCS / "10_shanghai_kewei_2024.md")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "r.sqlite"
    ledger = Ledger(Store(path), RULES_ONLY.fingerprint)
    for _ in run(inputs([str(DOCS)], read=False), store=ledger):
        pass
    ledger.close()
    with Store(path) as store:
        sha = next(d.sha256 for d in documents(store) if d.path == SHANGHAI)
        store.resolve(sha, cells={"s3.carried_forward.total": 1}, reviewer="li")
    return path


@pytest.fixture
def store(db):
    with Store(db, create=False) as s:
        yield s


def _expected(store) -> dict[tuple[str, str], tuple]:
    """(document, key) -> (value, state, method, corrected, reviewer, status), from the store's own view."""
    out = {}
    for doc in documents(store):
        for c in store.current_cells(doc.sha256):
            out[(doc.sha256, c.key)] = (
                c.value,
                c.state,
                c.method,
                c.corrected,
                c.reviewer if c.corrected else None,
                doc.status,
            )
    return out


def _number(text: str):
    return None if text == "" else float(text)


def test_the_store_holds_a_correction_to_export(store):
    doc = next(d for d in documents(store) if d.path == SHANGHAI)
    cell = next(c for c in doc.cells if c.key == "s3.carried_forward.total")
    assert (cell.value, cell.corrected, cell.reviewer, cell.method, doc.status) == (1, True, "li", "human", "verified")


def _read_csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_long_csv(store, tmp_path):
    out = tmp_path / "long.csv"
    n = tables.write_csv(store, out)
    rows = _read_csv(out)
    status = {d["sha256"]: d["status"] for d in _read_csv(tmp_path / "long.documents.csv")}  # each document once
    expected = _expected(store)
    assert n == len(rows) == len(expected)
    assert sorted(status) == sorted(d.sha256 for d in documents(store))
    got = {
        (r["sha256"], r["key"]): (_number(r["value"]), r["state"], r["method"], r["corrected"] == "True", r["corrected_by"] or None, status[r["sha256"]])
        for r in rows
    }  # fmt: skip
    assert got == expected
    assert set(rows[0]) == {"sha256", "table", "row", "column", "key", "value", "state", "method", "corrected", "corrected_by"}
    one = next(r for r in rows if r["key"] == "s3.denied_third_party.legal")
    assert (one["table"], one["row"], one["column"]) == ("三", "4.保护第三方合法权益", "法律服务机构")


def test_long_jsonl_and_parquet_have_the_same_rows_typed(store, tmp_path):
    tables.write_jsonl(store, tmp_path / "long.jsonl")
    tables.write_parquet(store, tmp_path / "long.parquet")
    from_json = [json.loads(line) for line in (tmp_path / "long.jsonl").read_text(encoding="utf-8").splitlines()]
    table = pq.read_table(tmp_path / "long.parquet")
    docs = pq.read_table(tmp_path / "long.documents.parquet")
    assert str(table.schema.field("value").type) == "double" and str(docs.schema.field("year").type) == "int32"
    assert str(table.schema.field("corrected").type) == "bool"
    from_parquet = table.to_pylist()
    assert from_parquet == [r | {"value": None if r["value"] is None else float(r["value"])} for r in from_json]
    status = {d["sha256"]: d["status"] for d in docs.to_pylist()}
    assert status == {json.loads(line)["sha256"]: json.loads(line)["status"] for line in (tmp_path / "long.documents.jsonl").read_text(encoding="utf-8").splitlines()}
    got = {
        (r["sha256"], r["key"]): (r["value"], r["state"], r["method"], r["corrected"], r["corrected_by"], status[r["sha256"]])
        for r in from_parquet
    }
    assert got == _expected(store)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_wide_one_row_per_document_a_column_per_key(store, tmp_path, fmt):
    out = tmp_path / f"wide.{fmt}"
    getattr(tables, f"write_{fmt}")(store, out, wide=True)
    if fmt == "csv":
        with open(out, encoding="utf-8-sig", newline="") as f:
            rows = [{k: (_number(v) if k in WIDE_KEYS else v) for k, v in r.items()} for r in csv.DictReader(f)]
    elif fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
    else:
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = _expected(store)
    assert len(rows) == len(list(DOCS.iterdir()))
    for r in rows:
        for key in WIDE_KEYS:
            want = expected.get((r["sha256"], key), (None,))[0]
            assert r[key] == want, (r["document"], key)


def test_xlsx_index_and_a_sheet_per_document_as_the_tables_print(store, tmp_path):
    (path,) = write_xlsx(store, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(path)
    index = list(wb.worksheets[0].iter_rows(values_only=True))
    docs = list(documents(store))
    assert index[0] == ("document", "sha256", "format", "organ", "year", "template", "status", "reasons", "sheet")
    assert [(r[0], r[6]) for r in index[1:]] == [(d.path, d.status) for d in docs]
    questioned_seen = 0
    for doc, row in zip(docs, index[1:]):
        ws = wb[row[-1]]
        values, questioned = doc.values(), doc.questioned()
        for r, items in enumerate(plan(doc).rows, start=3):
            for c, item in enumerate(items, start=1):
                if isinstance(item, Value):
                    cell = ws.cell(r, c)
                    assert cell.value == values[item.key], (doc.path, item.key)
                    if item.key in questioned:
                        questioned_seen += 1
                        assert cell.fill.start_color.rgb.endswith(QUESTIONED)
                        assert cell.comment.text == "\n".join(questioned[item.key])
                    else:
                        assert cell.comment is None
        assert sum(isinstance(i, Value) for items in plan(doc).rows for i in items) == len(doc.cells)
        if any(c.key.startswith("s3.") for c in doc.cells):
            merged = {str(m) for m in ws.merged_cells.ranges}
            top = next(r for r in ws.iter_rows() if r[2].value == "申请人情况")[2].row
            assert {f"C{top}:I{top}", f"D{top + 1}:H{top + 1}", f"A{top}:B{top + 2}"} <= merged
    assert questioned_seen > 0, "the golden set has documents in review"
    labels = {ws.cell(r, 2).value for ws in wb.worksheets[1:] for r in range(1, ws.max_row + 1)}
    assert label("s3.denied_third_party.legal").row in labels


def test_xlsx_past_the_workbook_size_is_several_workbooks_each_with_its_index(store, tmp_path):
    paths = write_xlsx(store, tmp_path / "r.xlsx", per_workbook=4)
    assert [p.name for p in paths] == ["r-0001.xlsx", "r-0002.xlsx", "r-0003.xlsx"]
    names = [
        r[0]
        for p in paths
        for r in list(openpyxl.load_workbook(p, read_only=True).worksheets[0].iter_rows(values_only=True))[1:]
    ]
    assert names == [d.path for d in documents(store)]
