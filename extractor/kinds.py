"""The small closed vocabularies the whole project shares, as `Literal` types and their values.

Kept apart from everything heavy so the command line can offer them as choices without
importing the steps that use them.
"""

from __future__ import annotations

from typing import Literal, get_args

Table = Literal["s2", "s3", "s4"]
Template = Literal["2019", "2021", "mixed"]
Status = Literal["verified", "needs_review", "failed"]
Strategy = Literal["rules", "cross-check", "llm-first", "rules-first"]
Method = Literal["rules", "llm", "human"]

TABLES: tuple[Table, ...] = get_args(Table)
STATUSES: tuple[Status, ...] = get_args(Status)
STRATEGIES: tuple[Strategy, ...] = get_args(Strategy)
