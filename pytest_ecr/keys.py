"""The keys under which pytest-ecr keeps its state in pytest's stashes.

A module of its own, importing nothing heavy, so that every part of the plugin can name
them without importing the part that fills them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .contract import ContractClient
    from .run import EcrRun
    from .settings import EcrSettings

SETTINGS_KEY: pytest.StashKey[EcrSettings] = pytest.StashKey()
RUN_KEY: pytest.StashKey[EcrRun] = pytest.StashKey()
#: The contract client of the test under way (its exchanges, notes and expected codes).
CONTRACT_KEY: pytest.StashKey[ContractClient] = pytest.StashKey()
#: The test's entry of the conformance report, from its report hook.
RESULT_KEY: pytest.StashKey[dict[str, Any]] = pytest.StashKey()
