"""Each hostile input, read by `extractor extract` in a subprocess: it ends as a failed document
with one line naming the limit that stopped it and the option that raises it (or, where no
limit is needed, reads as the small file it truly is), and the process stays far below what
the input would cost an unbounded reader.

The inputs are made at test time (`make`), a few of them smaller than the benchmark's where
making them is slow, never so small that a default limit would not be met.
"""

from __future__ import annotations

import json

import pytest

from extractor.limits import Limits

from . import make
from .measure import run

# Far below what each input cost before its limit existed (1.7 to 9 GB), and above what reading
# a real report takes (the OCR engine alone is about 150 MB).
PEAK_MB = 400

CASES = {
    "5 MB of lines": (lambda: make.text_lines(5), "chars"),
    "20 MB of Chinese, one line": (lambda: make.chinese_one_line(20), "chars"),
    "zip: 100 MB of lines": (lambda: make.zip_of_lines(100), "chars"),
    "zip: a member claiming 1 KB holding 256 MB": (lambda: make.zip_lying_member(0.25), None),
    "DOCX: 4 million paragraphs": (lambda: make.docx_bomb(4_000_000), "bytes"),
    "DOCX: a part claiming 1 KB holding 256 MB": (lambda: make.docx_lying_part(0.25), None),
    "PDF: a page of 14,400 pt to OCR": (make.pdf_huge_page, "pixels"),
    "PDF: 300 picture pages": (lambda: make.pdf_picture_pages(300), "pages"),
    "PDF: a page of 3 million characters": (lambda: make.pdf_dense_text(3_000_000), "chars"),
    "HTML: 2 million tags": (lambda: make.html_of_tags(2_000_000), "lines"),
    "HTML: cells spanning 10,000 × 10,000": (make.html_spans, "chars"),
    "PNG: 10,000 × 10,000 pixels": (lambda: make.png_huge(10_000), "pixels"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_hostile_input_fails_alone_within_bounds(case, tmp_path):
    maker, limit = CASES[case]
    name, data = maker()
    (tmp_path / name).write_bytes(data)
    done = run(["extract", name, "--json"], cwd=tmp_path)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert "Traceback" not in done.stderr and "internal error" not in done.stdout + done.stderr
    assert done.peak_mb < PEAK_MB, f"{case}: peak {done.peak_mb:.0f} MB"
    (result,) = [r for r in lines if r["source"]["path"].startswith(name)]
    if limit is None:  # read as the small file it truly is: bounded, whatever it then holds
        assert result["status"] in ("failed", "needs_review")
        return
    assert done.returncode == 2
    assert result["status"] == "failed"
    assert [r["code"] for r in result["reasons"]] == ["over_limit"]
    option = Limits.NAMES[limit].option
    assert result["error"].startswith(result["source"]["path"] + ": over the ") and f"({option} raises it)" in result["error"]
    assert [line for line in done.stderr.splitlines() if line.startswith("error: ")] == [f"error: {result['error']}"]


def test_a_zip_inside_a_zip_shares_one_total_and_every_member_is_told(tmp_path):
    """1,000 members of 100 MB in a zip inside a zip (100 GB in about 100 MB): the members are
    read until the nested total is spent, the rest fail unread, each named; nothing is lost."""
    name, data = make.nested_zip_bomb(1000, 100)
    (tmp_path / name).write_bytes(data)
    done = run(["extract", name, "--json"], cwd=tmp_path)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 2 and done.peak_mb < PEAK_MB, f"peak {done.peak_mb:.0f} MB"
    assert [r["source"]["path"] for r in results] == [f"nested.zip!inner.zip!leaf{i:04}.txt" for i in range(1000)]
    assert all(r["status"] == "failed" and r["reasons"][0]["code"] == "over_limit" for r in results)
    options = [next(o for o in ("--max-chars", "--max-archive-bytes") if o in r["error"]) for r in results]
    first_unread = options.index("--max-archive-bytes")
    # Each member read cost about the text limit's worth of bytes (4 a character) until the total ran out.
    expected = Limits().archive_bytes / (4 * Limits().chars)
    assert abs(first_unread - expected) < 0.1 * expected
    assert set(options[first_unread:]) == {"--max-archive-bytes"}
    assert done.seconds < 60


def test_a_limit_raised_on_the_command_line_lets_the_document_further(tmp_path):
    """A PDF of 120 picture pages stops at the page limit; with it raised, its pages go to OCR,
    and the time limit (here two seconds) is what stops it: the next limit, not a hang."""
    name, data = make.pdf_picture_pages(120)
    (tmp_path / name).write_bytes(data)
    stopped = run(["extract", name, "--json"], cwd=tmp_path)
    assert "(--max-pages raises it)" in json.loads(stopped.stdout)["error"]
    raised = run(["extract", name, "--json", "--max-pages", "200", "--max-seconds", "2"], cwd=tmp_path)
    error = json.loads(raised.stdout)["error"]
    assert raised.returncode == 2 and error == f"{name}: over the time limit: at most 2 (--max-seconds raises it)"
    assert raised.seconds < 30
