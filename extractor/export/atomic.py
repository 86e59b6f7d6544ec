"""Files put in place only once complete: an export written under a temporary name beside its
output and renamed onto it at the end, so that whoever opens the output path finds the whole
file or none.

A killed export used to leave a truncated file that looked complete (a CSV at 84 of 183 MB, a
Parquet that opened with a third of its rows). Now every file an export writes (the table, the
long format's documents file, each numbered workbook) is written to a hidden temporary in the
same folder (a rename is atomic only within one file system) and flushed to the disk; when the
last is complete they are renamed into place, one after another; if anything stops the export
before (an error, Ctrl-C, SIGTERM turned into an exception by `signals_raise`), every
temporary is removed and nothing is left at the output paths.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with staged() as files:
    ...     files.path(folder / "a.csv").write_text("a\\n")
    ...     sorted(p.name for p in folder.iterdir()) == [files.path(folder / "a.csv").name]
    2
    True
    >>> sorted(p.name for p in folder.iterdir())
    ['a.csv']
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType


class Staged:
    """Temporaries beside their targets, renamed onto them together by `commit`."""

    def __init__(self) -> None:
        self._temporaries: dict[Path, Path] = {}  # target -> its temporary, in the order asked

    def path(self, target: str | Path) -> Path:
        """The temporary to write instead of `target` (the same one each time it is asked).

        It keeps the target's suffix, since some writers choose a format by it, and starts
        with a dot, so that a folder listing does not show a half-written export as a file."""
        target = Path(target)
        if target not in self._temporaries:
            fd, name = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.stem}.", suffix=f".part{target.suffix}")
            # mkstemp makes it private (0600); the export is a file like any the user makes.
            os.fchmod(fd, 0o666 & ~_umask())
            os.close(fd)
            self._temporaries[target] = Path(name)
        return self._temporaries[target]

    @property
    def targets(self) -> list[Path]:
        return list(self._temporaries)

    def commit(self) -> None:
        """Each temporary flushed to the disk, then renamed onto its target. A signal that
        comes during the renames waits until they are done: the export is complete by then,
        and stopping half-way would leave a table without its documents file."""
        for temporary in self._temporaries.values():
            _flush(temporary)
        with _signals_held():
            for target, temporary in self._temporaries.items():
                os.replace(temporary, target)
        self._temporaries.clear()

    def discard(self) -> None:
        for temporary in self._temporaries.values():
            temporary.unlink(missing_ok=True)
        self._temporaries.clear()


def _umask() -> int:
    # Linux says it in /proc; elsewhere it can only be read by setting it (and put back at once).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _flush(path: Path) -> None:
    # Without it a crash just after the rename can leave the new name on an empty file.
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


@contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # not on every platform: renames then run as they are
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def staged() -> Iterator[Staged]:
    """Files to write (`files.path(target)`), put in place when the block ends normally and
    removed when it ends by any exception, KeyboardInterrupt included."""
    files = Staged()
    try:
        yield files
    except BaseException:
        files.discard()
        raise
    files.commit()


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """One file: the temporary to write in place of `target`."""
    with staged() as files:
        yield files.path(target)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised as Ctrl-C is, so that the same clean-up runs and the same exit follows."""


@contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` (SIGINT already raises KeyboardInterrupt):
    by default SIGTERM ends the process at once, and no `finally` would remove a temporary.
    Only the main thread can install a handler; elsewhere the block runs as it is."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


__all__ = ["Staged", "Terminated", "atomic_path", "signals_raise", "staged"]
