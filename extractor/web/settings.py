"""What a service is started with, checked before it listens.

    >>> s = Settings.make(data="/tmp/extractor-doc", host="127.0.0.1")
    >>> s.people.open, s.max_upload // (1024 * 1024), s.db.name
    (True, 50, 'results.sqlite')
    >>> Settings.make(data="/tmp/extractor-doc", host="0.0.0.0")
    Traceback (most recent call last):
    ...
    extractor.errors.ConfigError: --host 0.0.0.0: without a tokens file the service serves one local user on loopback only; give --tokens FILE (or EXTRACTOR_TOKENS_FILE) to serve others
"""

from __future__ import annotations

import os

import getpass
import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from ..batch.processes import default_workers
from ..limits import Limits
from ..errors import ConfigError
from .people import People
from .uploads import JSON_CAP, MB
from .worker import STUCK

LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _local_name() -> str:
    try:
        return getpass.getuser() or "local"
    except (KeyError, OSError):
        return "local"


@dataclass(frozen=True)
class Settings:
    data: Path  # the service's own folder: the documents it was given, its key, its database
    db: Path
    people: People
    max_upload: int = 50 * MB  # bytes of one upload
    max_json: int = JSON_CAP  # bytes of an upload's JSON body, parsed whole in memory
    max_in_flight: int = 16  # extractions of one person waiting or being read
    workers: int = 2  # processes reading documents, in the pool of each strategy
    retry_after: int = 5  # seconds a client told 429 should wait
    stuck_after: float = STUCK  # seconds without progress after which /healthz calls the dispatcher stuck
    body_timeout: float = 30.0  # seconds a request's body may keep the service waiting, beyond `body_min_rate`
    body_min_rate: int = 4096  # bytes a second: each that many received buys another second of waiting
    # What one document may cost, read or shown (`extractor.limits`): EXTRACTOR_MAX_* in the environment.
    limits: Limits = field(default_factory=Limits.from_env)
    # Folders where documents a batch read may be now, if they moved (`web.finder`).
    sources: tuple[Path, ...] = ()

    @classmethod
    def make(
        cls,
        *,
        data: str | Path,
        host: str,
        db: str | Path | None = None,
        tokens: str | Path | None = None,
        max_upload_mb: float = 50,
        max_in_flight: int = 16,
        workers: int | None = None,
        body_timeout: float = 30.0,
        sources: tuple[str | Path, ...] | None = None,
    ) -> Settings:
        """`sources`: the roots to look for moved documents under (None: EXTRACTOR_SOURCES, a
        list separated as PATH is)."""
        if tokens is None and not is_loopback(host):
            raise ConfigError(
                f"--host {host}: without a tokens file the service serves one local user on loopback only;"
                " give --tokens FILE (or EXTRACTOR_TOKENS_FILE) to serve others"
            )
        if max_upload_mb <= 0 or max_in_flight < 1 or body_timeout <= 0:
            raise ConfigError("--max-upload-mb, --max-in-flight and the body timeout must be positive")
        folder = Path(data)
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"{folder}: the data folder is a file")
        if not folder.parent.resolve().is_dir():
            raise ConfigError(f"{folder}: cannot make the data folder: {folder.parent} does not exist")
        people = People.read(tokens) if tokens is not None else People.local_user(_local_name())
        return cls(
            data=folder,
            db=Path(db) if db else folder / "results.sqlite",
            people=people,
            max_upload=int(max_upload_mb * MB),
            max_in_flight=max_in_flight,
            workers=workers or default_workers(),
            body_timeout=body_timeout,
            sources=_roots(sources),
        )


def _roots(given: tuple[str | Path, ...] | None) -> tuple[Path, ...]:
    if given is None:
        given = tuple(p for p in os.environ.get("EXTRACTOR_SOURCES", "").split(os.pathsep) if p)
    roots = tuple(Path(p).resolve() for p in given)
    for root in roots:
        if not root.is_dir():
            raise ConfigError(f"--sources {root}: no such folder")
    return roots


__all__ = ["Settings", "is_loopback"]
