"""What a report's prose says of the quantities its tables hold (SPEC §5.5).

The narrative sections restate some table figures: "集中公开现行有效行政规范性文件698件，动态更新
本年度制发的规范性文件88件", "全年收到政府信息公开申请34件", "行政复议案件2件、行政诉讼案件7件".
Each such clause becomes a `Statement`: the cells it speaks of (their sum, for a phrase that
covers several), the number, and the clause as printed.

A statement is evidence, never a value: the verifier compares it with the table as a soft
check (prose often counts with another scope), and reconcile uses it only to choose among the
readings of digits the table prints run together, when exactly one reading agrees with it.

Only the text outside the three tables' zones is read. A clause is the text between two of
"，。；：、" or line ends; the subject of a table-二 clause (规章, 规范性文件, 行政许可 …) may be
named earlier in the same sentence ("制发规范性文件88件，废止5件").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..load.document import Location
from ..locate import Located

# A number the prose gives a quantity with: a count in 件/项/个/次, or an amount in 万元.
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(件|项|个|次|万元)")
_CLAUSE_END = re.compile(r"[,。;:、!?()（）]")
# "共受理X件（含上年结转Y件）": X may be new and carried together (SPEC §5.5), or new alone.
_INCLUDES_CARRIED = re.compile(r"[,(]?(?:其中)?含[^,。;]{0,8}结转")
_SENTENCE_END = re.compile(r"[。;!?]")

# Table 二, by the subject named in the sentence: (subject, [(cue in the clause, field)]).
_S2_SUBJECTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("regulations", re.compile(r"规章")),
    ("normative_docs", re.compile(r"规范性文件")),
    ("licensing", re.compile(r"行政许可")),
    ("penalty", re.compile(r"行政处罚")),
    ("coercion", re.compile(r"行政强制")),
    ("fees", re.compile(r"行政事业性收费")),
)
_S2_FIELDS: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "documents": (
        (re.compile(r"现行有效"), "in_force"),
        (re.compile(r"废止|宣布失效"), "repealed"),
        (re.compile(r"制发|印发|出台|新制定|制定"), "issued"),
    ),
    "decisions": ((re.compile(r"决定|办理|办结|作出|实施"), "decisions"),),
    "fees": ((re.compile(r"收费|收取"), "amount_wan"),),
}
_S2_KIND = {
    "regulations": "documents",
    "normative_docs": "documents",
    "licensing": "decisions",
    "penalty": "decisions",
    "coercion": "decisions",
    "fees": "fees",
}

# Tables 三 and 四 (SPEC §5.5's phrases): a cue in the clause, the cells it sums, and words that
# mean another scope ("予以公开及部分公开" is two rows).
_S34: tuple[tuple[re.Pattern[str], tuple[str, ...], re.Pattern[str] | None], ...] = (
    (re.compile(r"上一?年度?结转"), ("s3.carried_over.total",), None),
    (re.compile(r"结转下一?年度|转下一?年度|顺延至?下一?年度"), ("s3.carried_forward.total",), None),
    (re.compile(r"(?:收到|新收|受理|接收)[^,。;]{0,30}申请"), ("s3.new_received.total",), re.compile(r"含|结转")),
    (re.compile(r"办结"), ("s3.results_total.total",), re.compile(r"予以|不予|无法|部分|其他|同意|答复")),
    (re.compile(r"予以公开"), ("s3.granted.total",), re.compile(r"部分公开|不予公开|及")),
    (re.compile(r"不予公开"), tuple(f"s3.denied_{r}.total" for r in (
        "state_secret", "law_forbidden", "three_safety", "third_party", "internal_affairs",
        "process_info", "enforcement_file", "admin_query")), None),
    (re.compile(r"行政复议"), ("s4.review.total",), re.compile(r"诉讼|维持|纠正|审结")),
    (re.compile(r"行政诉讼"), ("s4.suit_direct.total", "s4.suit_after_review.total"), re.compile(r"复议|维持|纠正|审结")),
)


@dataclass(frozen=True)
class Statement:
    keys: tuple[str, ...]  # the cells whose sum the clause states
    value: int | float
    text: str  # the clause, as printed (compact form)
    loc: Location | None = None


def _prose_spans(located: Located) -> list[tuple[int, int]]:
    """Compact ranges of the document outside the tables' zones."""
    stream = located.stream
    zones = sorted((stream.to_compact(z.start), stream.to_compact(z.end)) for z in located.zones.values() if z)
    spans, pos = [], 0
    for start, end in zones:
        if start > pos:
            spans.append((pos, start))
        pos = max(pos, end)
    if pos < len(stream.compact):
        spans.append((pos, len(stream.compact)))
    return spans


def _value(integer: str, fraction: str | None) -> int | float:
    digits = integer.replace(",", "")
    return float(digits + fraction) if fraction else int(digits)


def _clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause holding `pos` starts: after the last clause mark before it."""
    for i in range(pos - 1, floor - 1, -1):
        if _CLAUSE_END.match(text, i):
            return i + 1
    return floor


def _sentence_start(text: str, pos: int, floor: int) -> int:
    for i in range(pos - 1, floor - 1, -1):
        if _SENTENCE_END.match(text, i):
            return i + 1
    return floor


def _table_two(sentence: str, clause: str, unit: str, layout: str | None) -> tuple[str, ...] | None:
    if layout not in ("2021", "mixed"):
        return None  # 2019's blocks (新制作, 新公开, 对外公开总数) are not restated in prose reliably
    subject = None
    best = -1
    for row, pattern in _S2_SUBJECTS:
        for m in pattern.finditer(sentence):
            if m.start() > best:
                best, subject = m.start(), row
    if subject is None:
        return None
    kind = _S2_KIND[subject]
    if (kind == "fees") != (unit == "万元"):
        return None
    fields = [f for cue, f in _S2_FIELDS[kind] if cue.search(clause)]
    if kind == "decisions" and dict(_S2_SUBJECTS)[subject].search(clause):
        fields = ["decisions"]  # "行政处罚1330件": the subject alone counts the decisions
    if len(fields) != 1:
        return None
    return (f"s2.{subject}.{fields[0]}",)


def _tables_three_four(clause: str) -> tuple[str, ...] | None:
    found = [keys for cue, keys, other in _S34 if cue.search(clause) and not (other and other.search(clause))]
    return found[0] if len(found) == 1 else None


def read_prose(located: Located) -> list[Statement]:
    """Every clause outside the tables that states one table quantity, in reading order."""
    stream = located.stream
    text = stream.compact
    layout = located.layouts["s2"].layout
    out: list[Statement] = []
    for lo, hi in _prose_spans(located):
        for m in _NUMBER.finditer(text, lo, hi):
            if m.end() < hi and text[m.end()] == "%":
                continue
            clause_at = _clause_start(text, m.start(), lo)
            clause = text[clause_at : m.end()]
            sentence = text[_sentence_start(text, m.start(), lo) : m.end()]
            unit = m.group(3)
            keys = _tables_three_four(clause) if unit != "万元" else None
            if keys == ("s3.new_received.total",) and _INCLUDES_CARRIED.match(text, m.end(), hi):
                continue  # which scope the total has, the sentence does not say
            if keys is None:
                keys = _table_two(sentence, clause, unit, layout)
            if keys is None:
                continue
            loc = stream.locate(stream.to_text(m.start()), stream.to_text_end(m.end()))
            out.append(Statement(keys, _value(m.group(1), m.group(2)), clause, loc))
    return out
