"""The inputs of a batch: files, folders and zip archives, one document at a time.

`inputs(paths)` yields one `Input` per document, in a stable order: a file as given, a folder
walked in sorted order (hidden files skipped), a zip archive member by member without unpacking
anything to disk, with nested folders and zips inside it. A document that cannot be had (a
missing file, a corrupt member) is an `Input` carrying its `LoadError`, so the caller records
a failed result for it and goes on with the rest.

Nothing is read before it is asked for: a zip on disk is opened by its directory and each
member read when its turn comes, so an archive of any size never sits whole in memory. With
`read=False` a plain file is not read at all: its `Input` names the `path` where whoever reads
it (a worker process) finds the bytes.

Member names: a name flagged UTF-8 is UTF-8. Any other is, by the zip specification, cp437;
archives made on Chinese Windows write GBK there instead, so such a name is re-read as UTF-8
or GB18030 when that gives Chinese characters.

    >>> from io import BytesIO; import zipfile
    >>> buf = BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as zf:
    ...     zf.writestr("年报/a.txt", "…")
    >>> [(i.name, i.member) for i in members("reports.zip", buf.getvalue())]
    [('reports.zip!年报/a.txt', '年报/a.txt')]
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

from ..limits import DEFAULT, Limits, OverLimit
from . import ZIP_HEADS, read_file, zip_kind
from .budget import read_capped
from .errors import LoadError

# Archives inside archives are opened this deep; a zip found deeper is read as a document (and
# fails as one). The size limits (`extractor.limits`) bound the bytes at every depth.
MAX_DEPTH = 3
_UTF8_FLAG = 0x800
_CJK = re.compile(r"[\u3400-\u9fff]")
_SKIPPED = ("__MACOSX/",)


@dataclass(frozen=True)
class Origin:
    """Where a document's bytes are on disk, for whoever wants them again (the service showing
    its source): the file, or the archive and the member in it."""

    file: str  # the absolute path of the file, or of the archive that holds the document
    member: str = ""  # the path inside the archive ("inner.zip!a.pdf" inside a nested one); "" for a file
    relative: str = ""  # `file` from above the folder the run was given: where to look under a new root
    size: int | None = None  # of `file`, when it was read
    mtime: float | None = None
    kept: bool = False  # a copy a run made of the document, named by its hash (`batch --keep-sources`)


@dataclass(frozen=True)
class Input:
    """One document of a batch: its bytes, or the error that kept them from being read, or the
    `path` of the plain file they are in, not read yet (`inputs(read=False)`; `loaded()`)."""

    name: str  # what results and messages call it: a path, or "reports.zip!folder/a.pdf"
    data: bytes | None = None
    error: LoadError | None = None
    member: str | None = None  # the path inside the archive, for documents read from one
    path: str | None = None
    origin: Origin | None = None  # where its bytes are on disk (None: they were never on disk)

    def loaded(self, limits: Limits = DEFAULT) -> Input:
        """The same input with its bytes (or the error that kept them from being read: a file
        past the size limit is not read)."""
        if self.data is not None or self.error is not None or self.path is None:
            return self
        try:
            return replace(self, data=read_file(self.path, limits))
        except LoadError as e:  # a plain file's name is its path
            return replace(self, error=e)


def inputs(
    paths: Iterable[str], *, skip: Iterable[str | Path] = (), read: bool = True, limits: Limits = DEFAULT
) -> Iterator[Input]:
    """Every document under `paths`, lazily. `skip`: files a folder walk must pass over, such as
    the run's own output when it is written inside a folder being read. `read=False`: plain
    files come as their path, unread. `limits`: the size limits members are read within."""
    for name, relative in _walk(paths, skip):
        yield from _file(name, read, limits, relative)


def files(paths: Iterable[str], *, skip: Iterable[str | Path] = ()) -> Iterator[str]:
    """The files `paths` name, folders walked in sorted order without hidden files; a path that
    is not there is given as it is, for the reader to say so."""
    for name, _ in _walk(paths, skip):
        yield name


def _walk(paths: Iterable[str], skip: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    """`files`, each with its path from above the folder given (a file given: its name). A
    folder in `skip` is passed over with everything in it."""
    skipped = {Path(s).resolve() for s in skip}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            top = path.resolve().name
            for child in sorted(path.rglob("*")):
                inside = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in inside.parts):
                    real = child.resolve()
                    if real not in skipped and skipped.isdisjoint(real.parents):
                        yield str(child), f"{top}/{inside.as_posix()}" if top else inside.as_posix()
        else:
            yield p, path.name


def is_archive(source: bytes | Path) -> bool:
    """A zip of documents (not a DOCX or another Office file, which are zips too)."""
    if isinstance(source, bytes):
        head = source[:4]
    else:
        with source.open("rb") as f:
            head = f.read(4)
    return head in ZIP_HEADS and zip_kind(source) == "zip"


def _file(name: str, read: bool, limits: Limits, relative: str) -> Iterator[Input]:
    path = Path(name)
    if not path.exists():
        yield Input(name, error=LoadError(name, "no such file"))
        return
    try:
        stat = path.stat()
        origin = Origin(str(path.resolve()), relative=relative, size=stat.st_size, mtime=stat.st_mtime)
        if is_archive(path):
            yield from members(name, path, limits=limits, origin=origin)
            return
    except OSError as e:
        yield Input(name, error=LoadError(name, f"cannot read: {e.strerror or e}"))
        return
    item = Input(name, path=name, origin=origin)
    yield item.loaded(limits) if read else item


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's path as its author wrote it (see the module's note on encodings)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the raw bytes as cp437
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CJK.search(decoded):
            return decoded.replace("\\", "/")  # after decoding: a GBK byte may be 0x5C
    return info.filename


@dataclass
class _Spent:
    """What the documents inside one nested archive have cost so far, of `archive_bytes`."""

    bytes: int = 0


def members(
    name: str, source: bytes | Path, depth: int = 0, outer: str | None = None, *,
    limits: Limits = DEFAULT, spent: _Spent | None = None, origin: Origin | None = None,
) -> Iterator[Input]:  # fmt: skip
    """Each document inside a zip, held in memory or on disk; a member that cannot be read
    fails alone. Inside a nested archive (`spent`), every member's bytes count against one
    total, `limits.archive_bytes`: past it, the members left fail without being read.
    `origin`: where the outermost archive is on disk; each member's names it and its path."""
    try:
        zf = zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        yield Input(name, error=LoadError(name, f"corrupt or truncated zip archive ({e})"))
        return
    with zf:
        named = sorted((member_name(i), i) for i in infos if not i.is_dir())
        for member, info in named:
            if _system_file(member):
                continue
            display = f"{name}!{member}"
            inner = f"{outer}!{member}" if outer else member
            got = _read_member(zf, info, display, member, limits, spent)
            at = replace(origin, member=inner) if origin is not None else None
            if isinstance(got, LoadError):
                yield Input(display, error=got, member=inner, origin=at)
            elif is_archive(got) and depth < MAX_DEPTH:
                # Its own members are what count against the total, not the archive they came in.
                nested = spent if spent is not None else _Spent()
                if spent is not None:
                    spent.bytes -= len(got)
                yield from members(display, got, depth + 1, inner, limits=limits, spent=nested, origin=origin)
            else:
                yield Input(display, got, member=inner, origin=at)


def _system_file(member: str) -> bool:
    """A file an archiver added (macOS resource forks, hidden files), passed over in silence.
    A member whose path climbs out of the archive ('..') is not one: it fails, named."""
    parts = member.split("/")
    return member.startswith(_SKIPPED) or any(p.startswith(".") and p != ".." for p in parts)


def _unsafe(member: str) -> bool:
    return member.startswith("/") or ".." in member.split("/") or (len(member) > 1 and member[1] == ":")


def count(paths: Iterable[str], *, skip: Iterable[str | Path] = ()) -> int | None:
    """How many documents `inputs` gives, from folder listings and zip directories alone,
    nothing read; None when an archive holds .zip files (theirs are not known unread)."""
    total = 0
    for name in files(paths, skip=skip):
        path = Path(name)
        try:
            if not (path.exists() and is_archive(path)):
                total += 1
                continue
            with zipfile.ZipFile(path) as zf:
                listed = [i for i in zf.infolist() if not i.is_dir() and not _system_file(member_name(i))]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            total += 1  # one failed input
            continue
        if any(member_name(i).lower().endswith(".zip") for i in listed):
            return None
        total += len(listed)
    return total


def _read_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, member: str, limits: Limits, spent: _Spent | None
) -> bytes | LoadError:
    if _unsafe(member):
        return LoadError(display, "its path leaves the archive ('..' or an absolute path): not read")
    if info.flag_bits & 0x1:
        return LoadError(display, "encrypted archive member: a password is needed")
    room = None if spent is None else limits.archive_bytes - spent.bytes
    if room is not None and room <= 0:
        return OverLimit(display, "archive_bytes", limits.archive_bytes, None)
    # zipfile's own messages name the member in its raw encoding; these say the same plainly.
    # The member is read as it is decompressed and counted, whatever size its header claims.
    try:
        with zf.open(info) as stream:
            data = read_capped(stream, limits, display, room=room, room_name="archive_bytes", text=True)
    except OverLimit as e:
        if spent is not None:  # what was decompressed before the limit stopped it counts too
            spent.bytes += e.consumed
        # Kept on its Input: without its traceback, which holds the bytes read until it was raised.
        return e.with_traceback(None)
    except zipfile.BadZipFile as e:
        why = "its checksum does not match its data" if "CRC" in str(e) else "its header is damaged"
    except (zlib.error, EOFError, OSError):
        why = "its compressed data is damaged"
    except NotImplementedError:
        why = f"compression method {info.compress_type} is not supported"
    else:
        if spent is not None:
            spent.bytes += len(data)
        return data
    return LoadError(display, f"corrupt archive member: {why}")


def read_at(file: str, member: str = "", limits: Limits = DEFAULT) -> bytes:
    """The bytes an `Origin` names, read again: a file, or a member of an archive (through each
    archive of the chain "inner.zip!a.pdf"), within the size limits. LoadError when the file
    is gone, or the member is no longer in it."""
    if not member:
        return read_file(file, limits)
    source: bytes | Path = Path(file)
    shown = file
    for name in member.split("!"):
        shown = f"{shown}!{name}"
        try:
            with zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source) as zf:
                info = next((i for i in zf.infolist() if not i.is_dir() and member_name(i) == name), None)
                if info is None:
                    raise LoadError(shown, "no longer in its archive")
                got = _read_member(zf, info, shown, name, limits, None)
        except FileNotFoundError:
            raise LoadError(file, "no such file") from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise LoadError(file, f"corrupt or truncated zip archive ({e})") from None
        if isinstance(got, LoadError):
            raise got
        source = got
    assert isinstance(source, bytes)
    return source
