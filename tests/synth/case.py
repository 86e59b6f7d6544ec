"""One generated test case: a report, how it was damaged and rendered, and what must come out.

`make_case` draws from any `Draw`: hypothesis in the property tests, a seeded Random in the
benchmarks. Besides the damage, a case may be of mixed template, carry a 小计 column in table
三, or (flattened from a paged source) page numbers inside table 三; each is drawn now and then,
or forced (True) or excluded (False). Table 三's leaf numbers lose their dot ("3其他") only
when asked for (`undotted`), and labels are damaged only when asked for (`label_noise`, the
characters damaged in each, tests/synth/noise.py). `problems` compares an extraction with the expectation
and lists what is wrong, in words; an empty list is a pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.models import Result

from .damage import KINDS, NONE, Damage, damage_document, damage_report
from .document import Document, build
from .draw import Draw
from .expect import Expected, expect
from .noise import label_noise as label_noise_of
from .noise import wrap_labels
from .render import Rendered, Renderer
from .renderers import ALL_RENDERERS, RENDERERS
from .report import Report, random_report

DAMAGES = ("none", *KINDS)
# The renderings where a row label may be broken over lines (`wraps`): the printed documents and
# their conversions, the numbers on the label's first, middle or last line.
WRAPPING = frozenset({"pdf", "pdf_unruled", "scanned", "html", "docx", "markdown"})


@dataclass
class Case:
    report: Report  # as printed, after any damage; `report.truth` is what the organ meant
    document: Document
    renderer: Renderer
    rendered: Rendered
    damage: Damage
    expected: Expected

    @property
    def variants(self) -> list[str]:
        r, doc = self.report, self.document
        out = [f"mixed ({r.s2_layout} 二, {r.s3_layout} 三)"] if r.template == "mixed" else []
        noise = [f"{doc.label_noise} characters damaged per label"] if doc.label_noise else []
        noise += [f"labels broken over lines, numbers at the {doc.wraps.lower()}"] if doc.wraps else []
        return out + ["小计 column"] * doc.subtotal + ["page numbers"] * doc.paged + ["leaf numbers undotted"] * doc.undotted + noise

    def __str__(self) -> str:
        r = self.report
        extra = "".join(f", {v}" for v in self.variants)
        return f"{self.renderer.name} {r.template} {r.level} {r.organ} {r.year}{extra}, damage {self.damage.kind} {self.damage.detail}"


def make_case(
    d: Draw,
    renderer: str | None = None,
    damage: str | None = None,
    *,
    mixed: bool | None = None,
    subtotal: bool | None = None,
    paged: bool | None = None,
    undotted: bool = False,
    label_noise: int = 0,
    wraps: bool = False,
) -> Case:
    chosen = ALL_RENDERERS[renderer] if renderer else d.choice(list(RENDERERS.values()))
    report = random_report(d, mixed, items=getattr(chosen, "items", False))
    kind = damage if damage is not None else d.choice(DAMAGES)
    if not chosen.keeps_cell_boundaries:
        # Cells written together: a number split in two prints as the same digits, a blank
        # leaves no trace, and the cuts of expect.py know the seven columns of the template.
        kind = "none" if kind in ("split", "blank") else kind
        subtotal = False
        undotted = False  # "…0 0 03其他": the leaf number is then one more digit of the row before
    report, hurt = damage_report(kind, report, d)
    doc = build(report, d, subtotal=subtotal, paged=paged, undotted=undotted)
    doc, reshaped = damage_document(kind, doc, d)
    hurt = reshaped if reshaped is not NONE else hurt
    doc = label_noise_of(doc, d, label_noise)
    if wraps and chosen.name in WRAPPING:
        doc = wrap_labels(doc, d)
    rendered = chosen.render(doc, d)
    expected = expect(report, rendered, hurt, chosen)
    if label_noise or (doc.wraps and not chosen.shows_empty_cells):
        # Rows read on damaged labels, or on labels whose lines a reading by lines interleaves
        # with the group labels beside them, verify only where identities vouch for them.
        expected.must_verify = False
    return Case(report, doc, chosen, rendered, hurt, expected)


_ABSENT = object()


def problems(case: Case, result: Result) -> list[str]:
    """Everything in `result` that a correct extraction of `case` would not do."""
    exp, report, out = case.expected, case.report, []
    if (result.organ, result.year, result.template) != (report.organ, report.year, report.template):
        out.append(f"title read as {(result.organ, result.year, result.template)}")
    cells = result.cells
    ambiguous = {k for k, p in result.provenance.items() if p.ambiguous}
    for k in sorted(exp.exact):
        got = cells.get(k, None if exp.cells[k] is None else _ABSENT)
        if got is _ABSENT or got != exp.cells[k] or (got is None) != (exp.cells[k] is None):
            out.append(f"{k}: read {cells.get(k, 'nothing')}, the document prints {exp.cells[k]}")
        elif k in exp.kinds and (k not in result.provenance or result.provenance[k].kind != exp.kinds[k]):
            kind = result.provenance[k].kind if k in result.provenance else "no provenance"
            out.append(f"{k}: a {exp.kinds[k]} cell read as {kind}")
    for k in sorted(exp.open):
        got = cells.get(k)
        if got is not None and got != exp.cells[k] and k not in ambiguous:
            out.append(f"{k}: undetermined by the format, read {got} (printed {exp.cells[k]}) without saying so")
    out += _choices_problems(case, result, ambiguous)
    verified = result.status == "verified"
    if verified:
        wrong = [k for k, v in exp.cells.items() if cells.get(k, _ABSENT) != v or (v is None) != (cells.get(k) is None)]
        extra = [k for k in cells if k not in exp.cells]
        if wrong or extra:
            out.append(f"FALSE ACCEPT: verified with {wrong + extra} not as printed")
    if exp.must_verify and not verified:
        out.append(f"not verified: {[(r.code, r.message) for r in result.reasons]}")
    if exp.must_not_verify:
        if verified:
            out.append("verified although the damage breaks an identity, the table's shape, or leaves a cell blank")
        named = {k for r in result.reasons for k in r.cells}
        if not named & (set(case.damage.keys) | exp.broken):
            out.append(f"the damage ({case.damage.detail}) is not named by any reason: {[r.message for r in result.reasons]}")
    if case.damage.kind == "none" and not case.document.label_noise and not case.document.wraps and not verified:
        stray = {k for r in result.reasons for k in r.cells} - exp.open
        if stray:
            out.append(f"reasons name cells the format determines: {sorted(stray)[:8]}")
    return out


def _choices_problems(case: Case, result: Result, ambiguous: set[str]) -> list[str]:
    """The readings offered as choices: the cells hold the chosen one, every cell marked
    ambiguous is among them, and where the damage left the table's arithmetic as the organ
    meant it, what the document prints is one of the readings."""
    out: list[str] = []
    offered: set[str] = set()
    for a in result.ambiguities:
        offered |= set(a.keys)
        held = [result.cells.get(k) for k in a.keys]
        if len(a.readings) < 2 or held != a.readings[a.chosen]:
            out.append(f"ambiguity over {a.keys[0]}…: the cells hold {held}, not reading {a.chosen} of {a.readings[:3]}")
        table = a.keys[0].split(".")[0]
        damaged = case.damage.table == table and (case.damage.changes_value or case.damage.kind == "drop_row")
        printed = [case.expected.cells.get(k) for k in a.keys]
        if not damaged and printed not in a.readings:
            out.append(f"ambiguity over {a.keys[0]}…: the printed reading {printed} is not among {a.readings[:4]}…")
    if ambiguous - offered:
        out.append(f"cells marked ambiguous with no readings to choose from: {sorted(ambiguous - offered)[:5]}")
    return out
