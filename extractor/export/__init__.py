"""Step 6, export: results as JSON lines, and readable summaries for people."""

from .jsonl import read_results, result_line
from .summary import SummaryPrinter

__all__ = ["result_line", "read_results", "SummaryPrinter"]
