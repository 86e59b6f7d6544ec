"""Where a document's bytes are now: the places a run saw them, the copies it kept, new roots.

The service shows the source of every document the store knows, not only of those uploaded to
it. A batch records where each document was read from (`load.archive.Origin`: the file, or the
archive and the member in it, and its path under the folder the batch was given); the bytes
are read from there when a page asks, and taken only if their sha256 is the document's. An
archive that moved is found under the roots the service is given (`serve --sources DIR`): at
its path under the folder the batch was given, at that path less its first folders, then by
its file name anywhere under the root. A document the store holds from before sources were
recorded is looked for by the paths it was seen under. Where none holds it, the error says
every place looked at, and why each did not do.

Finding runs in the source panel's worker processes (`web.source_pool`): reading and hashing a
file is work a hostile file can make costly, and is bounded there.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import LoadError, NotFound
from ..limits import Limits
from ..load.archive import Origin, read_at

# A root is searched by file name through at most this many files: a root of a million files
# is a mistake, and its walk would hold a worker for minutes.
MOST_FILES = 500_000


@dataclass(frozen=True)
class Wanted:
    """A document to find: its hash, the places it was seen, and the roots to look under."""

    sha256: str
    places: tuple[Origin, ...]
    roots: tuple[str, ...] = ()


class SourceNotFound(NotFound):
    """The bytes of a document are nowhere the service looked: the message says where that was."""

    code = "source_not_found"

    def __init__(self, looked: list[str]) -> None:
        where = "; ".join(looked) if looked else "no place is recorded for it, and no --sources root was given"
        super().__init__(f"its file was not found: looked at {where}")
        self.looked = looked

    def __reduce__(self) -> tuple:
        return (SourceNotFound, (self.looked,))


def places_of_paths(paths: list[str]) -> tuple[Origin, ...]:
    """Places from the names a document was seen under (`reports.zip!a/b.pdf`, `reports/c.txt`),
    for a document the store holds from before it recorded where bytes were."""
    out = []
    for name in paths:
        file, _, member = name.partition("!")
        out.append(Origin(str(Path(file).resolve()), member=member, relative=Path(file).as_posix().lstrip("/")))
    return tuple(out)


def find(wanted: Wanted, limits: Limits) -> tuple[bytes, Origin]:
    """The document's bytes, and where they were found; `SourceNotFound` saying where it looked."""
    looked: list[str] = []
    seen: set[tuple[str, str]] = set()
    for place in _candidates(wanted):
        key = (place.file, place.member)
        if key in seen:
            continue
        seen.add(key)
        shown = f"{place.file}!{place.member}" if place.member else place.file
        if not os.path.isfile(place.file):
            looked.append(f"{shown} (no such file)")
            continue
        try:
            data = read_at(place.file, place.member, limits)
        except LoadError as e:
            looked.append(f"{shown} ({e.problem})")
            continue
        if hashlib.sha256(data).hexdigest() == wanted.sha256:
            return data, place
        looked.append(f"{shown} (another document is there now)")
    raise SourceNotFound(looked + [f"by name under {root}" for root in wanted.roots])


def _candidates(wanted: Wanted) -> Iterator[Origin]:
    yield from wanted.places
    for root in wanted.roots:
        for place in wanted.places:
            for relative in _tails(place.relative or Path(place.file).name):
                yield Origin(str(Path(root) / relative), member=place.member, relative=relative)
    for root in wanted.roots:
        for place in wanted.places:
            for path in _named(root, Path(place.file).name):
                yield Origin(path, member=place.member, relative=place.relative)


def _tails(relative: str) -> Iterator[str]:
    """`a/b/c.pdf`, `b/c.pdf`, `c.pdf`: the root may be the folder the batch was given, its
    parent, or a folder deeper down."""
    parts = PurePosixPath(relative).parts
    for i in range(len(parts)):
        yield str(PurePosixPath(*parts[i:]))


# root -> (when it was walked, file name -> paths): walked again on a miss once a minute old,
# so a file moved there after the service started is found too.
_names: dict[str, tuple[float, dict[str, list[str]]]] = {}
_STALE = 60.0


def _named(root: str, name: str) -> list[str]:
    walked, index = _names.get(root, (0.0, {}))
    if name not in index and time.monotonic() - walked > _STALE:
        index = {}
        for n, path in enumerate(Path(root).rglob("*")):
            if n >= MOST_FILES:
                break
            if path.is_file():
                index.setdefault(path.name, []).append(str(path))
        _names[root] = (time.monotonic(), index)
    return index.get(name, [])
