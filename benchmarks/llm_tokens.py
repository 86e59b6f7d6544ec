"""Tokens the LLM path sends per document, against the whole document's, on golden/docs.

    python benchmarks/llm_tokens.py [PATH ...] [--tokenize-url URL]

For each document: the tokens of the three located table sections, of the full requests
(instructions + section, and the JSON schema that goes with them), and of the whole document.
Counted two ways, each labelled:

* `est`: the extractor's own estimate (one token per CJK character, a quarter per other
  character; see extractor/extract/llm/tokens.py);
* `tok`: a real tokenizer, when --tokenize-url names a llama-cpp-python server's
  /extras/tokenize/count endpoint (the server's model's tokenizer; nothing is downloaded).

A server's `usage.prompt_tokens` adds the chat template and, in tools mode, the tool
definition rendered by the server; see the recorded exchanges for those figures. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx2

from extractor.extract.llm.prompts import load_prompt
from extractor.extract.llm.schemas import response_model
from extractor.extract.llm.tokens import estimate_tokens
from extractor.load import LoadError, load
from extractor.locate import locate

DOCS = Path(__file__).resolve().parent.parent / "golden" / "docs"


def counter(url: str | None):
    if not url:
        return None
    client = httpx2.Client(timeout=60)

    def count(text: str) -> int:
        return int(client.post(url, json={"input": text}).json()["count"])

    return count


def measure(path: Path, count) -> dict[str, object] | None:
    try:
        located = locate(load(path))
    except LoadError as e:
        print(f"{path.name}: skipped ({e.problem})")
        return None
    whole = located.doc.text()
    sections, requests = [], []
    for table in ("s2", "s3", "s4"):
        section = located.zone_text(table)
        if not section:
            continue
        layout = located.layouts[table].layout or "2021"
        messages = load_prompt(table).render(section, layout)
        schema = json.dumps(response_model(table, layout).model_json_schema(), ensure_ascii=False)
        sections.append(section)
        requests.append("\n".join(m["content"] for m in messages) + "\n" + schema)
    row: dict[str, object] = {"doc": path.name}
    for name, fn in (("est", estimate_tokens), ("tok", count)):
        if fn is None:
            continue
        row[f"{name}_whole"] = fn(whole)
        row[f"{name}_sections"] = sum(fn(s) for s in sections)
        row[f"{name}_requests"] = sum(fn(r) for r in requests)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--tokenize-url", help="e.g. http://127.0.0.1:8765/extras/tokenize/count")
    args = parser.parse_args()
    files = args.paths or sorted(p for p in DOCS.iterdir() if p.is_file())
    count = counter(args.tokenize_url)
    rows = [r for f in files if (r := measure(f, count))]
    keys = [k for k in rows[0] if k != "doc"] if rows else []
    print("doc".ljust(32) + "".join(k.rjust(14) for k in keys))
    for r in rows:
        print(str(r["doc"]).ljust(32) + "".join(str(r[k]).rjust(14) for k in keys))
    totals = {k: sum(int(r[k]) for r in rows) for k in keys}  # type: ignore[arg-type]
    print("total".ljust(32) + "".join(str(totals[k]).rjust(14) for k in keys))
    for prefix in ("est", "tok"):
        if f"{prefix}_whole" in totals:
            share = totals[f"{prefix}_sections"] / totals[f"{prefix}_whole"]
            print(f"{prefix}: the sections are {share:.0%} of the documents' tokens")


if __name__ == "__main__":
    main()
