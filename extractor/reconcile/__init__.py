"""Step 5, reconcile: decide what is accepted and what goes to a human."""

from .decide import decide

__all__ = ["decide"]
