"""pytest-ecr: a pytest plugin and contract-test suite for ECR-compatible APIs."""

from __future__ import annotations

__version__ = "0.1.0"

from .contract import (
    ASPECTS,
    ContractClient,
    ContractViolation,
    ErrorResult,
    Exchange,
    SuiteError,
    Unsupported,
)
from .model import EcrModel, load_model
from .schema import Violation, operation_schema, validate
from .settings import EcrSettings
from .targets import Target, TargetUnavailable

__all__ = [
    "ASPECTS",
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
