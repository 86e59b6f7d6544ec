"""The data flows one way: no module imports one on a later step of the flow.

load → locate → extract → verify → reconcile → store → export. `verify/` is its own package
and imports nothing of the extractor. The modules every step may use (errors, models, labels,
number reading) sit below the flow; the commands, the service and the pipeline that sequences
the steps sit above it and may import anything. The limits of one document (`extractor.limits`)
are base too: every step enforces them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The steps, in the order the data flows. A module may import its own step, earlier steps and
# the base; a module of no step (the app layer) may import anything.
BASE = (
    "extractor.errors", "extractor.kinds", "extractor.models", "extractor.labels", "extractor.normalize", "extractor.numbers",
    "extractor.limits", "extractor.likeness",
)  # fmt: skip
STEPS = (
    "extractor.load",
    "extractor.locate",
    "extractor.extract",
    "extractor.reconcile",
    "extractor.store",
    "extractor.export",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, absolute, with its line: top-level and inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names] if not node.module else [target]
            out += [(node.lineno, n) for n in names]
    return out


def _rank(module: str) -> int | None:
    """0 for the base, 1… for the steps in order, None for the app layer and third parties."""
    if any(module == b or module.startswith(b + ".") for b in BASE):
        return 0
    for i, step in enumerate(STEPS, start=1):
        if module == step or module.startswith(step + "."):
            return i
    return None


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_the_rule_knows_every_step_folder():
    """A new folder under extractor/ must be placed in the flow (or left to the app layer on purpose)."""
    folders = {p.name for p in (ROOT / "extractor").iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders - {s.split(".")[1] for s in STEPS} <= {"batch", "web", "evaluate"}


@pytest.mark.parametrize("path", _files("extractor"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_later_step(path):
    me = _rank(_module_name(path))
    if me is None:
        return
    later = []
    for line, target in _imports(path):
        if target.split(".")[0] != "extractor":
            continue
        rank = _rank(target)  # None: the app layer (pipeline, options, the CLI, the package itself)
        if rank is None or rank > me:
            later.append(f"line {line}: {target}")
    assert not later, f"{path.relative_to(ROOT)} (step {me}) imports later steps: {later}"


@pytest.mark.parametrize("path", _files("verify"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_verifier_imports_nothing_of_the_extractor_and_does_no_io(path):
    imported = [t for _, t in _imports(path)]
    assert not [t for t in imported if t.split(".")[0] == "extractor"]
    assert not {t.split(".")[0] for t in imported} & {"os", "io", "pathlib", "sqlite3", "socket", "subprocess", "shutil"}


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """The checker itself: a store module importing the pipeline is found."""
    fake = ROOT / "extractor" / "store" / "_probe_upward.py"
    monkeypatch.setattr(Path, "read_text", lambda self, **kw: "from ..pipeline import extract_file\n")
    imports = _imports(fake)
    assert imports == [(1, "extractor.pipeline")]
    assert _rank("extractor.pipeline") is None and _rank("extractor.store.queue") == 5
