"""Change or blank any one number of a seed's source: the verifier must name exactly that cell.

Each cell's provenance says where in the source it was printed; these tests rewrite the source
at that spot and extract again. They check the provenance too: a wrong location would change
the wrong number.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract_bytes, extract_file
from verify.layout import value_type

from .conftest import SEEDS

IDENTITY_RULES = ("H1", "H2", "H3", "H4")


def rewrite(source: str, location: dict, new_text: str) -> str:
    lines = source.splitlines(keepends=True)
    i = location["line"] - 1
    a, b = location["span"]
    lines[i] = lines[i][:a] + new_text + lines[i][b:]
    return "".join(lines)


def seed_cells(seed: Path, prefix: tuple[str, ...]):
    base = extract_file(seed)
    assert base.status == "verified"
    source = seed.read_text(encoding="utf-8")
    for key, value in base.cells.items():
        if key.startswith(prefix):
            yield base, source, key, value


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_changing_any_s3_or_s4_number_names_that_cell(seed):
    problems = []
    for base, source, key, value in seed_cells(seed, ("s3.", "s4.")):
        new = value + 3
        mutated = rewrite(source, base.provenance[key].location, str(new))
        result = extract_bytes(seed.name, mutated.encode("utf-8"))
        failing = [c for c in result.checks if c.status == "fail" and c.rule in IDENTITY_RULES]
        culprits = {c.cell: c.would_be for c in result.culprits}
        if result.cells.get(key) != new:
            problems.append(f"{key}: read {result.cells.get(key)} instead of {new}")
        elif not failing or any(key not in c.cells for c in failing):
            problems.append(f"{key}: failing checks {[c.check for c in failing]} do not all name it")
        elif culprits.get(key) != value:
            problems.append(f"{key}: culprits {culprits}")
        elif key.startswith("s3.") and list(culprits) != [key]:
            problems.append(f"{key}: a table-三 error should have exactly one culprit, got {culprits}")
        elif result.status != "needs_review":
            problems.append(f"{key}: status {result.status}")
        elif {k for k, v in result.cells.items() if v != base.cells[k]} != {key}:
            problems.append(f"{key}: other cells changed too")
    assert problems == []


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_changing_any_s2_number_is_read_as_printed(seed):
    """Table 二 has no identity (SPEC §5.1): a wrong number there can only be read faithfully."""
    problems = []
    for base, source, key, _ in seed_cells(seed, ("s2.",)):
        new = 7 if value_type(key) != "money" else 12.5
        mutated = rewrite(source, base.provenance[key].location, str(new))
        result = extract_bytes(seed.name, mutated.encode("utf-8"))
        if result.cells.get(key) != new:
            problems.append(f"{key}: read {result.cells.get(key)} instead of {new}")
        if any(c.status == "fail" and c.severity == "hard" for c in result.checks):
            problems.append(f"{key}: a hard check failed")
    assert problems == []


@pytest.mark.parametrize("seed", SEEDS, ids=[s.name for s in SEEDS])
def test_blanking_any_s3_or_s4_cell_makes_only_its_checks_not_assessable(seed):
    """…or, for a zero in an applicant column of table 三, makes them hold as zeros (SPEC §5.1):
    then, and only then, the document is still verified, the inference named."""
    problems = []
    for base, source, key, _ in seed_cells(seed, ("s3.", "s4.")):
        mutated = rewrite(source, base.provenance[key].location, "")
        result = extract_bytes(seed.name, mutated.encode("utf-8"))
        blank = {k for k, v in result.cells.items() if v is None}
        # Where the format loses which cell was emptied, its row's other cells may go blank too.
        as_zero = all(base.cells[k] == 0 and k.startswith("s3.") and not k.endswith(".total") for k in blank)
        identities = [c for c in result.checks if c.rule in IDENTITY_RULES]
        touching = {c.check for c in identities if blank & set(c.cells)}
        open_checks = {c.check for c in identities if c.status in ("not_assessable", "pass_if_blank_zero")}
        inferred = {c.check for c in identities if c.status == "pass_if_blank_zero"}
        if key not in blank:
            problems.append(f"{key}: still read as {result.cells[key]}")
        elif any(c.status == "fail" for c in identities):
            problems.append(f"{key}: {[c.check for c in identities if c.status == 'fail']} fail")
        elif open_checks != touching:
            problems.append(f"{key}: not assessable {sorted(open_checks)} vs touching {sorted(touching)}")
        elif (inferred == open_checks) != as_zero:
            problems.append(f"{key}: {sorted(inferred)} hold as zeros, of {sorted(open_checks)}")
        elif result.status != ("verified" if as_zero else "needs_review"):
            problems.append(f"{key}: status {result.status}")
        elif as_zero and [r.code for r in result.reasons] != ["blank_as_zero"]:
            problems.append(f"{key}: reasons {[r.code for r in result.reasons]}")
    assert problems == []


@pytest.mark.parametrize("seed", [s for s in SEEDS if not s.name.startswith("002")], ids=lambda s: s.name)
def test_a_blank_in_a_format_with_cell_boundaries_blanks_only_that_cell(seed):
    """Where empty cells survive (tab lines, markdown, tab rows), a blank stays one blank cell.

    (In 002, one cell per line with blank lines between, an emptied cell is indistinguishable
    from the separator: its whole row becomes unreadable, which the previous test covers.)
    """
    for base, source, key, _ in seed_cells(seed, ("s3.",)):
        mutated = rewrite(source, base.provenance[key].location, "")
        result = extract_bytes(seed.name, mutated.encode("utf-8"))
        assert {k for k, v in result.cells.items() if v is None} == {key}
        assert result.provenance[key].kind == "blank"
