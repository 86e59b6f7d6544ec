"""Mixed-template documents (SPEC §4.3): each table is read with the keys of the layout it
prints, and a row that both templates print is still required when the table mixes them."""

from __future__ import annotations

import pytest

from extractor import extract_bytes

from .synth import RENDERERS, RandomDraw, build, random_report


def _mixed_report(s2_layout: str):
    for seed in range(500):
        d = RandomDraw(seed)
        report = random_report(d, mixed=True)
        if report.s2_layout == s2_layout:
            return report, d
    raise AssertionError(f"no {s2_layout} table 二 drawn")


def _without_s2_row(doc, name: str):
    grid = doc.grid("s2")
    (row,) = [r for r, n in grid.data_rows.items() if n == f"s2.{name}"]
    return doc.replace_grid(grid.without_row(row))


@pytest.mark.parametrize("renderer", ["tab_rows", "cell_lines", "html", "concatenated"])
@pytest.mark.parametrize("s2_layout", ["hybrid", "2019"])
def test_a_row_lost_from_a_mixed_table_two_is_named(renderer, s2_layout):
    report, d = _mixed_report(s2_layout)
    doc = _without_s2_row(build(report, d, subtotal=False, paged=False), "regulations")
    rendered = RENDERERS[renderer].render(doc, d)
    result = extract_bytes(rendered.name, rendered.data)
    lost = sorted(k for k in result.cells if k.startswith("s2.regulations."))
    assert lost and all(result.cells[k] is None for k in lost)
    assert result.status == "needs_review" and result.template == "mixed"
    named = {k for r in result.reasons if r.code == "cells_not_read" for k in r.cells}
    assert set(lost) <= named


@pytest.mark.parametrize("renderer", ["tab_rows", "html"])
def test_a_hybrid_table_two_is_read_with_the_union_of_its_blocks(renderer):
    report, d = _mixed_report("hybrid")
    rendered = RENDERERS[renderer].render(build(report, d, subtotal=False, paged=False), d)
    result = extract_bytes(rendered.name, rendered.data)
    s2 = {k: v for k, v in result.cells.items() if k.startswith("s2.")}
    assert s2 == {k: v for k, v in report.printed_values().items() if k.startswith("s2.")}
    assert "s2.procurement.projects" in s2 and "s2.regulations.issued" in s2
    assert result.template == "mixed" and result.status == "verified"
