"""pytest-ecr: a pytest plugin and contract-test suite for ECR-compatible APIs.

The public names are imported on first use (PEP 562), so that installing the plugin
costs a test run that never asks for ECR nothing but this module.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "ASPECTS": "terms",
    "TIERS": "terms",
    "ContractClient": "contract",
    "ContractViolation": "contract",
    "ErrorResult": "contract",
    "SuiteError": "contract",
    "Unsupported": "contract",
    "Exchange": "wire",
    "EcrModel": "model",
    "load_model": "model",
    "Violation": "schema",
    "operation_schema": "schema",
    "validate": "schema",
    "EcrSettings": "settings",
    "Target": "targets",
    "TargetUnavailable": "targets",
}

__all__ = [
    "ASPECTS",
    "TIERS",
    "ContractClient",
    "ContractViolation",
    "EcrModel",
    "EcrSettings",
    "ErrorResult",
    "Exchange",
    "SuiteError",
    "Target",
    "TargetUnavailable",
    "Unsupported",
    "Violation",
    "__version__",
    "load_model",
    "operation_schema",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pytest_ecr' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
