"""`extractor export --panel` and `--codebook`, read back and compared with the store.

The panel has one row per organ, year and metric, from the document chosen for the organ-year
(verified over needs_review, a person's word over none, the latest run), the others named in
`duplicates`; its organs are the store's (names joined across years), its values the cells as
they stand after review. The codebook says, for every metric, whether it means the same under
both templates.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor import Options, Store
from extractor.cli import cli
from extractor.export.codebook import codebook_rows
from extractor.export.panel import COLUMNS, Candidate
from extractor.pipeline import extract_bytes
from verify.fields import FIELD

from . import fixtures as F

RULES = Options().fingerprint
HUAIAN = F.Report.golden("01_huaian_shi_2024")
CULPRIT = "s3.granted.natural"


def _add(store: Store, report: F.Report, name: str, data: bytes | None = None):
    return store.add(extract_bytes(name, data or F.text(report).encode("utf-8")), RULES)


def read_back(path: Path, fmt: str) -> list[dict]:
    """The file's rows as dicts of text (None for empty), whatever its format."""
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as f:
            return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(f)]
    if fmt == "jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    elif fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    else:
        import openpyxl

        sheet = openpyxl.load_workbook(path, read_only=True)["panel"]
        header, *body = list(sheet.values)
        rows = [dict(zip(header, r, strict=True)) for r in body]
    return [{k: (None if v in (None, "") else str(v)) for k, v in row.items()} for row in rows]


def _text(v) -> str | None:
    if v is None:
        return None
    return str(float(v)) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    """An organ printed under two names (2023, 2024) whose 2024 report was read from a text and
    an HTML copy; a second organ whose 2023 report needed review and was corrected, and whose
    2024 report was accepted as printed; a document with a damaged copy beside a clean one."""
    path = tmp_path_factory.mktemp("panel") / "r.sqlite"
    wrong = HUAIAN.cells[CULPRIT] + 3
    with Store(path) as store:
        _add(store, F.Report("洪泽区人民政府", 2023, HUAIAN.template, HUAIAN.cells), "hz2023.txt")
        _add(store, F.Report("淮安市洪泽区人民政府", 2024, HUAIAN.template, HUAIAN.cells), "hz2024.txt")
        html = F.html(F.Report("淮安市洪泽区人民政府", 2024, HUAIAN.template, HUAIAN.cells)).encode("utf-8")
        _add(store, HUAIAN, "hz2024.html", html)
        damaged = _add(store, F.Report("兴安区人民政府", 2023, HUAIAN.template, {**HUAIAN.cells, CULPRIT: wrong}), "xa2023-damaged.txt")
        _add(store, F.Report("兴安区人民政府", 2023, HUAIAN.template, {**HUAIAN.cells, "s2.licensing.decisions": 7}), "xa2023.txt")
        corrected = _add(store, F.Report("兴安区人民政府", 2022, HUAIAN.template, {**HUAIAN.cells, CULPRIT: wrong}), "xa2022.txt")
        store.resolve(corrected.sha256, cells={CULPRIT: HUAIAN.cells[CULPRIT]}, reviewer="li")
        accepted = _add(store, F.Report("兴安区人民政府", 2024, HUAIAN.template, {**HUAIAN.cells, CULPRIT: wrong}), "xa2024.txt")
        store.resolve(accepted.sha256, accept=True, note="the source does not add up", reviewer="wang")
        assert damaged.current.status == "needs_review"
    return path


def test_the_chosen_document_follows_the_rules_in_order():
    def c(status: str, human: bool, result_id: int) -> Candidate:
        return Candidate(f"{result_id:064d}", "p", 2024, "2021", status, "", None, human, result_id)

    cases = [
        ([c("needs_review", True, 9), c("verified", False, 1)], 1),  # verified over needs_review
        ([c("verified", False, 9), c("verified", True, 1)], 1),  # a person's word over none
        ([c("verified", False, 1), c("verified", False, 9)], 9),  # then the latest run
        ([c("needs_review", False, 1), c("needs_review", True, 2)], 2),
    ]
    for candidates, expected in cases:
        assert min(candidates, key=Candidate.rank).result_id == expected


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "jsonl"])
def test_the_panel_read_back_is_the_store(store_path, tmp_path, fmt):
    out = tmp_path / f"panel.{fmt}"
    done = CliRunner().invoke(cli, ["export", "--db", str(store_path), "--panel", "--format", fmt, "-o", str(out)])
    assert done.exit_code == 0, done.output
    rows = read_back(out, fmt)
    assert list(rows[0]) == list(COLUMNS)
    with Store(store_path, read_only=True) as store:
        organs = {n.name: o for o in store.list_organs() for n in o.names}
        docs = {
            sha: (path, organ, year, status)
            for sha, path, organ, year, status in store.db.execute("SELECT sha256, path, organ, year, status FROM current_results")
        }
        by_year: dict[tuple[str, str], set[str]] = {}
        for row in rows:
            by_year.setdefault((row["organ_id"], row["year"]), set()).add(row["sha256"])
        # One document per organ-year, and every organ-year of the store is there.
        assert all(len(shas) == 1 for shas in by_year.values())
        expected = {(organs[organ].organ_id, str(year)) for _, organ, year, _ in docs.values()}
        assert set(by_year) == expected
        # 洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024): one organ, under its fullest name.
        hz = organs["洪泽区人民政府"]
        assert hz is organs["淮安市洪泽区人民政府"] or hz.organ_id == organs["淮安市洪泽区人民政府"].organ_id
        assert {(r["organ"], r["year"]) for r in rows if r["organ_id"] == hz.organ_id} == {("淮安市洪泽区人民政府", "2023"), ("淮安市洪泽区人民政府", "2024")}
        for (organ_id, year), (sha,) in by_year.items():
            mine = [r for r in rows if r["sha256"] == sha]
            cells = {c.key: c for c in store.current_cells(sha)}
            assert [r["metric"] for r in mine] == [k for k in FIELD if k in cells]
            for r in mine:
                cell = cells[r["metric"]]
                assert (r["value"] and float(r["value"]), r["state"]) == (_text(cell.value) and float(cell.value), cell.state)
                assert r["corrected"] in (str(cell.corrected), str(cell.corrected).lower(), str(int(cell.corrected)))
                assert r["source"] == docs[sha][0] and r["status"] == docs[sha][3]
            others = {s for s, (_, organ, y, _) in docs.items() if organs[organ].organ_id == organ_id and str(y) == year} - {sha}
            named = mine[0]["duplicates"] or ""
            assert {s for s in others if s[:12] in named} == others
    hz2024 = {r["source"] for r in rows if r["organ_id"] == hz.organ_id and r["year"] == "2024"}
    assert len(hz2024) == 1  # the .txt or the .html, the other in duplicates
    xa = {r["year"]: r for r in rows if r["organ"] == "兴安区人民政府" and r["metric"] == CULPRIT}
    # The clean 2023 copy over the damaged one; 2022 corrected by li; 2024 accepted by wang.
    assert (xa["2023"]["source"], xa["2023"]["review"], xa["2023"]["status"]) == ("xa2023.txt", None, "verified")
    assert "xa2023-damaged.txt" in xa["2023"]["duplicates"]
    assert (xa["2022"]["review"], xa["2022"]["reviewer"], xa["2022"]["value"] and float(xa["2022"]["value"])) == (
        "corrected", "li", float(HUAIAN.cells[CULPRIT])
    )  # fmt: skip
    assert (xa["2024"]["review"], xa["2024"]["reviewer"], xa["2024"]["status"]) == ("accepted as printed", "wang", "needs_review")


def test_a_split_organ_is_two_organs_in_the_panel(store_path, tmp_path):
    copy = tmp_path / "r.sqlite"
    copy.write_bytes(store_path.read_bytes())
    with Store(copy) as store:
        store.split_organ("洪泽区人民政府", by="li")
    out = tmp_path / "panel.csv"
    assert CliRunner().invoke(cli, ["export", "--db", str(copy), "--panel", "--format", "csv", "-o", str(out)]).exit_code == 0
    organs = {(r["organ"], r["year"]) for r in read_back(out, "csv") if "洪泽区" in r["organ"]}
    assert organs == {("洪泽区人民政府", "2023"), ("淮安市洪泽区人民政府", "2024")}


def test_the_codebook_names_every_metric_and_what_continues_across_templates(tmp_path):
    out = tmp_path / "codebook.csv"
    done = CliRunner().invoke(cli, ["export", "--codebook", "--format", "csv", "-o", str(out)])
    assert done.exit_code == 0, done.output
    rows = {r["metric"]: r for r in read_back(out, "csv")}
    assert list(rows) == list(FIELD)
    for key, f in FIELD.items():
        r = rows[key]
        assert r["templates"] == " ".join(f.templates) and r["why"]
        assert (r["label_2019"] is not None) == ("2019" in f.templates) and (r["label_2021"] is not None) == ("2021" in f.templates)
        # Only a metric both templates print can mean the same in both.
        assert (r["across_templates"] == "same") <= (len(f.templates) == 2)
    assert rows["s2.licensing.decisions"]["across_templates"] == "same"
    assert rows["s2.fees.prev_count"]["across_templates"] == "2019 only" and "money" in rows["s2.fees.prev_count"]["why"]
    assert rows["s2.fees.amount_wan"]["unit"] == "万元" and rows["s2.procurement.amount_wan"]["unit"].startswith("万元 (assumed")
    assert rows["s3.other.total"]["compare_with"] == "s3.other_overdue_correction.total + s3.other_overdue_fee.total + s3.other_other.total"
    assert rows["s2.normative_docs.total_published"]["across_templates"] == "2019 only"
    assert "现行有效件数" in rows["s2.normative_docs.total_published"]["why"]
    # As many metrics as the dictionary, 2019-only and 2021-only as it prints them.
    assert sum(r["across_templates"] == "2019 only" for r in rows.values()) == sum(f.templates == ("2019",) for f in FIELD.values())
    assert list(codebook_rows()) and len(list(codebook_rows())) == len(FIELD)


def test_a_panel_needs_a_store_and_is_not_wide(tmp_path):
    runner = CliRunner()
    no_db = runner.invoke(cli, ["export", "--panel", "--format", "csv", "-o", str(tmp_path / "p.csv")])
    assert no_db.exit_code == 2 and "--db" in no_db.output
    wide = runner.invoke(cli, ["export", "--codebook", "--wide", "--format", "csv", "-o", str(tmp_path / "c.csv")])
    assert wide.exit_code == 2 and "--wide" in wide.output
    assert not list(tmp_path.iterdir())
