"""How tests/data/store_m009.sql.gz was made: a store as the version with migrations up to
m009 (before the compact store, m010) writes one, dumped as SQL and gzipped.

Run with that version's package first on the path (a checkout of its commit), from the root of
the repository:

    git worktree add /tmp/m009 a108eb2
    PYTHONPATH=/tmp/m009 python tests/data/make_store_m009.py /tmp/store.sqlite
    gzip -9 -n -c /tmp/store.sqlite.sql > tests/data/store_m009.sql.gz

Three golden reports read by the rules; one corrected by li, one accepted as printed by wang
with a note, one seen again under another path.
"""

import sqlite3
import sys
from datetime import UTC, datetime

from extractor import extract_file
from extractor.options import RULES_ONLY
from extractor.store import Store


def main(out: str) -> None:
    store = Store(out, clock=lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    fingerprint = RULES_ONLY.fingerprint
    for name in ("004_f8b21749840a51ab.txt", "10_shanghai_kewei_2024.md", "05_pingtan_2023.txt"):
        store.add(extract_file(f"golden/docs/{name}"), fingerprint)
    sha = {path: s for s, path in store.db.execute("SELECT sha256, path FROM results")}
    store.resolve(sha["golden/docs/10_shanghai_kewei_2024.md"], cells={"s3.carried_forward.total": 1}, reviewer="li")
    store.resolve(sha["golden/docs/05_pingtan_2023.txt"], accept=True, note="the source itself does not add up", reviewer="wang")
    store.skip(sha["golden/docs/004_f8b21749840a51ab.txt"], fingerprint, path="copy/004.txt")
    store.close()
    with open(out + ".sql", "w", encoding="utf-8") as f:
        for line in sqlite3.connect(out).iterdump():
            f.write(line + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
