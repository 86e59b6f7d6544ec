"""What the prose says (extract/prose.py): each clause that restates a table quantity, and only those.

Table-driven: a sentence placed before a report's tables, and the statements that must come of
it. The golden reports' own sentences are checked against their hand-checked cells.
"""

from __future__ import annotations

import json

import pytest

from extractor.extract.prose import read_prose
from extractor.load import load, load_bytes
from extractor.locate import locate

from .conftest import DOCS, ROOT

SEED = (DOCS / "004_f8b21749840a51ab.txt").read_text(encoding="utf-8")  # a 2021 report whose prose states nothing


def statements(sentence: str) -> list[tuple[tuple[str, ...], float]]:
    """The statements read from a sentence put just before the tables of a 2021 report."""
    at = SEED.index("二、主动公开政府信息情况")
    text = SEED[:at] + sentence + "\n" + SEED[at:]
    return [(s.keys, s.value) for s in read_prose(locate(load_bytes("r.txt", text.encode("utf-8"))))]


DENIED = tuple(f"s3.denied_{r}.total" for r in ("state_secret", "law_forbidden", "three_safety", "third_party",
                                                 "internal_affairs", "process_info", "enforcement_file", "admin_query"))

CASES = [
    ("集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件。",
     [(("s2.normative_docs.in_force",), 698), (("s2.normative_docs.issued",), 88)]),
    ("本年度制发规范性文件12件，废止3件，现行有效45件。",  # the subject named once, for three clauses
     [(("s2.normative_docs.issued",), 12), (("s2.normative_docs.repealed",), 3), (("s2.normative_docs.in_force",), 45)]),
    ("全年共作出行政处罚决定1,330件，行政强制54件。",
     [(("s2.penalty.decisions",), 1330), (("s2.coercion.decisions",), 54)]),
    ("收取行政事业性收费5949.08万元。", [(("s2.fees.amount_wan",), 5949.08)]),
    ("全年收到政府信息公开申请34件，上年结转政府信息公开申请2件。",
     [(("s3.new_received.total",), 34), (("s3.carried_over.total",), 2)]),
    ("办结依申请公开81件，其中：不予公开5件，占6.17%；结转下年度继续办理3件。",
     [(("s3.results_total.total",), 81), (DENIED, 5), (("s3.carried_forward.total",), 3)]),
    ("因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。",
     [(("s4.review.total",), 2), (("s4.suit_direct.total", "s4.suit_after_review.total"), 7)]),
    # Another scope, or nothing of the tables: no statement.
    ("予以公开及部分公开42件。", []),
    ("共受理申请120件（含上年结转申请4件）。", [(("s3.carried_over.total",), 4)]),
    ("全年主动公开政府信息13561条，发布政策解读117篇，开展季度通报3次。", []),
    ("所有办结的申请中同意公开答复9件。", []),
    ("行政复议维持2件。", []),
    ("2023年，本机关注销2个政务新媒体。", []),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:16] for c in CASES])
def test_a_clause_states_a_table_quantity(sentence, expected):
    assert statements(sentence) == expected


def test_the_tables_themselves_are_not_prose():
    """004's tables print hundreds of numbers; its prose states none of them."""
    assert read_prose(locate(load(DOCS / "004_f8b21749840a51ab.txt"))) == []


@pytest.mark.parametrize("name", ["01_huaian_shi_2024", "05_pingtan_2023", "10_shanghai_kewei_2024"])
def test_the_golden_reports_prose_agrees_with_their_cells_where_the_scope_is_the_same(name):
    """Every statement read from a real report names the cells its clause means: where the
    report and its golden agree the sums match, and the two known mismatches are the source's."""
    golden = json.loads((ROOT / "golden" / "expected" / f"{name}.json").read_text(encoding="utf-8"))
    path = next(DOCS.glob(f"{name}.*"))
    mismatches = []
    for s in read_prose(locate(load(path))):
        values = [golden["cells"][k] for k in s.keys]
        total = None if None in values else sum(values)
        if total != s.value:
            mismatches.append((s.keys[0], s.value, total))
        assert s.loc is not None
    known = {
        # "全市共受理政府信息公开申请3119件，含上年度结转申请34件": whether 3119 includes the 34 the
        # sentence does not say (here it does not), so no statement is read of it.
        # "清理并集中发布现行有效行政规范性文件393件" while the table prints 470 (the golden's note)
        "05_pingtan_2023": [("s2.normative_docs.in_force", 393, 470)],
        # "转下一年度办理答复的有1件" where the table leaves 总计 blank
        "10_shanghai_kewei_2024": [("s3.carried_forward.total", 1, None)],
    }
    assert mismatches == known.get(name, [])
