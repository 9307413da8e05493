"""The words every part of pytest-ecr shares: aspects, outcomes and evidence tiers.

No imports beyond the standard library, so that anything (the report, the reference
differ, the plugin's registration) can name them without pulling in the assertion API.
"""

from __future__ import annotations

from typing import Literal, get_args

#: What a contract test checks of its operation (DESIGN.md, "Contract outcomes").
Aspect = Literal["shape", "errors", "validation", "pagination", "waiter", "behavior", "reference"]
ASPECTS: tuple[str, ...] = get_args(Aspect)

#: The outcome of one contract test on one target.
#: ``unconfirmed``: a contract whose expectation rests on reasoning alone (tier
#: ``inferred``) failed: a lead to check against AWS, not a verdict. ``blocked``: a
#: prerequisite (set-up, a scenario, an image push) failed at another operation, so the
#: test says nothing of its own.
Outcome = Literal[
    "pass", "fail", "unconfirmed", "deviation", "blocked", "unsupported", "skipped", "error"
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)

#: What a contract's expectation rests on, strongest first (issue "Every verdict earned"):
#: real AWS output seen in public; AWS documentation; botocore's model alone; reasoning.
Tier = Literal["aws-verified", "documented", "model", "inferred"]
TIERS: tuple[str, ...] = get_args(Tier)
