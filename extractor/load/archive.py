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

from . import ZIP_HEADS, zip_kind
from .errors import LoadError

# Bounds that keep one hostile archive from exhausting memory (zip bombs, endless nesting).
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_DEPTH = 3
_UTF8_FLAG = 0x800
_CJK = re.compile(r"[\u3400-\u9fff]")
_SKIPPED = ("__MACOSX/",)


@dataclass(frozen=True)
class Input:
    """One document of a batch: its bytes, or the error that kept them from being read, or the
    `path` of the plain file they are in, not read yet (`inputs(read=False)`; `loaded()`)."""

    name: str  # what results and messages call it: a path, or "reports.zip!folder/a.pdf"
    data: bytes | None = None
    error: LoadError | None = None
    member: str | None = None  # the path inside the archive, for documents read from one
    path: str | None = None

    def loaded(self) -> Input:
        """The same input with its bytes (or the error that kept them from being read)."""
        if self.data is not None or self.error is not None or self.path is None:
            return self
        try:
            return replace(self, data=Path(self.path).read_bytes())
        except OSError as e:
            return replace(self, error=LoadError(self.name, f"cannot read: {e.strerror or e}"))


def inputs(paths: Iterable[str], *, skip: Iterable[str | Path] = (), read: bool = True) -> Iterator[Input]:
    """Every document under `paths`, lazily. `skip`: files a folder walk must pass over, such as
    the run's own output when it is written inside a folder being read. `read=False`: plain
    files come as their path, unread."""
    for name in files(paths, skip=skip):
        yield from _file(name, read)


def files(paths: Iterable[str], *, skip: Iterable[str | Path] = ()) -> Iterator[str]:
    """The files `paths` name, folders walked in sorted order without hidden files; a path that
    is not there is given as it is, for the reader to say so."""
    skipped = {Path(s).resolve() for s in skip}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                    if child.resolve() not in skipped:
                        yield str(child)
        else:
            yield p


def is_archive(source: bytes | Path) -> bool:
    """A zip of documents (not a DOCX or another Office file, which are zips too)."""
    if isinstance(source, bytes):
        head = source[:4]
    else:
        with source.open("rb") as f:
            head = f.read(4)
    return head in ZIP_HEADS and zip_kind(source) == "zip"


def _file(name: str, read: bool) -> Iterator[Input]:
    path = Path(name)
    if not path.exists():
        yield Input(name, error=LoadError(name, "no such file"))
        return
    try:
        if is_archive(path):
            yield from members(name, path)
            return
        if not read:
            yield Input(name, path=name)
            return
        data = path.read_bytes()
    except OSError as e:
        yield Input(name, error=LoadError(name, f"cannot read: {e.strerror or e}"))
        return
    yield Input(name, data)


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


def members(name: str, source: bytes | Path, depth: int = 0, outer: str | None = None) -> Iterator[Input]:
    """Each document inside a zip, held in memory or on disk; a member that cannot be read
    fails alone."""
    try:
        zf = zipfile.ZipFile(BytesIO(source) if isinstance(source, bytes) else source)
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        yield Input(name, error=LoadError(name, f"corrupt or truncated zip archive ({e})"))
        return
    with zf:
        named = sorted((member_name(i), i) for i in infos if not i.is_dir())
        for member, info in named:
            if not _wanted(member):
                continue
            display = f"{name}!{member}"
            inner = f"{outer}!{member}" if outer else member
            got = _read_member(zf, info, display)
            if isinstance(got, LoadError):
                yield Input(display, error=got, member=inner)
            elif is_archive(got) and depth < MAX_DEPTH:
                yield from members(display, got, depth + 1, inner)
            else:
                yield Input(display, got, member=inner)


def _wanted(member: str) -> bool:
    """Not a system file an archiver added (macOS resource forks, hidden files)."""
    return not (member.startswith(_SKIPPED) or any(part.startswith(".") for part in member.split("/")))


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
                listed = [i for i in zf.infolist() if not i.is_dir() and _wanted(member_name(i))]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            total += 1  # one failed input
            continue
        if any(member_name(i).lower().endswith(".zip") for i in listed):
            return None
        total += len(listed)
    return total


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, display: str) -> bytes | LoadError:
    if info.file_size > MAX_MEMBER_BYTES:
        return LoadError(display, f"archive member too large ({info.file_size} bytes unpacked)")
    if info.flag_bits & 0x1:
        return LoadError(display, "encrypted archive member: a password is needed")
    # zipfile's own messages name the member in its raw encoding; these say the same plainly.
    try:
        return zf.read(info)
    except zipfile.BadZipFile as e:
        why = "its checksum does not match its data" if "CRC" in str(e) else "its header is damaged"
    except (zlib.error, EOFError, OSError):
        why = "its compressed data is damaged"
    except NotImplementedError:
        why = f"compression method {info.compress_type} is not supported"
    return LoadError(display, f"corrupt archive member: {why}")
