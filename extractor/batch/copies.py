"""Copies of a batch's documents, named by their hash: for archives that will move or go.

The store records where each document was read from (`load.archive.Origin`), and the service
reads its source from there. An archive on a removable disk, or a download folder cleaned
after the run, takes the sources with it; `extractor batch --keep-sources DIR` keeps a copy of
each document in DIR as `ab/abcdef…` (its sha256, sharded by the first two characters), once
whatever the number of copies or runs, written whole or not at all. The copy is an origin like
any other, recorded as kept, and looked at after the original.

    >>> import tempfile
    >>> from extractor.batch.work import hashed
    >>> from extractor.load.archive import Input
    >>> folder = tempfile.mkdtemp()
    >>> kept = Copies(folder).keep(hashed(Input("a.txt", b"abc")))
    >>> kept.relative, kept.kept, open(kept.file, "rb").read()
    ('ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', True, b'abc')
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import BadInput
from ..load.archive import Origin
from .work import Work


class Copies:
    """The folder copies are kept in (made if need be)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).resolve()
        if self.folder.exists() and not self.folder.is_dir():
            raise BadInput(f"{folder}: cannot keep the sources there: it is a file")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BadInput(f"{folder}: cannot keep the sources there: {e.strerror or e}") from None

    def keep(self, work: Work) -> Origin | None:
        """The document's kept copy, made now if it is not there yet; None for an input with no
        bytes to keep (one that could not be read)."""
        if work.sha256 is None:
            return None
        relative = f"{work.sha256[:2]}/{work.sha256}"
        target = self.folder / relative
        if not target.exists():
            self._write(work, target)
        return Origin(str(target), relative=relative, size=work.size, kept=True)

    def _write(self, work: Work, target: Path) -> None:
        target.parent.mkdir(exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                if work.input.data is not None:
                    out.write(work.input.data)
                else:
                    assert work.input.path is not None
                    with open(work.input.path, "rb") as source:
                        shutil.copyfileobj(source, out)
            os.replace(tmp, target)  # whole or not at all: a kill leaves no half copy under the hash
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
