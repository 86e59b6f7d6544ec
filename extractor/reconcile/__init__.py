"""Step 5, reconcile: the one place that decides what is accepted and what goes to a human.

    judge      one path's reading, verified on its own
    plan       which paths a strategy runs, in order; `settled`: when to stop
    combine    the readings → the document's result
    assess     verify a result and decide its status and reasons (again, after a correction);
               `weigh`: an assessed result with the organ's other years
"""

from ..kinds import STRATEGIES, Strategy
from .assess import assess, weigh
from .build import build_result
from .decide import Decision, decide, disagreement
from .strategy import Judged, combine, judge, plan, settled

__all__ = [
    "assess",
    "build_result",
    "combine",
    "decide",
    "Decision",
    "disagreement",
    "judge",
    "Judged",
    "plan",
    "settled",
    "STRATEGIES",
    "Strategy",
    "weigh",
]
