"""Where a batch's documents are: recorded as they are read (a file, or an archive and its member,
nested ones included), copies kept by hash, and found again by the service, under new roots
when they moved, with the places looked at named when they are gone."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from extractor.batch import InProcess, Ledger, run
from extractor.batch.copies import Copies
from extractor.limits import Limits
from extractor.load.archive import Origin, inputs, read_at
from extractor.options import RULES_ONLY
from extractor.store import Store
from extractor.web.finder import SourceNotFound, Wanted, find, places_of_paths

from .conftest import DOCS

REPORT = DOCS / "004_f8b21749840a51ab.txt"
OTHER = DOCS / "05_pingtan_2023.txt"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def archive(tmp_path) -> Path:
    """archive/ with a report, a zip holding one, and a zip in that zip holding another."""
    folder = tmp_path / "archive"
    (folder / "2023").mkdir(parents=True)
    shutil.copy(REPORT, folder / "2023" / "a.txt")
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w") as zf:
        zf.write(OTHER, "年报/c.txt")
    with zipfile.ZipFile(folder / "more.zip", "w") as zf:
        zf.write(REPORT, "b.txt")
        zf.write(inner, "sub/inner.zip")
    return folder


def test_each_input_names_where_its_bytes_are_and_they_read_back_the_same(archive):
    got = {i.name.removeprefix(str(archive) + "/"): i.origin for i in inputs([str(archive)])}
    zip_file = str((archive / "more.zip").resolve())
    assert {name: (o.file, o.member, o.relative) for name, o in got.items()} == {
        "2023/a.txt": (str((archive / "2023/a.txt").resolve()), "", "archive/2023/a.txt"),
        "more.zip!b.txt": (zip_file, "b.txt", "archive/more.zip"),
        "more.zip!sub/inner.zip!年报/c.txt": (zip_file, "sub/inner.zip!年报/c.txt", "archive/more.zip"),
    }
    assert read_at(zip_file, "sub/inner.zip!年报/c.txt") == OTHER.read_bytes()
    assert got["more.zip!b.txt"].size == (archive / "more.zip").stat().st_size


def test_a_batch_records_every_place_a_document_is_and_keeps_one_copy(archive, tmp_path):
    kept = archive / "kept"  # inside the folder read: never read as a document itself
    store = Store(tmp_path / "s.sqlite")
    ledger = Ledger(store, RULES_ONLY.fingerprint)
    for _ in range(2):  # the second run reads nothing, and records nothing twice
        outcomes = list(run(inputs([str(archive)], read=False, skip=[kept]), pool=InProcess(RULES_ONLY), store=ledger, keep=Copies(kept)))
    ledger.commit()
    assert len(outcomes) == 3 and not any(o.new for o in outcomes)
    report = sha(REPORT.read_bytes())
    places = store.sources(report)
    zip_file = str((archive / "more.zip").resolve())
    assert {(p.file, p.member, p.kept) for p in places} == {
        (str((archive / "2023/a.txt").resolve()), "", False),
        (zip_file, "b.txt", False),
        (str(kept.resolve() / report[:2] / report), "", True),
    }
    assert places[-1].kept  # the copy is looked at after the places it was read from
    assert sorted(p.name for p in kept.rglob("*") if p.is_file()) == sorted([report, sha(OTHER.read_bytes())])
    assert (kept / report[:2] / report).read_bytes() == REPORT.read_bytes()


def test_a_moved_archive_is_found_under_a_new_root_and_a_gone_one_says_where_it_was_looked_for(archive, tmp_path):
    data = REPORT.read_bytes()
    places = (Origin(str(archive / "more.zip"), member="b.txt", relative="archive/more.zip"),)
    wanted = Wanted(sha(data), places)
    assert find(wanted, Limits())[0] == data
    moved = tmp_path / "disk" / "old"
    moved.parent.mkdir()
    shutil.move(str(archive), moved)  # now disk/old/more.zip: not archive/more.zip under any root
    for root in (moved.parent, moved, tmp_path):  # its path under the root less its first folders, or its name
        found, place = find(Wanted(wanted.sha256, places, (str(root),)), Limits())
        assert found == data and place.file == str(moved / "more.zip")
    (moved / "more.zip").unlink()
    with pytest.raises(SourceNotFound) as gone:
        find(Wanted(wanted.sha256, places), Limits())
    assert str(gone.value) == f"its file was not found: looked at {archive}/more.zip!b.txt (no such file)"


def test_a_file_that_changed_since_it_was_read_is_not_taken_for_it(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(OTHER.read_bytes())
    wanted = Wanted(sha(REPORT.read_bytes()), (Origin(str(path)),))
    with pytest.raises(SourceNotFound, match=r"a\.txt \(another document is there now\)"):
        find(wanted, Limits())


def test_a_document_stored_before_sources_were_recorded_is_looked_for_by_the_paths_it_was_seen_under(archive, tmp_path):
    places = places_of_paths([f"{archive}/more.zip!b.txt", "elsewhere/2023/a.txt"])
    assert [(p.member, p.relative) for p in places] == [("b.txt", f"{archive}/more.zip".lstrip("/")), ("", "elsewhere/2023/a.txt")]
    found, place = find(Wanted(sha(REPORT.read_bytes()), places[1:], (str(tmp_path),)), Limits())
    assert found == REPORT.read_bytes() and place.file == str(tmp_path / "archive/2023/a.txt")
