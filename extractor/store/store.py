"""The store: one SQLite file of documents, runs, results, reviews, corrections and events.

    >>> from extractor import extract_file
    >>> from extractor.options import RULES_ONLY
    >>> store = Store(":memory:")
    >>> stored = store.add(extract_file("golden/docs/10_shanghai_kewei_2024.md"), RULES_ONLY.fingerprint)
    >>> stored.review, stored.current.status
    ('opened', 'needs_review')
    >>> sha = store.lookup(stored.sha256[:8])
    >>> store.has_result(sha, RULES_ONLY.fingerprint)
    True
    >>> review = store.resolve(sha, cells={"s3.carried_forward.total": 1}, reviewer="li")
    >>> review.state, review.resolution, review.current.status
    ('resolved', 'corrected', 'verified')
    >>> [e.action for e in store.events(sha)]
    ['extracted', 'review_opened', 'cell_corrected', 'review_resolved']

Writes come from one process (the parent of a batch, the service); any number of readers may
read meanwhile (WAL). Within a process the store may be shared by threads: writes take a lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import BadInput, Conflict, NotFound, full_disk
from ..load.archive import Origin
from ..models import Number, Result
from . import claims, decisions, identity, organs
from . import queue as queries
from . import write
from .decisions import changed as _changed
from .decisions import clock_time as _clock_time
from .judging import questioned
from .migrations import migrate, pending
from .packing import Ids, location_of, standing_json, unpack
from .queue import Filter, Seen
from .ahead import Ahead, Neighbour
from .records import Action, Correction, CurrentCell, Event, Page, QueueItem, Review, Run, Stored
from .rows import Rows, current_columns, rows_of, standing

Fingerprint = Mapping[str, Any]  # `Options.fingerprint`: what decides the reading
OPEN = Filter()  # the open reviews


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """Open (`create=True`: make it if need be) and migrate the database at `path`.

    Only the extractor's own databases are opened (`identity`): another program's, or a file
    that is not SQLite, is `BadInput`, and not a byte of it changes. `create=True` makes a store
    of a missing file, an empty one (0 bytes) or a SQLite database holding nothing.
    `create=False` opens only a store that exists: a missing file is `NotFound`, and nothing is
    created. `read_only=True` (implies `create=False`) reads it as it is, never migrating it nor
    changing its journal mode: a store that needs upgrading is `BadInput`.
    `clock` gives the time written on every row (UTC).
    """

    def __init__(
        self, path: str | Path, *, create: bool = True, read_only: bool = False, clock: Callable[[], datetime] = _utc_now
    ):
        self.path = str(path)
        self.read_only = read_only
        self._clock = clock
        self._lock = threading.RLock()
        self._batch_every: int | None = None
        self._pending = 0
        self._run_ids: dict[str, int] = {}
        create = create and not read_only
        memory = self.path == ":memory:"
        new = memory or self._claim(create)
        if create and not memory and not Path(self.path).resolve().parent.is_dir():
            raise BadInput(f"{self.path}: cannot create the database: the folder {Path(self.path).parent} does not exist")
        mode = "ro" if read_only else "rw"
        target = self.path if create or memory else f"{Path(self.path).resolve().as_uri()}?mode={mode}"
        try:
            # Autocommit: every transaction is begun and ended here, explicitly.
            self.db = sqlite3.connect(target, uri=not (create or memory), isolation_level=None, check_same_thread=False, timeout=10)
        except sqlite3.Error as e:
            raise BadInput(f"{self.path}: cannot open the database ({e})") from None
        self._ids = Ids(self.db)
        try:
            self._open(new)
        except sqlite3.DatabaseError as e:
            self.db.close()
            if full_disk(e):
                raise BadInput(f"{self.path}: the disk is full ({e})") from None
            raise BadInput(f"{self.path}: not a SQLite database ({e})") from None
        except BaseException:
            self.db.close()
            raise

    def _claim(self, create: bool) -> bool:
        """Whether the file is to become a new store; raises, having changed nothing, for a file
        that must not be opened (missing and not to be made, another program's, empty)."""
        found = identity.inspect(Path(self.path))
        if found.kind == "store":
            return False
        if found.kind == "foreign":
            raise BadInput(f"{self.path}: {found.why}")
        if create:
            return True
        if found.kind == "missing":
            raise NotFound(f"{self.path}: no such database")
        held = "an empty file (0 bytes)" if found.kind == "empty" else "a SQLite database holding no tables"
        raise BadInput(f"{self.path}: not a database of the extractor: {held}")

    def _open(self, new: bool) -> None:
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA cache_size = -65536")  # 64 MB: a batch writes into several indexes at once
        if self.read_only:
            if pending(self.db):
                raise BadInput(
                    f"{self.path}: made by an older version of the extractor, and reading it does not change it:"
                    " the next `extractor batch`, `extract --db`, `review resolve` or `serve` on it upgrades it"
                )
            return
        if new:
            # Marked first, so a store whose making is cut short is still known as the extractor's.
            self.db.execute(f"PRAGMA application_id = {identity.APPLICATION_ID}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")  # with WAL: safe against a crash of the process
        migrate(self.db)  # a file of the previous version is upgraded here, its rows carried over

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------------------

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One change, all of it or none. Inside `batch()` it joins the open transaction."""
        with self._lock:
            if self._batch_every is None:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    # SQLite may have rolled the whole transaction back itself (a full disk).
                    if self.db.in_transaction:
                        self.db.execute("ROLLBACK")
                    self._ids.forget()  # a key or a check kind made in it is gone with it
                    raise
                self.db.execute("COMMIT")
                return
            if not self.db.in_transaction:
                self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("SAVEPOINT one_change")
            try:
                yield
            except BaseException:
                if self.db.in_transaction:  # else SQLite rolled it all back, savepoint and all
                    self.db.execute("ROLLBACK TO one_change")
                    self.db.execute("RELEASE one_change")
                self._ids.forget()
                raise
            self.db.execute("RELEASE one_change")
            self._pending += 1
            if self._pending >= self._batch_every:
                self.commit()

    @contextmanager
    def batch(self, every: int = 100) -> Iterator[Store]:
        """Many writes in few transactions: committed every `every` changes, by `commit()`, and
        at the end (also when the block raises: what was done is kept, a change cut short is not).

        The write lock is held between commits, so a writer in another process waits meanwhile;
        readers never do. Call `commit()` while waiting for more work.
        """
        if every < 1:
            raise BadInput(f"every must be at least 1, not {every}")
        with self._lock:
            if self._batch_every is not None:
                raise RuntimeError("already in a batch")
            self._batch_every = every
            try:
                yield self
            finally:
                self.commit()
                self._batch_every = None

    def commit(self) -> None:
        """Commit what a batch has written so far (nothing to do outside a batch)."""
        with self._lock:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
            self._pending = 0

    def _run(self, fingerprint: Fingerprint, *, create: bool) -> int | None:
        """The run's id; with `create`, added if new (the caller holds the write)."""
        key = write.dumps(dict(fingerprint))
        if key in self._run_ids:
            return self._run_ids[key]
        row = self.db.execute("SELECT id FROM runs WHERE fingerprint = ?", (key,)).fetchone()
        if row is not None:
            # Only committed-or-kept ids are remembered; a new one is found again next time.
            self._run_ids[key] = row[0]
            return row[0]
        return write.run_id(self.db, fingerprint, self._now()) if create else None

    def has_result(self, sha256: str, fingerprint: Fingerprint) -> bool:
        """Whether this document already has a result read with this configuration (then: no work)."""
        run = self._run(fingerprint, create=False)
        return run is not None and write.has_result(self.db, sha256, run)

    def add(self, result: Result, fingerprint: Fingerprint, *, by: str = "extractor") -> Stored:
        """Store a run's result; re-apply the document's corrections; open, update, reopen or
        close its review as the rules say (`write.follow`).

        A document that already has a result for this configuration keeps it: the new one is
        not stored (`Stored.new` is False) and the path it came under is recorded.
        """
        if result.source.sha256 is None:
            return self._unreadable(result, by)
        return self._add(rows_of(result), result.model_dump_json(), result, fingerprint, by)

    def add_json(self, text: str, fingerprint: Fingerprint, *, by: str = "extractor") -> Stored:
        """`add` for a result given as its JSON (a line of `extract --json`): parsed once and
        stored as given, never serialised again."""
        try:
            result = Result.model_validate_json(text)
        except ValueError as e:
            raise BadInput(f"not a result: {str(e).splitlines()[0]}") from None
        if result.source.sha256 is None:
            return self._unreadable(result, by)
        return self._add(rows_of(result), text, result, fingerprint, by)

    def add_rows(
        self, rows: Rows, text: str, fingerprint: Fingerprint, *, ahead: Ahead | None = None, by: str = "extractor"
    ) -> Stored:
        """`add` for a result given as its rows and its JSON (what a worker process sends back,
        `rows.rows_of`), and `ahead`, what the worker worked out it and its organ's other years
        will stand as (taken where the store still holds what it was worked out on): nothing is
        parsed here unless the document's corrections or its organ's other years change what was
        read, and the worker could not tell."""
        return self._add(rows, text, None, fingerprint, by, ahead)

    def _unreadable(self, result: Result, by: str) -> Stored:
        with self._write():
            write.event(self.db, self._now(), by, "unreadable", path=result.source.path, error=result.error)
        return Stored(sha256=None, run_id=None, new=False, status=result.status, review=None, text="", result=result)

    def _add(
        self, rows: Rows, text: str, result: Result | None, fingerprint: Fingerprint, by: str, ahead: Ahead | None = None
    ) -> Stored:
        sha = rows.sha256
        with self._write():
            at = self._now()
            run = self._run(fingerprint, create=True)
            assert run is not None
            write.seen(self.db, rows, at)
            if write.failed_over_limit(self.db, sha, run):
                write.drop_result(self.db, sha, run)  # read again under a raised limit: the new reading stands
            elif write.has_result(self.db, sha, run):
                write.event(self.db, at, by, "skipped", sha256=sha, run_id=run, path=rows.path)
                kept = self._stored(sha)[2]
                result = Result.model_validate_json(kept)
                return Stored(sha256=sha, run_id=run, new=False, status=result.status, review=None, text=kept, result=result)
            write.insert_rows(self.db, rows, text, run, at, self._ids)
            write.event(self.db, at, by, "extracted", sha256=sha, run_id=run, status=rows.status, path=rows.path)
            # Its organ first: its other years are the organ's, whatever name they were printed under.
            moved = organs.assign(self.db, rows.organ, at)
            told = None
            if ahead is not None and write.basis(self.db, sha, rows.organ, rows.year) == ahead.basis:
                now, current, told = ahead.now, None, ahead.neighbours
            elif write.stands_as_read(self.db, rows):
                now, current = rows.read, result
            else:
                current, applied, differs = write.current_of(self.db, result or Result.model_validate_json(text))
                now = standing(current, applied, differs=differs)
            if now.applied:
                write.event(
                    self.db, at, by, "corrections_applied", sha256=sha, run_id=run, keys=list(now.applied), status=now.status
                )
            change = write.follow(self.db, now, run, actor=by, at=at)
            for other in now.related:
                self._weigh_again(other, because=sha, actor=by, at=at, told=(told or {}).get(other))
            # A name that joined (or left) an organ changes the other years of its documents.
            for other in organs.documents(self.db, moved, besides={sha, *now.related}):
                write.weigh_again(self.db, other, actor=by, at=at, because=sha)
        return Stored(sha256=sha, run_id=run, new=True, status=now.status, review=change, text=now.kept or text, result=current)

    def _weigh_again(self, sha256: str, *, because: str, actor: str, at: str, told: Neighbour | None = None) -> None:
        """A document of the organ's neighbouring year, weighed again now that `because` is here
        (`told`: as a worker worked it out, taken if the store still holds what it was worked out on)."""
        if told is not None and told.basis == write.basis(self.db, sha256, told.basis.organ, told.basis.year, stored=True):
            assert told.basis.stored is not None
            now, run = told.now, told.basis.stored[1]
            if now is None:
                return
        else:
            write.weigh_again(self.db, sha256, actor=actor, at=at, because=because)
            return
        write.follow(self.db, now, run, actor=actor, at=at)
        write.event(self.db, at, actor, "related_years", sha256=sha256, run_id=run, other=because, status=now.status)

    def skip(self, sha256: str, fingerprint: Fingerprint, *, path: str, by: str = "extractor", event: bool = True) -> None:
        """Record that a document seen under `path` was not read again: it has a result for
        this configuration already (ask `has_result` first). `event=False`: no event of its
        own (a batch tells its run's skips in one, `skipped_in_run`)."""
        run = self._run(fingerprint, create=False)
        with self._write():
            at = self._now()
            if not self.db.execute("SELECT 1 FROM documents WHERE sha256 = ?", (sha256,)).fetchone():
                raise NotFound(f"no document {sha256}: only a document the store has can be skipped")
            self.db.execute("INSERT OR IGNORE INTO paths (sha256, path, first_seen) VALUES (?, ?, ?)", (sha256, path, at))
            if event:
                write.event(self.db, at, by, "skipped", sha256=sha256, run_id=run, path=path)

    def skipped_in_run(self, documents: int, fingerprint: Fingerprint, *, by: str = "extractor") -> None:
        """One event for the documents a run met and did not read again (they had a result for
        its configuration): a re-run of an archive writes one, not one per document."""
        with self._write():
            write.event(self.db, self._now(), by, "run_skipped", run_id=self._run(fingerprint, create=False), documents=documents)

    def resolve(
        self,
        sha256: str,
        *,
        reviewer: str,
        cells: Mapping[str, Number | None] | None = None,
        accept: bool = False,
        note: str | None = None,
        version: int | None = None,
    ) -> Review:
        """A reviewer's decision on a document's open review.

        `cells` correct values (kept as corrections, re-applied to every later run); the result
        is verified again and the review closes only if it now verifies, or if `accept` (the
        document accepted as printed, which needs a `note`). `version`: the review's version
        the reviewer saw; if someone changed it since, `Conflict` says who and when, and
        nothing is written.
        """
        if not cells and not accept:
            raise BadInput("give corrected cells, or accept the document as printed")
        if accept and not (note and note.strip()):
            raise BadInput("accepting a document as printed needs a note saying why")
        if not reviewer.strip():
            raise BadInput("a resolution needs the reviewer's name")
        with self._write():
            at = self._now()
            row = self._review_row(sha256)
            if version is not None and row["version"] != version:
                raise Conflict(_changed(row, version))
            if row["state"] == "resolved":
                raise Conflict(
                    f"the review of {sha256[:12]} is already resolved ({row['resolution']},"
                    f" by {row['changed_by']} at {_clock_time(row['changed_at'])})"
                )
            run = row["run_id"]
            extracted = write.load_result(self.db, sha256, run)
            unknown = sorted(set(cells or {}) - set(extracted.cells))
            if unknown:
                raise BadInput(f"not cells of this document: {', '.join(unknown)}")
            before = self._current(sha256)
            for key, value in (cells or {}).items():
                made = self.db.execute(
                    "INSERT INTO corrections (sha256, key, value, reviewer, at, note) VALUES (?, ?, ?, ?, ?, ?)",
                    (sha256, key, value, reviewer, at, note),
                )
                # The version decided on and the correction's id: what `undo` takes back.
                write.event(
                    self.db, at, reviewer, "cell_corrected", sha256=sha256, run_id=run, key=key,
                    value=value, was=before.cells.get(key), version=row["version"], correction=made.lastrowid,
                )
            current, applied_keys, differs = write.current_of(self.db, extracted)
            closes = accept or current.status == "verified"
            shown = json.loads(row["questioned"]) + questioned(extracted)
            columns = current_columns(current, also_questioned=shown if closes else ()) | {
                "run_id": run, "corrected": current.model_dump_json() if differs else None,
                "changed_at": at, "changed_by": reviewer,
            }  # fmt: skip
            if closes:
                resolution = "accepted" if accept else "corrected"
                columns |= {"state": "resolved", "resolution": resolution, "reviewer": reviewer, "note": note, "resolved_at": at}
            if not write.write_review(self.db, sha256, columns, version=row["version"]):
                raise Conflict(_changed(self._review_row(sha256), row["version"]))
            if closes:
                action: Action = "accepted" if accept else "review_resolved"
                write.event(
                    self.db, at, reviewer, action, sha256=sha256, run_id=run, status=current.status, note=note, version=row["version"]
                )
                claims.release(self.db, sha256)
        return self.review(sha256)

    # --- reading -----------------------------------------------------------------------------

    def lookup(self, prefix: str) -> str:
        """The sha256 of the one document whose hash starts with `prefix`."""
        p = prefix.strip().lower()
        if not p or any(c not in "0123456789abcdef" for c in p):
            raise BadInput(f"not a document hash or a prefix of one: {prefix!r}")
        rows = self.db.execute(
            "SELECT sha256 FROM documents WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256 LIMIT 3", (p, p + "g")
        ).fetchall()
        if not rows:
            raise NotFound(f"no document {p}")
        if len(rows) > 1:
            raise BadInput(f"{p} is the start of several documents' hashes ({rows[0][0][:16]}, {rows[1][0][:16]}, …): give more of it")
        return rows[0][0]

    def runs(self) -> list[Run]:
        return [_run(row) for row in self.db.execute("SELECT * FROM runs ORDER BY id")]

    def run(self, run_id: int) -> Run:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise NotFound(f"no run {run_id}")
        return _run(row)

    def locate(self, sha256: str, origin: Origin) -> None:
        """Record where a document's bytes are on disk (a run saw them there, or kept a copy)."""
        with self._write():
            write.located(self.db, sha256, origin, self._now())

    def sources(self, sha256: str) -> list[Origin]:
        """Where the document's bytes were seen, the latest first, copies the runs kept last."""
        rows = self.db.execute(
            "SELECT file, member, relative, size, mtime, kept FROM sources WHERE sha256 = ? ORDER BY kept, seen_at DESC, rowid DESC",
            (sha256,),
        )
        return [Origin(*row[:5], kept=bool(row[5])) for row in rows]

    def paths(self, sha256: str) -> list[str]:
        """Every path the document was seen under, first seen first."""
        return [r[0] for r in self.db.execute("SELECT path FROM paths WHERE sha256 = ? ORDER BY first_seen, rowid", (sha256,))]

    def review(self, sha256: str) -> Review:
        row = self._review_row(sha256)
        kept = write.kept_result(self.db, sha256, row["run_id"])
        extracted = Result.model_validate_json(unpack(kept))  # type: ignore[arg-type]
        return Review(
            sha256=sha256,
            state=row["state"],
            resolution=row["resolution"],
            questioned=json.loads(row["questioned"]),
            why=row["why"],
            reviewer=row["reviewer"],
            note=row["note"],
            opened_at=row["opened_at"],
            resolved_at=row["resolved_at"],
            changed_at=row["changed_at"],
            changed_by=row["changed_by"],
            version=row["version"],
            run=self.run(row["run_id"]),
            extracted=extracted,
            current=Result.model_validate_json(standing_json(kept, row["corrected"])) if row["corrected"] else extracted,
            corrections=self.corrections(sha256),
        )

    def queue(
        self, where: Filter = OPEN, *, after: str | None = None, limit: int = 50, order: str = "doubt", reviewer: str | None = None
    ) -> Page:
        """One page of the reviews `where` selects, in `order` (`queue.ORDERS`: the most in doubt
        first by default), then by hash; `reviewer`: passing over documents others hold."""
        return queries.page(self.db, where, after, limit, queries.order_of(order), self._seen(reviewer))

    def reviews(self, where: Filter = OPEN, *, order: str = "doubt", reviewer: str | None = None) -> Iterator[QueueItem]:
        """Every review `where` selects, in `order`, read a page at a time."""
        return queries.every(self.db, where, queries.order_of(order), self._seen(reviewer))

    def reason_counts(self, where: Filter = OPEN) -> dict[str, int]:
        """How many of the reviews `where` selects (whatever its `reason`) give each reason."""
        return queries.reason_counts(self.db, where)

    # --- organs: which printed names are one organ ---------------------------------------------

    def list_organs(self, *, organ: str | None = None, joined_only: bool = False) -> list[organs.Organ]:
        """The organs with their names, how each joined and why (`organ`: one, by id or name)."""
        return organs.listing(self.db, organ=organ, joined_only=joined_only)

    def split_organ(self, name: str, *, by: str) -> str:
        """`name` taken out of its organ into one of its own, for good; returns its organ_id."""
        with self._write():
            at = self._now()
            try:
                organ, moved = organs.split(self.db, name, at)
            except LookupError:
                raise NotFound(f"no organ name {name!r}: `extractor organs list` shows them") from None
            self._organs_changed(moved, by=by, at=at, change="split", organ_id=organ, names=[name])
        return organ

    def merge_organs(self, organ_ids: list[str], *, by: str) -> str:
        """The organs made one, under the first's organ_id (which it returns)."""
        with self._write():
            at = self._now()
            unknown = [o for o in organ_ids if not organs.names_of(self.db, o)]
            if unknown or len(set(organ_ids)) < 2:
                raise BadInput(f"no organ {unknown[0]}" if unknown else "name two organs or more to merge")
            into, moved = organs.merge(self.db, organ_ids, at)
            self._organs_changed(moved, by=by, at=at, change="merge", organ_id=into, names=organs.names_of(self.db, into))
        return into

    def load_organs(self, entries: list[organs.Entry], *, by: str) -> int:
        """A registry's organs over the printed names (`organs.registry`); returns the names moved."""
        with self._write():
            at = self._now()
            moved = organs.load_registry(self.db, entries, at)
            self._organs_changed(moved, by=by, at=at, change="registry", organ_id=None, names=sorted(moved.names))
        return len(moved.names)

    def _organs_changed(self, moved: organs.Moved, *, by: str, at: str, **detail: Any) -> None:
        """The change recorded, and the documents whose organ's other years it changes weighed again."""
        write.event(self.db, at, by, "organs_changed", **detail)
        for sha in organs.documents(self.db, moved):
            write.weigh_again(self.db, sha, actor=by, at=at, because=None)

    # --- the workbench: neighbours, claims, progress, decisions taken back ---------------------

    def _seen(self, reviewer: str | None) -> Seen | None:
        return Seen(reviewer, self._now()) if reviewer else None

    def position(self, sha256: str) -> QueueItem | None:
        """The document's review as the queue lists it (None: it has none); its place in every order."""
        return queries.position(self.db, sha256)

    def neighbour(
        self, at: QueueItem, where: Filter = OPEN, *, order: str = "doubt", forward: bool = True, reviewer: str | None = None
    ) -> str | None:
        """The next document after `at` (`forward`) or the one before, among those `where`
        selects and `reviewer`'s to take; round again past the end; None when none is left."""
        return queries.step(self.db, where, queries.order_of(order), at, forward=forward, seen=self._seen(reviewer))

    def claim(self, sha256: str, reviewer: str, *, minutes: int = claims.MINUTES) -> claims.Claim:
        """`reviewer` holds the document for `minutes` (letting go of their others), unless
        someone else does: then theirs is returned and nothing changes."""
        with self._write():
            return claims.claim(self.db, sha256, reviewer, self._clock(), minutes)

    def holders(self, shas: list[str]) -> dict[str, claims.Claim]:
        """Who holds each of these documents now (those no one holds are left out)."""
        return claims.holders(self.db, shas, self._now())

    def resolved_today(self, reviewer: str) -> int:
        """The reviews `reviewer` resolved today (UTC) that stand resolved."""
        return queries.resolved_since(self.db, reviewer, self._clock().astimezone(UTC).date().isoformat())

    def reopen(self, sha256: str, *, reviewer: str, note: str | None = None, version: int | None = None) -> Review:
        """Open a resolved review again, its corrections kept (`version`: as `resolve`)."""
        self._named(reviewer)
        with self._write():
            decisions.reopen(self.db, self._review_row(sha256), reviewer=reviewer, at=self._now(), note=note, version=version)
        return self.review(sha256)

    def undo(self, sha256: str, *, reviewer: str, version: int | None = None) -> Review:
        """Take back the latest decision on the document while the review stands as it left
        it: its corrections withdrawn, the review open (`decisions`)."""
        self._named(reviewer)
        with self._write():
            decisions.undo(self.db, self._review_row(sha256), reviewer=reviewer, at=self._now(), version=version)
        return self.review(sha256)

    @staticmethod
    def _named(reviewer: str) -> None:
        if not reviewer.strip():
            raise BadInput("a decision needs the reviewer's name")

    def current(self, sha256: str) -> Result:
        """The document's result now: the newest run's, its corrections applied and re-verified."""
        if not self.db.execute("SELECT 1 FROM results WHERE sha256 = ?", (sha256,)).fetchone():
            raise NotFound(f"no document {sha256}")
        return self._current(sha256)

    def _current(self, sha256: str) -> Result:
        return Result.model_validate_json(self._stored(sha256)[2])

    def _stored(self, sha256: str) -> tuple[int, str, str]:
        return write.stored(self.db, sha256)

    def current_results(self) -> Iterator[Result]:
        """Every document's current result, by hash, one at a time (for exports)."""
        for text in self.current_json():
            yield Result.model_validate_json(text)

    def current_json(self) -> Iterator[str]:
        """The same as JSON text, as stored: a JSON lines export without parsing anything."""
        rows = self.db.execute(
            "SELECT r.result, v.corrected FROM results r"
            " LEFT JOIN reviews v ON v.sha256 = r.sha256 AND v.run_id = r.run_id"
            " WHERE r.id = (SELECT max(n.id) FROM results n WHERE n.sha256 = r.sha256) ORDER BY r.sha256"
        )
        for read, corrected in rows:
            yield standing_json(read, corrected)  # type: ignore[misc]

    def current_cells(self, sha256: str | None = None) -> Iterator[CurrentCell]:
        """Rows of the `current_cells` view: one document's, or every document's by hash."""
        where, params = ("WHERE sha256 = ?", (sha256,)) if sha256 else ("", ())
        for row in self.db.execute(f"SELECT * FROM current_cells {where} ORDER BY sha256, key", params):
            sha, run, key, value, state, method, raw, *located = row[:20]
            extracted, corrected, reviewer, at, note = row[20:]
            yield CurrentCell(
                sha256=sha, run_id=run, key=key, value=value, state=state, method=method, raw=raw,
                location=location_of(located, box_in_points=True), extracted=extracted,
                corrected=bool(corrected), reviewer=reviewer, corrected_at=at, note=note,
            )  # fmt: skip

    def corrections(self, sha256: str) -> list[Correction]:
        """Every correction of the document, oldest first (the latest per cell counts)."""
        rows = self.db.execute(
            "SELECT id, sha256, key, value, reviewer, at, note FROM corrections WHERE sha256 = ? ORDER BY id", (sha256,)
        )
        return [Correction(*row) for row in rows]

    def events(self, sha256: str | None = None) -> Iterator[Event]:
        """What happened, oldest first: to one document, or to all."""
        where, params = ("WHERE sha256 = ?", (sha256,)) if sha256 else ("", ())
        for row in self.db.execute(f"SELECT id, at, actor, action, sha256, run_id, key, detail FROM events {where} ORDER BY id", params):
            id_, at, actor, action, sha, run, key, detail = row
            yield Event(id=id_, at=at, actor=actor, action=action, sha256=sha, run_id=run, key=key, detail=json.loads(detail))

    def _review_row(self, sha256: str) -> sqlite3.Row:
        cur = self.db.cursor()
        cur.row_factory = sqlite3.Row
        row = cur.execute("SELECT * FROM reviews WHERE sha256 = ?", (sha256,)).fetchone()
        if row is not None:
            return row
        if self.db.execute("SELECT 1 FROM documents WHERE sha256 = ?", (sha256,)).fetchone():
            raise NotFound(f"document {sha256[:12]} has no review: it verified")
        raise NotFound(f"no document {sha256}")


def _run(row: tuple) -> Run:
    id_, fingerprint, extractor, strategy, model, mode, prompts, first_used = row
    return Run(
        id=id_,
        fingerprint=json.loads(fingerprint),
        extractor=extractor,
        strategy=strategy,
        model=model,
        mode=mode,
        prompts=json.loads(prompts) if prompts else None,
        first_used=first_used,
    )
