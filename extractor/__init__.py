"""Extract, verify and reconcile the tables of government information-disclosure annual reports.

    >>> from extractor import extract_file
    >>> extract_file("golden/docs/002_eb42678789e3d87b.txt").cells["s2.licensing.decisions"]
    2554
"""

from .models import Result
from .pipeline import extract_bytes, extract_document, extract_file

__all__ = ["extract_file", "extract_bytes", "extract_document", "Result"]
__version__ = "0.1.0"
