"""The one error a reader raises: it names the file and says what is wrong, in one line.

It is defined with the others (`extractor.errors`), where the limits' error (`OverLimit`) can
build on it without importing the readers.
"""

from __future__ import annotations

from ..errors import LoadError

__all__ = ["LoadError"]
