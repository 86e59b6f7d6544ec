"""Uploads: streamed to disk under a cap, told by their content, kept by their hash.

A request body is read a chunk at a time into a file of the service's own `incoming/` folder,
hashed as it goes; past the cap the request is refused (413) and the file removed, so an upload
never costs the service more memory than a chunk. A JSON body, which is parsed whole, is capped
small (`JSON_CAP`): a larger document comes as multipart. The format is told by the bytes (a PDF, a
Word document, HTML, text, a scanned page) and nothing else is taken (415). An accepted document is kept as
`documents/<sha256>`: its path is made from its content only, so no name a client gives ever
reaches the file system.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import IO

from ..errors import BadInput
from ..load import LoadError, sniff
from ..load.text import decode
from .errors import TooLarge, UnsupportedFormat

MB = 1024 * 1024
JSON_CAP = 4 * MB  # bytes of a JSON body, held whole in memory to be parsed
_HEAD = 64 * 1024  # bytes read to tell text from binary
_FIELD_MAX = 1024  # a form field other than the file (strategy, filename)
READS = "PDF, DOCX, HTML, text and scanned pages (PNG, JPEG, TIFF)"
# The loader takes a name's suffix as a hint between text and HTML only (the other formats it
# knows by their bytes): a name that says the other one gets the content's suffix added.
_SUFFIX = {"html": ".html", "text": ".txt"}
_NAME_SUFFIXES = {"html": {".html", ".htm", ".shtml", ".xhtml"}, "text": {".txt", ".text", ".md", ".markdown"}}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Received:
    """An upload on disk, not yet accepted: its file, hash, size, and the fields beside it."""

    path: Path
    sha256: str
    size: int
    filename: str
    strategy: str | None
    fields: dict[str, str] = field(default_factory=dict)  # the form's other fields asked for (a page's CSRF token)


class Folder:
    """The service's data folder: `incoming/` for uploads being received, `documents/` for those kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / "incoming"
        self.documents = root / "documents"
        for folder in (self.root, self.incoming, self.documents):
            folder.mkdir(parents=True, exist_ok=True)
        for stale in self.incoming.glob("*.part"):  # cut short by a stop: never answered 202
            stale.unlink(missing_ok=True)

    def new_part(self) -> Path:
        return self.incoming / f"{uuid.uuid4().hex}.part"

    def document(self, sha256: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{64}", sha256):
            raise BadInput(f"not a document hash: {sha256!r}")
        return self.documents / sha256[:2] / sha256

    def keep(self, received: Received) -> bool:
        """Move an upload to its place by hash (True), or drop it for the copy kept already (False)."""
        target = self.document(received.sha256)
        if target.exists():
            received.path.unlink(missing_ok=True)
            return False
        target.parent.mkdir(exist_ok=True)
        os.replace(received.path, target)
        return True

    def drop(self, sha256: str) -> None:
        """Remove a document kept a moment ago whose extraction could not be recorded."""
        self.document(sha256).unlink(missing_ok=True)


def clean_name(name: str | None) -> str:
    """The last part of a client's file name, without control characters: a label, never a path."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = _UNSAFE.sub("", base).strip()[:200]
    return base if base not in ("", ".", "..") else "upload"


def named_for(name: str, kind: str) -> str:
    """The name the document is read under: the client's, with the suffix its content calls for
    when the name says another format (the loader reads a name's suffix as a hint)."""
    if kind not in _SUFFIX or PurePosixPath(name).suffix.lower() in _NAME_SUFFIXES[kind]:
        return name
    return name + _SUFFIX[kind]


def kind_of(path: Path, display: str) -> str:
    """pdf, docx, html, text or image, told by the bytes; anything else is `UnsupportedFormat`."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    if not head.strip():
        raise UnsupportedFormat(f"{display}: empty file")
    fmt = sniff("", head)  # no name: the bytes alone decide
    if fmt == "zip":  # a zip's directory is at its end: ask the whole file
        fmt = _zip_kind(path)
    if fmt in ("pdf", "docx", "html", "image"):
        return fmt
    if fmt == "text":
        try:
            decode(display, head if len(head) < _HEAD else _whole_characters(head))
            return "text"
        except LoadError as e:
            raise UnsupportedFormat(f"{display}: {e.problem}; the service reads {READS}") from None
    what = {
        "ole": "a legacy Word or Excel file (.doc/.xls): save it as DOCX or PDF first",
        "encrypted-office": "an encrypted Office document",
        "office": "an Office file other than Word (.xlsx, .pptx)",
        "zip": "a zip archive: post its documents one by one",
    }.get(fmt, f"a {fmt} file")
    raise UnsupportedFormat(f"{display}: {what}; the service reads {READS}")


def _whole_characters(head: bytes) -> bytes:
    """The first bytes of a longer file, cut where no character is cut in two."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        return head[: len(head) // 4 * 4]  # UTF-16 (or UTF-32): whole code units, most likely whole characters
    tail = _utf8_tail(head)
    if tail is not None:
        return head[: len(head) - tail]
    return head[: head.rfind(b"\n") + 1] or head  # GB18030 and the like: cut at a line's end


def _utf8_tail(data: bytes) -> int | None:
    """How many bytes at the end of `data` start a UTF-8 character they do not finish (None: not UTF-8)."""
    try:
        done = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return None
    return len(data) - len(done.encode("utf-8"))


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    return "office" if "[Content_Types].xml" in names else "zip"


class _Sink:
    """A file being written under the cap, hashed as it goes."""

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.size = 0
        self.sha = hashlib.sha256()
        self.file: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed by close()

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLarge(f"the upload is larger than the service's limit of {self.limit // MB} MB")
        self.sha.update(data)
        self.file.write(data)

    def close(self) -> None:
        self.file.close()


async def receive_multipart(
    stream: AsyncIterator[bytes], content_type: str, folder: Folder, limit: int, *, extra: tuple[str, ...] = ()
) -> Received:
    """A multipart body with one file field `file` and optional fields `strategy` and `filename`
    (and those of `extra`)."""
    known = ("strategy", "filename", *extra)
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise BadInput("a multipart body needs its boundary in the Content-Type header")
    path = folder.new_part()
    sink: _Sink | None = None
    fields: dict[str, str] = {}
    state: dict[str, object] = {"header": b"", "value": b"", "headers": {}, "name": None, "is_file": False, "buf": b""}
    files = 0

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header"] = state["header"] + data[start:end]  # type: ignore[operator]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] = state["value"] + data[start:end]  # type: ignore[operator]

    def on_header_end() -> None:
        # Kept as bytes: a file name is UTF-8, which the header parser takes as bytes only.
        state["headers"][state["header"].decode("latin-1").lower()] = state["value"]  # type: ignore[index,union-attr]
        state["header"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        nonlocal sink, files
        disposition, options = parse_options_header(state["headers"].get("content-disposition", b""))  # type: ignore[union-attr]
        name = options.get(b"name", b"").decode("utf-8", "replace")
        state["name"] = name
        state["is_file"] = b"filename" in options
        if name == "file" and state["is_file"]:
            files += 1
            if files > 1:
                raise BadInput("one document per request: the body has several `file` fields")
            fields["_filename"] = options[b"filename"].decode("utf-8", "replace")
            sink = _Sink(path, limit)
        elif name not in known:
            raise BadInput(f"unknown form field {name!r}: give `file`, and optionally `strategy` and `filename`")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["name"] == "file" and state["is_file"]:
            assert sink is not None
            sink.write(data[start:end])
        else:
            state["buf"] = state["buf"] + data[start:end]  # type: ignore[operator]
            if len(state["buf"]) > _FIELD_MAX:  # type: ignore[arg-type]
                raise BadInput(f"the form field {state['name']!r} is longer than {_FIELD_MAX} bytes")

    def on_part_end() -> None:
        if state["name"] in known and not state["is_file"]:
            fields[state["name"]] = state["buf"].decode("utf-8", "replace").strip()  # type: ignore[index,union-attr]
        state.update(buf=b"", headers={}, name=None, is_file=False)

    ended = []

    def on_end() -> None:
        ended.append(True)

    parser = MultipartParser(
        boundary,
        {
            "on_end": on_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    received = 0
    try:
        async for chunk in stream:
            received += len(chunk)
            if received > limit + MB:  # the form's own bytes besides the file are few
                raise TooLarge(f"the upload is larger than the service's limit of {limit // MB} MB")
            parser.write(chunk)
        parser.finalize()
        if not ended:
            raise BadInput("the multipart body ends before its closing boundary: the upload was cut short")
        if sink is None:
            raise BadInput("no document in the body: send it as the multipart field `file`")
        sink.close()
    except MultipartParseError as e:
        _discard(sink, path)
        raise BadInput(f"not a well-formed multipart body ({e})") from None
    except BaseException:
        _discard(sink, path)
        raise
    name = clean_name(fields.get("filename") or fields.get("_filename"))
    others = {k: v for k, v in fields.items() if k in extra}
    return Received(path, sink.sha.hexdigest(), sink.size, name, fields.get("strategy") or None, others)


def json_too_large(cap: int) -> TooLarge:
    return TooLarge(
        f"a JSON body is at most {cap / MB:g} MB: send a larger document as multipart/form-data"
        " (the field `file`), which the service streams to disk"
    )


async def receive_json(stream: AsyncIterator[bytes], folder: Folder, limit: int, *, cap: int = JSON_CAP) -> Received:
    """A JSON body `{"text": "...", "filename": "a.txt", "strategy": "rules"}`: the text kept as
    UTF-8. JSON is parsed whole, so its body is held in memory: past `cap` bytes it is refused,
    and a larger document comes as multipart, streamed to disk."""
    body = bytearray()
    async for chunk in stream:
        body += chunk
        if len(body) > cap:
            raise json_too_large(cap)
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"not a JSON body ({e})") from None
    del body
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise BadInput('a JSON body needs "text" (the document, a string), and may give "filename" and "strategy"')
    unknown = sorted(set(data) - {"text", "filename", "strategy"})
    if unknown:
        raise BadInput(f"unknown field {unknown[0]!r}: give text, and optionally filename and strategy")
    for name in ("filename", "strategy"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise BadInput(f'"{name}" must be a string')
    path = folder.new_part()
    sink = _Sink(path, limit)
    try:
        sink.write(data["text"].encode("utf-8"))
        sink.close()
    except BaseException:
        _discard(sink, path)
        raise
    return Received(path, sink.sha.hexdigest(), sink.size, clean_name(data.get("filename") or "text.txt"), data.get("strategy"))


def _discard(sink: _Sink | None, path: Path) -> None:
    try:
        if sink is not None:
            sink.close()  # may fail as the write did (a full disk): the file goes all the same
    except OSError:
        pass
    finally:
        path.unlink(missing_ok=True)


__all__ = ["Folder", "JSON_CAP", "MB", "Received", "clean_name", "json_too_large", "kind_of", "named_for", "receive_json", "receive_multipart"]
