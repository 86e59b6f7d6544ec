"""Files that are not the extractor's store, and stores that are not this version's: every
command refuses another program's database in one line, exit 2, without changing a byte of it
or leaving a file beside it; the commands that only read never change a store, not even an old
one, and say how it is upgraded; an empty file becomes a store only when a batch makes it one."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.errors import BadInput
from extractor.options import RULES_ONLY
from extractor.pipeline import extract_file
from extractor.store import Store
from extractor.store.identity import APPLICATION_ID, inspect
from extractor.store.migrations import MIGRATIONS

from .conftest import DOCS, ROOT
from .previous_store import PreviousStore, earlier_store

SHANGHAI = DOCS / "10_shanghai_kewei_2024.md"
OLDER = (
    "made by an older version of the extractor, and reading it does not change it: the next `extractor batch`,"
    " `extract --db`, `review resolve` or `serve` on it upgrades it"
)


def _sqlite(path: Path, *statements: str, wal: bool = False) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    if wal:
        db.execute("PRAGMA journal_mode = WAL")
    for statement in statements:
        db.execute(statement)
    db.close()


def notes(path: Path) -> None:
    _sqlite(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)", "INSERT INTO notes (text) VALUES ('buy milk')")


def look_alike(path: Path, wal: bool = False) -> None:
    """Another tool's tables named as the store's are: as the tester's file had them."""
    _sqlite(
        path, "CREATE TABLE documents (id INTEGER PRIMARY KEY, title TEXT)",
        "CREATE TABLE results (id INTEGER PRIMARY KEY, score REAL)", "INSERT INTO results (score) VALUES (0.5)", wal=wal,
    )  # fmt: skip


def own_migrations(path: Path) -> None:
    _sqlite(path, "CREATE TABLE _migrations (version INTEGER)", "INSERT INTO _migrations VALUES (3)")


def other_program(path: Path) -> None:
    _sqlite(path, f"PRAGMA application_id = {0x47504B4D}", "CREATE TABLE t (x)")


def not_sqlite(path: Path) -> None:
    path.write_bytes("笔记：这不是数据库\n".encode() * 50)


FOREIGN = [
    (notes, "not a database of the extractor: it holds the table notes"),
    (look_alike, "not a database of the extractor: it holds the tables documents, results"),
    (lambda p: look_alike(p, wal=True), "not a database of the extractor: it holds the tables documents, results"),
    (own_migrations, "not a database of the extractor: it holds the table _migrations"),
    (other_program, "another program's SQLite database (application_id 0x47504b4d), not the extractor's"),
    (not_sqlite, "not a SQLite database"),
]
COMMANDS = [
    ("batch", str(SHANGHAI), "--db", "{db}", "--workers", "1"),
    ("extract", str(SHANGHAI), "--db", "{db}", "-o", "{out}"),
    ("review", "list", "--db", "{db}"),
    ("review", "show", "abc", "--db", "{db}"),
    ("review", "resolve", "abc", "--db", "{db}", "--accept", "--note", "x", "--reviewer", "li"),
    ("export", "--db", "{db}", "--format", "csv", "-o", "{out}"),
]


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _invoke(args: tuple[str, ...], db: Path):
    filled = [a.format(db=db, out=db.parent / "out.file") for a in args]
    return CliRunner().invoke(cli, filled)


@pytest.mark.parametrize("make,held", FOREIGN, ids=["notes", "look-alike", "look-alike-wal", "own-migrations", "app-id", "text"])
@pytest.mark.parametrize("command", COMMANDS, ids=["batch", "extract", "review list", "review show", "review resolve", "export"])
def test_another_programs_file_is_refused_and_left_byte_for_byte(tmp_path, make, held, command):
    db = tmp_path / "theirs.sqlite"
    make(db)
    before = _files(tmp_path)
    r = _invoke(command, db)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"error: {db}: {held}\n")
    assert _files(tmp_path) == before, "the file unchanged, and no -wal, -shm, journal or output beside it"


def test_serve_refuses_another_programs_file_in_one_line(tmp_path):
    db = tmp_path / "theirs.sqlite"
    notes(db)
    before = db.read_bytes()
    p = subprocess.run(
        [sys.executable, "-m", "extractor", "serve", "--db", str(db), "--data", str(tmp_path / "data"), "--port", "0"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert (p.returncode, p.stderr) == (2, f"error: {db}: not a database of the extractor: it holds the table notes\n")
    assert db.read_bytes() == before and not list(tmp_path.glob("theirs.sqlite-*"))


@pytest.mark.parametrize("make", [f for f, _ in FOREIGN])
def test_inspecting_another_programs_file_changes_nothing(tmp_path, make):
    db = tmp_path / "theirs.sqlite"
    make(db)
    before = _files(tmp_path)
    assert inspect(db).kind == "foreign"
    with pytest.raises(BadInput):
        Store(db)
    assert _files(tmp_path) == before


def test_what_a_file_is(tmp_path):
    made = tmp_path / "made.sqlite"
    Store(made).close()
    earlier = tmp_path / "earlier.sqlite"
    earlier_store(earlier)
    previous = tmp_path / "previous.sqlite"
    PreviousStore(previous).close()
    blank = tmp_path / "blank.sqlite"
    _sqlite(blank, "PRAGMA user_version = 1")
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    kinds = {p.name: inspect(p).kind for p in (made, earlier, previous, blank, empty, tmp_path / "missing.sqlite")}
    assert kinds == {
        "made.sqlite": "store", "earlier.sqlite": "store", "previous.sqlite": "store", "blank.sqlite": "blank",
        "empty.sqlite": "empty", "missing.sqlite": "missing",
    }  # fmt: skip


def test_a_new_store_and_an_upgraded_one_carry_the_extractors_mark(tmp_path):
    new, old = tmp_path / "new.sqlite", tmp_path / "old.sqlite"
    Store(new).close()
    earlier_store(old)
    assert _application_id(old) == 0
    Store(old).close()
    for path in (new, old):
        assert _application_id(path) == APPLICATION_ID
        assert _migrations(path) == [fn.__name__ for fn in MIGRATIONS]


READERS = [("review", "list", "--db", "{db}"), ("review", "show", "abc", "--db", "{db}"),
           ("export", "--db", "{db}", "--format", "jsonl", "-o", "{out}")]  # fmt: skip


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("old", ["earlier", "previous"])
def test_reading_an_old_store_says_how_to_upgrade_it_and_changes_nothing(tmp_path, command, old):
    db = tmp_path / "old.sqlite"
    if old == "earlier":
        earlier_store(db)
    else:
        previous = PreviousStore(db)
        previous.add(extract_file(SHANGHAI), "2026-10-01T08:00:00+00:00")
        previous.close()
    before = db.read_bytes()
    r = _invoke(command, db)
    assert (r.exit_code, r.stderr) == (2, f"error: {db}: {OLDER}\n")
    assert db.read_bytes() == before, "not migrated, its journal mode as it was"
    assert not (tmp_path / "out.file").exists()


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_reading_never_writes_to_a_store(tmp_path, command):
    db = tmp_path / "r.sqlite"
    with Store(db) as store:
        store.add(extract_file(SHANGHAI), RULES_ONLY.fingerprint)
    before = db.read_bytes()
    r = _invoke(command, db)
    assert r.exit_code in (0, 2) and "not a database" not in r.stderr and "older version" not in r.stderr, r.stderr
    assert db.read_bytes() == before


def test_a_read_only_store_refuses_writes(tmp_path):
    db = tmp_path / "r.sqlite"
    Store(db).close()
    with Store(db, read_only=True) as store, pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.add(extract_file(SHANGHAI), RULES_ONLY.fingerprint)


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("blank", [False, True], ids=["0 bytes", "no tables"])
def test_reading_an_empty_file_is_refused(tmp_path, command, blank):
    db = tmp_path / "empty.sqlite"
    if blank:
        _sqlite(db, "PRAGMA user_version = 1")
    else:
        db.write_bytes(b"")
    before = _files(tmp_path)
    r = _invoke(command, db)
    held = "a SQLite database holding no tables" if blank else "an empty file (0 bytes)"
    assert (r.exit_code, r.stderr) == (2, f"error: {db}: not a database of the extractor: {held}\n")
    assert _files(tmp_path) == before


def test_a_batch_makes_a_store_of_an_empty_file(tmp_path):
    db = tmp_path / "empty.sqlite"
    db.write_bytes(b"")
    p = subprocess.run(
        [sys.executable, "-m", "extractor", "batch", str(SHANGHAI), "--db", str(db), "--workers", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert p.returncode == 1, p.stderr
    assert _application_id(db) == APPLICATION_ID
    r = CliRunner().invoke(cli, ["review", "list", "--db", str(db), "--json"])
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 1


def test_a_batch_upgrades_an_earlier_store_which_can_then_be_read(tmp_path):
    db = tmp_path / "old.sqlite"
    earlier_store(db)
    p = subprocess.run(
        [sys.executable, "-m", "extractor", "batch", str(SHANGHAI), "--db", str(db), "--workers", "1"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert p.returncode == 1, p.stderr
    assert _migrations(db)[-1] == MIGRATIONS[-1].__name__
    assert CliRunner().invoke(cli, ["review", "list", "--db", str(db)]).exit_code == 0


def _application_id(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[68:72], "big")


def _migrations(path: Path) -> list[str]:
    with Store(path, read_only=True) as store:
        return [r[0] for r in store.db.execute("SELECT name FROM _migrations ORDER BY rowid")]
