"""How extractor/store/results-1.zdict was made: a zstd dictionary trained on the JSON of
results the rules read, so that each result the store keeps compresses against what every
result shares (the template's keys, the checks' names and messages, the provenance's shape)
instead of on its own.

From the root of the repository:

    python tests/data/make_result_dictionary.py extractor/store/results-1.zdict

The samples: the real reports of golden/docs, and 600 generated ones (tests/synth, seed 11,
every flattening, random damage) — a seed no benchmark or test measures the store with, so
that no figure is taken on the documents the dictionary learnt from. Once stores hold results
compressed with a dictionary, it never changes: a better one gets the next number
(`extractor/store/dictionary.py`), and the old one stays to read what it compressed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import zstandard

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from extractor import extract_file  # noqa: E402
from extractor.pipeline import extract_bytes  # noqa: E402
from tests.synth.corpus import corpus  # noqa: E402

SIZE = 112_640  # zstd's own default size: larger learnt little more on these samples
GENERATED, SEED = 600, 11


def samples() -> list[bytes]:
    out = [extract_file(p).model_dump_json().encode() for p in sorted((ROOT / "golden" / "docs").iterdir())]
    for case in corpus(GENERATED, SEED, damage=None):
        out.append(extract_bytes(case.rendered.name, case.rendered.data).model_dump_json().encode())
    return out


def main(path: str) -> None:
    trained = zstandard.train_dictionary(SIZE, samples(), level=19)
    Path(path).write_bytes(trained.as_bytes())
    print(f"{path}: {len(trained.as_bytes()):,} bytes, dictionary id {trained.dict_id()}")


if __name__ == "__main__":
    main(sys.argv[1])
