"""A synthetic report: the numbers an organ meant, and the text it printed for each cell.

`random_report` draws the tables of either template so that every hard identity holds (H1–H4
by construction, H5 by type), with magnitudes of the organ's level: mostly zeros for a
township, tens for a county, hundreds to thousands for a city, the occasional signed
本年增/减 and amounts written in 万, 元 or bare. Now and then the document is of mixed template
(SPEC §4.3): a table 二 of one template beside a table 三 of the other, or a 2021 table 二 that
still prints the 2019 政府集中采购 block; its keys are those of the layouts printed.

Each cell keeps its printed form (`Printed`), so damage can change the text the way a
scanner or a typist would, and the value the document then shows follows from the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from verify.layout import S3_APPLICANT_COLUMNS, S4_COLUMNS, S4_GROUPS, s2_keys, s3_key, s3_rows, s4_key

from .draw import Draw

Number = int | float
LEVELS = ("township", "county", "city")
# Chance that a table-三 result cell is non-zero, and the most digits it has, per level.
_S3_NONZERO = {"township": 0.06, "county": 0.2, "city": 0.45}
_S3_DIGITS = {"township": 1, "county": 2, "city": 3}
# Minus signs as printed: ASCII, U+2212, full-width (SPEC V9).
MINUS_SIGNS = ("-", "\u2212", "\uff0d")


@dataclass(frozen=True)
class Printed:
    """The text of one numeric cell, and the value that text states.

    `form`: count | signed | bare (万元 by convention or header) | wan (万 written) | yuan (元 written)
    | blank (no value: `unit` holds the mark printed instead, "" or a placeholder such as "/").
    `digits` is the number as written without sign or unit ("1039.5771", "20097080").
    """

    form: str
    digits: str
    sign: str = ""
    unit: str = ""

    @classmethod
    def blank(cls, mark: str = "") -> Printed:
        return cls("blank", "", unit=mark)

    @property
    def text(self) -> str:
        return f"{self.sign}{self.digits}{self.unit}"

    @property
    def value(self) -> Number | None:
        if self.form == "blank":
            return None
        d = Decimal(self.digits)
        if self.sign and self.sign != "+":
            d = -d
        if self.form in ("count", "signed"):
            return int(d)
        if self.form == "yuan":
            d = d / 10000
        return float(d)

    def with_digits(self, digits: str) -> Printed:
        return replace(self, digits=digits)


@dataclass
class Report:
    template: str  # "2019" | "2021" | "mixed"
    level: str
    organ: str
    year: int
    cells: dict[str, Printed]  # as printed (after any damage), in the dictionary's order
    truth: dict[str, Number | None] = field(default_factory=dict)  # what the organ meant
    # The layout each table prints: "2019" | "2021", and for table 二 also "hybrid" (2021
    # blocks plus the 2019 政府集中采购 block). Unset: the template's.
    s2_layout: str = ""
    s3_layout: str = ""

    def __post_init__(self) -> None:
        self.s2_layout = self.s2_layout or self.template
        self.s3_layout = self.s3_layout or self.template

    def printed_values(self) -> dict[str, Number | None]:
        return {k: p.value for k, p in self.cells.items()}


# --- names ---------------------------------------------------------------------------------------

_PLACES = ("郭巨", "西岗", "兴安", "团山子", "龙山", "平潭", "青云", "白沙", "东湖", "柳河", "金川", "石门", "长岭")
_ORGANS = {
    "township": ("{p}街道办事处", "{p}镇人民政府", "{p}乡人民政府"),
    "county": ("{p}县人民政府", "{p}区人民政府办公室", "{p}县教育局"),
    "city": ("{p}市人民政府", "{p}市科学技术局", "{p}市自然资源和规划局"),
}


def _organ(d: Draw, level: str) -> str:
    return d.choice(_ORGANS[level]).format(p=d.choice(_PLACES))


# --- numbers -------------------------------------------------------------------------------------


def _count(d: Draw, p_nonzero: float, digits: int) -> int:
    if not d.chance(p_nonzero):
        return 0
    n = d.integer(1, digits)
    return d.integer(10 ** (n - 1), 10**n - 1)


def count(v: int) -> Printed:
    return Printed("count", str(v))


def _signed(d: Draw, level: str, prev: int) -> Printed:
    """本年增/减 of a list of `prev` items; it cannot take the list below zero (SPEC P2)."""
    if not d.chance({"township": 0.1, "county": 0.3, "city": 0.5}[level]):
        return Printed("signed", "0")
    v = d.integer(1, {"township": 3, "county": 20, "city": 200}[level])
    return _change(d, v, prev)


def _change(d: Draw, v: int, prev: int) -> Printed:
    if d.chance(0.5):
        minus = d.choice(MINUS_SIGNS)
        return Printed("signed", str(v), sign=minus if v <= prev else "")
    return Printed("signed", str(v), sign=d.choice(("", "+")))


# Orders of magnitude (log10) of an organ's lists of items and of its decisions, per level.
_ITEM_SCALE = {"township": (0.3, 1.5), "county": (1.0, 2.6), "city": (1.8, 3.6)}


def _around(d: Draw, scale: float, spread: float) -> int:
    """A count within `spread` orders of magnitude of 10**scale (log-uniform)."""
    step = d.integer(-round(spread * 100), round(spread * 100)) / 100
    return max(1, round(10 ** (scale + step)))


def _items_2019(d: Draw, level: str) -> dict[str, Printed]:
    """The rows of 上一年项目数量 · 本年增/减 · 处理决定数量 as real 2019 tables print them: one
    organ's counts of one scale, a list that often stays as it was and otherwise changes by a
    few items up to about as many as it had (a rebuilt list), decisions of the same scale."""
    lo, hi = _ITEM_SCALE[level]
    scale = d.integer(round(lo * 100), round(hi * 100)) / 100
    out: dict[str, Printed] = {}
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        prev = 0 if d.chance(0.1) else _around(d, scale, 0.6)
        change = Printed("signed", "0")
        if d.chance(0.6):
            share = d.integer(-230, 10) / 100  # 0.5% to 125% of the list
            change = _change(d, max(1, round(max(prev, 1) * 10**share)), prev)
        out[f"s2.{row}.prev_count"] = count(prev)
        out[f"s2.{row}.change"] = change
        if row != "fees":
            out[f"s2.{row}.decisions"] = count(0 if d.chance(0.15) else _around(d, scale, 0.8))
    projects = 0 if d.chance(0.2) else _around(d, scale - 0.5, 0.6)
    out["s2.procurement.projects"] = count(projects)
    out["s2.procurement.amount_wan"] = _spend(d, projects)
    return out


def _spend(d: Draw, projects: int) -> Printed:
    """采购总金额 of real reports: some 10万 to 200万元 a project (the golden reports: 11万 to 66万)."""
    if projects == 0:
        return Printed("bare", "0")
    yuan = projects * 10 ** (d.integer(450, 630) / 100)
    form = d.choice(("bare", "wan", "yuan"))
    if form == "yuan":
        places = d.integer(0, 2)
        return Printed("yuan", f"{yuan:.{places}f}", unit=d.choice(("元", " 元")))
    places = d.integer(0, 4)
    wan = f"{yuan / 10000:.{places}f}"
    if "." in wan:
        wan = wan.rstrip("0").rstrip(".")
    return Printed(form, wan, unit="" if form == "bare" else d.choice(("万", "万元")))


def _decimal(d: Draw, whole_digits: int, max_places: int) -> str:
    whole = _count(d, 1.0, whole_digits)
    places = d.integer(0, max_places)
    if places == 0:
        return str(whole)
    frac = str(d.integer(0, 10**places - 1)).rjust(places, "0").rstrip("0")
    return f"{whole}.{frac}" if frac else str(whole)


def _procurement_amount(d: Draw, projects: int, level: str) -> Printed:
    """采购总金额 has no printed unit (SPEC §2.1): bare (万元 by convention), 万, or 元."""
    if projects == 0:
        return Printed("bare", "0")
    form = d.choice(("bare", "wan", "yuan"))
    digits = {"township": 3, "county": 4, "city": 5}[level]
    if form == "yuan":
        yuan = _decimal(d, digits + 4, 2)
        return Printed("yuan", yuan, unit=d.choice(("元", " 元")))
    amount = _decimal(d, digits, 4)
    return Printed(form, amount, unit="" if form == "bare" else d.choice(("万", "万元")))


def _s2_2019(d: Draw, level: str) -> dict[str, Printed]:
    big = {"township": 1, "county": 3, "city": 5}[level]
    out: dict[str, Printed] = {}
    for row in ("regulations", "normative_docs"):
        can_make = row == "normative_docs" or level == "city"  # spec P4: 规章 only from cities up
        made = _count(d, 0.3 if can_make else 0.0, 2)
        published = d.integer(0, made)
        total = published + _count(d, 0.4 if can_make else 0.0, 3)
        out |= {f"s2.{row}.new_made": count(made), f"s2.{row}.new_published": count(published)}
        out[f"s2.{row}.total_published"] = count(total)
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        prev = _count(d, 0.5, max(1, big - (row == "fees")))
        out[f"s2.{row}.prev_count"] = count(prev)
        out[f"s2.{row}.change"] = _signed(d, level, prev)
        if row != "fees":
            out[f"s2.{row}.decisions"] = count(_count(d, 0.5, big + 1))
    projects = _count(d, 0.5, big)
    out["s2.procurement.projects"] = count(projects)
    out["s2.procurement.amount_wan"] = _procurement_amount(d, projects, level)
    return out


def _s2_2021(d: Draw, level: str) -> dict[str, Printed]:
    big = {"township": 1, "county": 3, "city": 6}[level]
    out: dict[str, Printed] = {}
    for row in ("regulations", "normative_docs"):
        can_make = row == "normative_docs" or level == "city"
        issued = _count(d, 0.3 if can_make else 0.0, 2)
        out[f"s2.{row}.issued"] = count(issued)
        out[f"s2.{row}.repealed"] = count(_count(d, 0.2 if can_make else 0.0, 2))
        out[f"s2.{row}.in_force"] = count(issued + _count(d, 0.4 if can_make else 0.0, 3))
    for row in ("licensing", "penalty", "coercion"):
        out[f"s2.{row}.decisions"] = count(_count(d, 0.5, big))
    fees = _decimal(d, big, 6) if d.chance(0.3) else "0"
    out["s2.fees.amount_wan"] = Printed("bare", fees)
    return out


def _s3(d: Draw, template: str, level: str) -> dict[str, int]:
    """Leaves drawn; totals derived so that H1, H2 and H3 hold."""
    rows = s3_rows(template)
    leaves = rows[2:-2]
    p, digits = _S3_NONZERO[level], _S3_DIGITS[level]
    cells: dict[str, int] = {}
    results = dict.fromkeys(S3_APPLICANT_COLUMNS, 0)
    for row in leaves:
        for c in S3_APPLICANT_COLUMNS:
            v = _count(d, p if c == "natural" else p / 4, digits)
            cells[s3_key(row, c)] = v
            results[c] += v
    for c in S3_APPLICANT_COLUMNS:
        forward = _count(d, p / 2 if c == "natural" else p / 8, digits)
        over = d.integer(0, min(results[c] + forward, 10**digits)) if d.chance(p) else 0
        cells[s3_key("results_total", c)] = results[c]
        cells[s3_key("carried_forward", c)] = forward
        cells[s3_key("carried_over", c)] = over
        cells[s3_key("new_received", c)] = results[c] + forward - over
    for row in rows:
        cells[s3_key(row, "total")] = sum(cells[s3_key(row, c)] for c in S3_APPLICANT_COLUMNS)
    return {s3_key(r, c): cells[s3_key(r, c)] for r in rows for c in (*S3_APPLICANT_COLUMNS, "total")}


def _s4(d: Draw, level: str) -> dict[str, int]:
    p = {"township": 0.05, "county": 0.25, "city": 0.5}[level]
    digits = {"township": 1, "county": 1, "city": 2}[level]
    cells: dict[str, int] = {}
    for g in S4_GROUPS:
        parts = [_count(d, p, digits) for _ in S4_COLUMNS[:-1]]
        cells |= {s4_key(g, c): v for c, v in zip(S4_COLUMNS, parts)}
        cells[s4_key(g, "total")] = sum(parts)
    return cells


# The mixed layouts (SPEC §4.3), as (table 二, table 三): a 2021 report whose table 二 was copied
# from a 2019 one, a 2019 table 二 beside a 2021 table 三, and a 2021 table 二 that kept 采购.
MIXED = (("2019", "2021"), ("2021", "2019"), ("hybrid", "2021"))


def s2_layout_keys(layout: str) -> tuple[str, ...]:
    if layout == "hybrid":
        procurement = tuple(k for k in s2_keys("2019") if k.startswith("s2.procurement."))
        return (*s2_keys("2021"), *procurement)
    return s2_keys(layout)


def _s2(d: Draw, layout: str, level: str) -> dict[str, Printed]:
    if layout == "hybrid":
        procurement = {k: v for k, v in _s2_2019(d, level).items() if k.startswith("s2.procurement.")}
        return _s2_2021(d, level) | procurement
    return _s2_2019(d, level) if layout == "2019" else _s2_2021(d, level)


def random_report(d: Draw, mixed: bool | None = None, items: bool = False) -> Report:
    """`mixed`: True for a mixed-template document, False for none, None for now and then.
    `items`: a 2019 table 二 whose item rows have the magnitudes of real ones (`_items_2019`),
    beside a 2019 table 三 or, when mixed, a 2021 one."""
    if mixed is None:
        mixed = d.chance(0.08)
    if mixed:
        s2_layout, s3_layout = ("2019", "2021") if items else d.choice(MIXED)
        template = "mixed"
    else:
        template = "2019" if items else d.choice(("2021", "2019"))
        s2_layout = s3_layout = template
    level = d.choice(LEVELS)
    year = d.choice((2019, 2020)) if s3_layout == "2019" else d.integer(2021, 2024)
    s2 = _s2(d, s2_layout, level)
    if items:
        s2 |= _items_2019(d, level)
    s2 = {k: s2[k] for k in s2_layout_keys(s2_layout)}
    s3 = {k: count(v) for k, v in _s3(d, s3_layout, level).items()}
    cells = s2 | s3 | {k: count(v) for k, v in _s4(d, level).items()}
    report = Report(template, level, _organ(d, level), year, cells, s2_layout=s2_layout, s3_layout=s3_layout)
    report.truth = report.printed_values()
    return report
