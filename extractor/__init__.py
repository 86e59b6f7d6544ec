"""Extract, verify and reconcile the tables of government information-disclosure annual reports.

    >>> from extractor import extract_file
    >>> result = extract_file("golden/docs/002_eb42678789e3d87b.txt")
    >>> result.status, result.cells["s2.licensing.decisions"]
    ('verified', 2554)

A batch over folders and archives, each document read once (`inputs` walks folders and reads
zips member by member; every input ends with a result, an unreadable one as `failed`):

    >>> from extractor import Options, extract_input, inputs
    >>> statuses = [extract_input(i, options=Options()).status for i in inputs(["golden/docs"])]
    >>> len(statuses), statuses.count("verified")
    (9, 6)

The names are loaded when first used, so `import extractor` costs next to nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "extract_file": "extractor.pipeline",
    "extract_bytes": "extractor.pipeline",
    "extract_document": "extractor.pipeline",
    "extract_input": "extractor.pipeline",
    "Options": "extractor.options",
    "Result": "extractor.models",
    "Store": "extractor.store",
    "inputs": "extractor.load.archive",
    "ExtractorError": "extractor.errors",
}

__all__ = [
    "extract_file",
    "extract_bytes",
    "extract_document",
    "extract_input",
    "Options",
    "Result",
    "Store",
    "inputs",
    "ExtractorError",
]

if TYPE_CHECKING:
    from .errors import ExtractorError
    from .load.archive import inputs
    from .models import Result
    from .options import Options
    from .pipeline import extract_bytes, extract_document, extract_file, extract_input
    from .store import Store


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")
