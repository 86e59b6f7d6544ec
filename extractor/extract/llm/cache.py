"""The response cache: no section is ever paid for twice.

An answer is stored under a key made of the prompt (version and file hash), the model, the
layout asked for and the hash of the section text, in one SQLite file in the cache directory.
SQLite (standard library) rather than one file per answer: writes are atomic, and several
extractor processes can share the cache safely.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
create table if not exists answers (
    key text primary key,
    prompt text not null,
    model text not null,
    answer text not null,   -- the validated response model, as JSON
    usage text not null,    -- the server's usage figures when it was paid for
    created text not null default (datetime('now'))
)
"""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(prompt_version: str, prompt_sha: str, model: str, layout: str, section: str) -> str:
    parts = {"prompt": prompt_version, "prompt_sha": prompt_sha, "model": model, "layout": layout, "section": text_hash(section)}
    return text_hash(json.dumps(parts, sort_keys=True))


@dataclass(frozen=True)
class Cached:
    answer: dict[str, Any]
    usage: dict[str, int]


class ResponseCache:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "answers.sqlite3"
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            with db:  # commits, or rolls back on an error
                yield db
        finally:
            db.close()

    def get(self, key: str) -> Cached | None:
        with self._connect() as db:
            row = db.execute("select answer, usage from answers where key = ?", (key,)).fetchone()
        return Cached(json.loads(row[0]), json.loads(row[1])) if row else None

    def put(self, key: str, prompt: str, model: str, answer: dict[str, Any], usage: dict[str, int]) -> None:
        with self._connect() as db:
            db.execute(
                "insert or replace into answers (key, prompt, model, answer, usage) values (?, ?, ?, ?, ?)",
                (key, prompt, model, json.dumps(answer, ensure_ascii=False), json.dumps(usage)),
            )

    def __len__(self) -> int:
        with self._connect() as db:
            return db.execute("select count(*) from answers").fetchone()[0]
