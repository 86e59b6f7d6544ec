"""Prompt templates: versioned files in `extractor/prompts/` (one per table), rendered with `string.Template`.

They are package data, so an installed extractor finds them wherever it is installed (the
repository's top-level `prompts/` is the same folder). A template `s3.v1.md` has a `## system` and a `## user` part; `$section` is the table's
text, `$layout` its template year, `$rows` (table 三) the row labels in printed order. The
newest version of each table is used unless one is named. The version and a hash of the file's
text go into the cache key, so an edited prompt is never answered from an old cache entry.

    >>> p = load_prompt("s4")
    >>> p.version, "$section" in p.user
    ('s4.v1', True)
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from verify.layout import S3_ROW_LABELS, s3_rows

from ...errors import ConfigError

# The package's own prompts; EXTRACTOR_PROMPTS_DIR points elsewhere (to try an edited prompt).
_DEFAULT_DIR = Path(__file__).resolve().parents[2] / "prompts"
_FILE = re.compile(r"^(?P<table>s[234])\.v(?P<n>\d+)\.md$")
_PART = re.compile(r"^## (system|user)\s*$", re.M)


class PromptError(ConfigError):
    """A prompt file that is missing or malformed."""


@dataclass(frozen=True)
class Prompt:
    version: str  # "s3.v1"
    table: str
    system: str
    user: str
    sha256: str  # of the file's text

    def render(self, section: str, layout: str) -> list[dict[str, str]]:
        """The chat messages for one table section, in the layout `locate` decided."""
        values = {"section": section, "layout": layout, "rows": _rows(self.table, layout)}
        try:
            return [
                {"role": "system", "content": Template(self.system).substitute(values)},
                {"role": "user", "content": Template(self.user).substitute(values)},
            ]
        except (KeyError, ValueError) as e:
            raise PromptError(f"prompt {self.version}: bad placeholder {e}") from None


def _rows(table: str, layout: str) -> str:
    if table != "s3":
        return ""
    return "; ".join(S3_ROW_LABELS[r] for r in s3_rows(layout))


def prompts_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_PROMPTS_DIR") or _DEFAULT_DIR)


def _parse(path: Path, table: str) -> Prompt:
    text = path.read_text(encoding="utf-8")
    parts = _PART.split(text)
    # parts: [preamble, "system", body, "user", body]
    named = dict(zip(parts[1::2], parts[2::2]))
    if set(named) != {"system", "user"}:
        raise PromptError(f"{path}: needs a '## system' and a '## user' part")
    return Prompt(
        version=path.stem,
        table=table,
        system=named["system"].strip(),
        user=named["user"].strip(),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


@cache
def _load(folder: Path, table: str, version: str | None) -> Prompt:
    found = sorted(
        (int(m["n"]), p) for p in folder.glob(f"{table}.v*.md") if (m := _FILE.match(p.name)) and m["table"] == table
    )
    if not found:
        raise PromptError(f"no prompt for table {table} in {folder}")
    if version is None:
        return _parse(found[-1][1], table)
    for _, p in found:
        if p.stem == version:
            return _parse(p, table)
    raise PromptError(f"no prompt {version} in {folder}")


def load_prompt(table: str, version: str | None = None) -> Prompt:
    return _load(prompts_dir(), table, version)
