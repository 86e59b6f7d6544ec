"""The table-二 blind spot: how often a strategy catches a wrong number printed in table 二.

    OPENAI_BASE_URL=... EXTRACTOR_MODEL=... python benchmarks/blind_spot.py [--documents 10]
        [--strategy cross-check] [--renderer tab_rows] [--seed 0]

No identity covers table 二 (SPEC §5.1), so a misprint there (an OCR digit confusion or a wrong
count, tests/synth/damage.py) passes every check of the rules. Each generated document with
such a misprint is read twice, by the rules alone and by `--strategy`, and so is its clean twin
(the same report without the misprint), because a strategy that sends every document to review
"catches" every misprint too: the figure that matters is catches beside false alarms.

A misprint is caught when the document is not verified; it is named when a reason that holds
the document back names the misprinted cell (a `fallback` lists every cell where a set-aside
reading differed, and holds nothing back). The LLM's answers are cached (EXTRACTOR_CACHE_DIR), so a twin's tables 三 and 四,
which are the same text, are asked once. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the generator lives with the tests

from extractor.models import Result  # noqa: E402
from extractor.options import RULES_ONLY, Options, available_strategies, options_for  # noqa: E402
from extractor.pipeline import extract_bytes  # noqa: E402
from tests.synth import RENDERERS, RandomDraw  # noqa: E402
from tests.synth.case import Case, make_case  # noqa: E402


def misprinted(n: int, renderer: str, seed: int) -> Iterator[tuple[Case, Case]]:
    """`n` documents with one wrong number in table 二 that the format leaves unambiguous, each
    with its clean twin (the same draw without damage)."""
    found, i = 0, 0
    while found < n:
        draw = seed * 1_000_003 + i
        i += 1
        kind = ("ocr", "arithmetic")[i % 2]
        case = make_case(RandomDraw(draw), renderer, kind, mixed=False, subtotal=False)
        if case.damage.table != "s2" or case.expected.open:
            continue
        twin = make_case(RandomDraw(draw), renderer, "none", mixed=False, subtotal=False)
        found += 1
        yield case, twin


@dataclass
class Tally:
    documents: int = 0
    not_verified: int = 0
    named: int = 0
    tokens: int = 0
    model_read: dict[str, int] = field(default_factory=dict)  # the misprinted cell, as the model read it

    def add(self, result: Result, case: Case | None) -> None:
        self.documents += 1
        self.not_verified += result.status != "verified"
        self.tokens += result.tokens or 0
        if case is None:
            return
        (key,) = case.damage.keys
        # A `fallback` names every cell where the set-aside reading differed; it holds nothing back.
        self.named += any(key in r.cells for r in result.reasons if r.code != "fallback")
        values = result.provenance[key].values if key in result.provenance else {}
        if "llm" in values:
            read = values["llm"]
            how = "as printed" if read == case.report.cells[key].value else "as meant" if read == case.report.truth[key] else "otherwise"
            self.model_read[how] = self.model_read.get(how, 0) + 1


def run(case: Case, options: Options) -> Result:
    return extract_bytes(case.rendered.name, case.rendered.data, options=options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10)
    parser.add_argument("--strategy", choices=available_strategies(), default="cross-check" if len(available_strategies()) > 1 else "rules")
    parser.add_argument("--renderer", choices=list(RENDERERS), default="tab_rows")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    options = options_for(args.strategy)
    methods = {"rules": RULES_ONLY, args.strategy: options}  # one entry when the strategy is the rules
    tallies = {(m, w): Tally() for m in methods for w in ("misprint", "clean")}
    for case, twin in misprinted(args.documents, args.renderer, args.seed):
        for method, opts in methods.items():
            damaged, clean = run(case, opts), run(twin, opts)
            tallies[(method, "misprint")].add(damaged, case)
            tallies[(method, "clean")].add(clean, None)
            print(f"{method:<12} {case.damage.detail:<60} misprint: {damaged.status:<13} clean twin: {clean.status}", flush=True)
    print()
    print(f"{args.documents} documents with a wrong number in table 二 ({args.renderer}), each beside its clean twin")
    print(f"{'':<14}{'caught':>8}{'named':>8}{'clean in review':>17}{'tokens/doc':>12}")
    for method in methods:
        m, c = tallies[(method, "misprint")], tallies[(method, "clean")]
        tokens = (m.tokens + c.tokens) / (m.documents + c.documents)
        read = ", ".join(f"{how} {n}" for how, n in sorted(m.model_read.items()))
        print(f"{method:<14}{m.not_verified:>5}/{m.documents:<2}{m.named:>5}/{m.documents:<2}{c.not_verified:>14}/{c.documents:<2}{tokens:>12.0f}  {read}")
    print("caught: not verified; named: a reason that holds the document back names the misprinted cell;")
    print("after the columns, how the model read the misprinted cell (as printed, as the organ meant, otherwise).")
    print("tokens/doc counts the model's usage; answers taken from the cache count none.")


if __name__ == "__main__":
    main()
