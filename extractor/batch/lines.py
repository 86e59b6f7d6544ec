"""The JSON lines file of a batch: one result per line, appended and flushed as each document
is done, so a run killed at any moment leaves a file that parses line by line.

The parent writes a document's line before it adds the document to the store, and the store
commits in small batches; so after a kill, the documents the store has committed are the
file's lines but for the last few. `resume` cuts those last few (and a line torn in the middle
of writing) before a resumed run appends: they are read again, and every document is in the
file once. If more of the last lines are unknown to the store than a kill can leave, the file
was written by another configuration or for another database, and it is not touched.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "r.jsonl")
    >>> with Lines(path) as out:
    ...     out.write('{"source": {"path": "a", "sha256": "aa"}}')
    ...     out.write('{"source": {"path": "b", "sha256": "bb"}}')
    >>> with open(path, "ab") as f:
    ...     _ = f.write(b'{"source": {"pa')  # killed while writing
    >>> resume(path, done=lambda sha: sha == "aa", most=5)
    2
    >>> open(path).read()
    '{"source": {"path": "a", "sha256": "aa"}}\\n'
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from ..errors import BadInput

_CHUNK = 1 << 16


class Lines:
    """`append`: add to what the file holds (a resumed run) rather than start it anew."""

    def __init__(self, path: str | Path, *, append: bool = False) -> None:
        self.path = str(path)
        self._file: IO[str] = open(path, "a" if append else "w", encoding="utf-8")  # noqa: SIM115 - closed by close()

    def write(self, text: str) -> None:
        self._file.write(text + "\n")
        self._file.flush()  # a line is whole in the file before the store hears of its document

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def resume(path: str | Path, *, done: Callable[[str], bool], most: int) -> int:
    """Cut the end of `path` back to its last document that `done` knows (the store has it):
    a torn last line, lines of no document (inputs that could not be read, which are tried
    again), and at most `most` lines of documents not yet committed. Returns the lines cut."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return 0
    cut_at = None
    cut = unknown = 0
    with open(path, "rb") as f:
        for start, line in _lines_backwards(f):
            if not line.endswith(b"\n"):  # torn: the run was killed while writing it
                cut_at, cut = start, cut + 1
                continue
            sha = _sha256(path, line)
            if sha is not None and done(sha):
                break
            if sha is not None:
                unknown += 1
                if unknown > most:
                    raise BadInput(
                        f"{path}: its last {unknown} results are of documents this database does not hold "
                        "for this configuration: it was written by another run; give another -o file"
                    )
            cut_at, cut = start, cut + 1
    if cut_at is not None:
        os.truncate(path, cut_at)
    return cut


def _sha256(path: str | Path, line: bytes) -> str | None:
    try:
        source = json.loads(line).get("source") or {}
    except (ValueError, AttributeError):
        raise BadInput(f"{path}: not a JSON lines file of results (a line is not a JSON object)") from None
    return source.get("sha256")


def _lines_backwards(f: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """The file's lines from the last to the first, each with the offset it starts at; the
    last one may lack its newline. Reads only as far back as it is asked to."""
    end = f.seek(0, os.SEEK_END)
    tail = b""
    while end > 0:
        start = max(0, end - _CHUNK)
        f.seek(start)
        tail = f.read(end - start) + tail
        end = start
        # Every line but the first in `tail` is whole; the first may go on before `start`.
        while True:
            newline = tail.rfind(b"\n", 0, len(tail) - 1)
            if newline < 0:
                break
            yield start + newline + 1, tail[newline + 1 :]
            tail = tail[: newline + 1]
    if tail:
        yield 0, tail
