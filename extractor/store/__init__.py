"""Step 6, store: results kept in SQLite, and the human review queue built on them."""

from .queue import Review, ReviewError, Store

__all__ = ["Store", "Review", "ReviewError"]
