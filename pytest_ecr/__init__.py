"""pytest-ecr: a pytest plugin and contract-test suite for ECR-compatible APIs."""

from __future__ import annotations

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
    "load_model",
    "operation_schema",
    "validate",
]
