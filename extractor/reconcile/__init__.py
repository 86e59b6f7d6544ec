"""Step 5, reconcile: decide what is accepted and what goes to a human."""

from .decide import decide
from .strategy import STRATEGIES, disagreement, run_strategy

__all__ = ["decide", "run_strategy", "disagreement", "STRATEGIES"]
