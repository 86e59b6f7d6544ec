"""The documents of a batch, each known by its content's hash before anything reads it.

The hash decides whether a document needs reading at all (the store may have its result for
this configuration already), so it is taken first, in the parent, by streaming: a plain file
is hashed where it lies and travels to a worker as its path; a member of an archive is already
in memory and travels as its bytes.

    >>> from extractor.load.archive import Input
    >>> w = hashed(Input("a.txt", b"abc"))
    >>> w.sha256[:12], w.size
    ('ba7816bf8f01', 3)
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..load import LoadError
from ..load.archive import Input

if TYPE_CHECKING:
    from ..extract.llm.extract import Reply


@dataclass(frozen=True)
class Work:
    """One document to read: the input (bytes, or the path of a plain file), its content's
    hash and size; no hash when the input could not be had (its `error` says why)."""

    input: Input
    sha256: str | None
    size: int | None = None
    # A document whose questions to the model are asked elsewhere (`asking`): `park` it at them;
    # once answered, it comes back `parked`, with the `replies`, for its reading to go on.
    park: bool = False
    parked: bytes | None = None  # the pickled `pipeline.Parked` (see `task.Waiting`)
    replies: Mapping[str, Reply] | None = None

    @property
    def name(self) -> str:
        return self.input.name

    def with_bytes(self) -> Work:
        """The same document carrying its bytes, for a worker that cannot see this machine's files."""
        return self if self.parked is not None else replace(self, input=self.input.loaded())

    def answered(self, parked: bytes, replies: Mapping[str, Reply]) -> Work:
        """The document parked at its questions, with their answers: its bytes stay here."""
        return replace(self, input=Input(self.input.name), park=False, parked=parked, replies=replies)


def hashed(item: Input) -> Work:
    if item.error is not None:
        return Work(item, None)
    if item.data is not None:
        return Work(item, hashlib.sha256(item.data).hexdigest(), len(item.data))
    assert item.path is not None
    try:
        with open(item.path, "rb") as f:
            digest = hashlib.file_digest(f, "sha256").hexdigest()
            size = os.fstat(f.fileno()).st_size
    except OSError as e:
        return Work(replace(item, error=LoadError(item.name, f"cannot read: {e.strerror or e}")), None)
    return Work(item, digest, size)


def works(items: Iterable[Input]) -> Iterator[Work]:
    """`items` hashed one at a time, as they come."""
    for item in items:
        yield hashed(item)
