"""Files put in place only once complete: every temporary renamed together at the end, or all
removed when the export stops, whatever stops it."""

from __future__ import annotations

import os
import signal

import pytest

from extractor.export.atomic import Terminated, atomic_path, signals_raise, staged


def test_every_file_appears_only_when_the_block_ends(tmp_path):
    with staged() as files:
        for name in ("cells.csv", "cells.documents.csv"):
            files.path(tmp_path / name).write_text(name, encoding="utf-8")
        assert not (tmp_path / "cells.csv").exists() and not (tmp_path / "cells.documents.csv").exists()
        assert all(p.name.startswith(".") for p in tmp_path.iterdir())
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.iterdir()} == {
        "cells.csv": "cells.csv", "cells.documents.csv": "cells.documents.csv",
    }  # fmt: skip


def test_the_same_target_is_one_temporary_with_its_suffix(tmp_path):
    with staged() as files:
        first = files.path(tmp_path / "r.xlsx")
        assert files.path(tmp_path / "r.xlsx") == first and first.suffix == ".xlsx"
        first.write_bytes(b"x")
        assert files.targets == [tmp_path / "r.xlsx"]


@pytest.mark.parametrize("error", [RuntimeError("broken"), KeyboardInterrupt(), Terminated()])
def test_stopped_leaves_nothing_and_an_older_output_as_it_was(tmp_path, error):
    (tmp_path / "old.csv").write_text("complete\n", encoding="utf-8")
    with pytest.raises(type(error)):
        with staged() as files:
            files.path(tmp_path / "new.csv").write_text("half", encoding="utf-8")
            files.path(tmp_path / "old.csv").write_text("half", encoding="utf-8")
            raise error
    assert [p.name for p in tmp_path.iterdir()] == ["old.csv"]
    assert (tmp_path / "old.csv").read_text(encoding="utf-8") == "complete\n"


def test_sigterm_is_raised_as_an_interrupt_within_the_block_only(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        with signals_raise(), atomic_path(tmp_path / "out.csv") as part:
            part.write_text("half", encoding="utf-8")
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):  # Python runs the handler between two instructions
                pass
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_file_put_in_place_has_the_permissions_of_any_file_the_user_makes(tmp_path):
    before = os.umask(0o027)
    try:
        with atomic_path(tmp_path / "out.csv") as path:
            path.write_text("a\n")
        (tmp_path / "plain.csv").write_text("a\n")
    finally:
        os.umask(before)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == (tmp_path / "plain.csv").stat().st_mode & 0o777 == 0o640
