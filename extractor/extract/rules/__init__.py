"""Step 3, the deterministic path: read the three tables with label anchors and arithmetic."""

from __future__ import annotations

from ...locate import Located
from ..candidate import Candidate
from .table2 import read_table2
from .table3 import read_table3
from .table4 import read_table4

__all__ = ["extract_rules"]


def extract_rules(located: Located) -> Candidate:
    stream, zones, layouts = located.stream, located.zones, located.layouts
    tables = {
        "s2": read_table2(stream, zones["s2"], layouts["s2"]),
        "s3": read_table3(stream, zones["s3"], layouts["s3"]),
        "s4": read_table4(stream, zones["s4"]),
    }
    return Candidate("rules", tables)
