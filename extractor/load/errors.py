"""The one error a reader raises: it names the file and says what is wrong, in one line."""

from __future__ import annotations

from ..errors import BadInput


class LoadError(BadInput):
    code = "unreadable"

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
