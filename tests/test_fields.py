"""The field dictionary (verify/fields.py) against the specification it transcribes (docs/SPEC.md §8.2),
and the label patterns the readers match (extractor/labels.py) against the dictionary's labels."""

from __future__ import annotations

import re

import pytest

from extractor.labels import S2_COLUMNS, S2_ROWS, S3_LABEL, S3_LABELS
from extractor.normalize import compact
from verify.fields import FIELD, FIELDS, S3_ALL_ROWS, S3_ROW_LABELS, label
from verify.layout import s2_keys, s3_keys, s4_keys

from .conftest import ROOT

SPEC = (ROOT / "docs" / "SPEC.md").read_text(encoding="utf-8")
_SECTION = SPEC[SPEC.index("### 8.2 Keys") : SPEC.index("### 8.3")]


def _table_rows(caption: str) -> list[list[str]]:
    """The body rows of the markdown table after a caption in §8.2, as lists of cells."""
    start = _SECTION.index(caption)
    rows = []
    for line in _SECTION[start:].splitlines()[1:]:
        if rows and not line.startswith("|"):
            break
        if line.startswith("|") and not line.startswith("|---") and not line.startswith("| key") and not line.startswith("| row key"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def _spec_s2(template: str) -> list[tuple[str, str, str, str]]:
    """(key, row label, column label, type) for every table-二 key the spec lists for a template."""
    out: list[tuple[str, str, str, str]] = []
    column_of: dict[str, str] = {}  # a field's column label and type, for the rows that say "as above"
    kind_of: dict[str, str] = {}
    for keys_cell, row_label, column_cell, kind in _table_rows(f"**Table 二, template {template}**"):
        first, *more = [k.strip() for k in keys_cell.split(" / ")]
        prefix = first.rsplit(".", 1)[0]
        keys = [first] + [prefix + k for k in more]
        fields = tuple(k.rsplit(".", 1)[1] for k in keys)
        if column_cell in ("as above", "same"):
            columns = [column_of[f] for f in fields]
        else:
            columns = [c.strip() for c in column_cell.split(" / ")]
            for f, c in zip(fields, columns, strict=True):
                column_of.setdefault(f, c)
        kinds = [kind_of[f] for f in fields] if kind == "as above" else [kind] * len(fields)
        for f, k in zip(fields, kinds):
            kind_of.setdefault(f, k)
        out += [(k, row_label, c, t) for k, c, t in zip(keys, columns, kinds, strict=True)]
    return out


@pytest.mark.parametrize("template,count", [("2019", 22), ("2021", 10)])
def test_table_two_keys_and_labels_are_the_specs(template, count):
    spec = _spec_s2(template)
    assert len(spec) == count == len(s2_keys(template))
    assert [k for k, *_ in spec] == list(s2_keys(template))
    for key, row, column, kind in spec:
        field = FIELD[key]
        assert field.labels(template) == (row, column), key
        assert template in field.templates
        expected = "signed" if "may be < 0" in kind else "money" if "decimal" in kind else "count"
        assert field.value_type == expected, key


def test_table_three_rows_labels_and_templates_are_the_specs():
    rows = _table_rows("Rows (`row`), in printed order:")
    assert [r[0] for r in rows] == list(S3_ALL_ROWS)
    for row, printed, templates in rows:
        leaf = re.sub(r"\s*\(single data row\)$", "", printed.split(" / ")[-1])
        assert S3_ROW_LABELS[row] == leaf, row
        want = {"both": ("2019", "2021"), "**2019 only**": ("2019",), "**2021 only**": ("2021",)}[templates]
        assert FIELD[f"s3.{row}.total"].templates == want, row
    assert (len(s3_keys("2019")), len(s3_keys("2021"))) == (23 * 7, 25 * 7)


def test_every_key_of_every_layout_is_a_field_and_in_order():
    keys = [f.key for f in FIELDS]
    assert len(keys) == len(set(keys))
    for layout_keys in (s2_keys("2019"), s2_keys("2021"), s3_keys("2019"), s3_keys("2021"), s4_keys()):
        assert set(layout_keys) <= set(keys)
        positions = [keys.index(k) for k in layout_keys]
        assert positions == sorted(positions), "a layout's keys follow the dictionary's order"
    assert len(s4_keys()) == 15


@pytest.mark.parametrize(
    "key,template,shown",
    [
        ("s2.normative_docs.issued", "2021", "二 行政规范性文件 / 本年制发件数"),
        ("s2.normative_docs.new_made", "2019", "二 规范性文件 / 本年新制作数量"),
        ("s2.licensing.decisions", "2021", "二 行政许可 / 本年处理决定数量"),
        ("s2.licensing.decisions", "2019", "二 行政许可 / 处理决定数量"),
        ("s3.carried_forward.total", None, "三 四、结转下年度继续办理 / 总计"),
        ("s4.suit_after_review.pending", None, "四 复议后起诉 / 尚未审结"),
        ("s9.nonsense.key", None, "s9 nonsense / key"),
    ],
)
def test_label(key, template, shown):
    got = label(key, template)
    assert f"{got.table} {got}" == shown


# --- The readers' label patterns, against the dictionary --------------------------------------


def test_every_table_three_row_has_a_pattern_that_matches_its_printed_label():
    assert [lab.row for lab in S3_LABELS] == list(S3_ALL_ROWS)
    for row in S3_ALL_ROWS:
        lab = S3_LABEL[row]
        assert lab.pattern.search(compact(S3_ROW_LABELS[row])), row
        if lab.leaf is not None:
            assert compact(S3_ROW_LABELS[row]).startswith(f"{lab.leaf}."), row


def test_every_table_two_row_and_column_label_is_matched_by_its_pattern():
    rows = dict(S2_ROWS)
    columns = {(field, template): re.compile(p) for p, field, template in S2_COLUMNS}
    for f in (f for f in FIELDS if f.table == "s2"):
        assert f.row in rows, f.row
        for template, row_label, column_label in f.printed:
            assert rows[f.row].search(compact(row_label)), (f.key, template)
            assert columns[(f.column, template)].search(compact(column_label)), (f.key, template, column_label)
