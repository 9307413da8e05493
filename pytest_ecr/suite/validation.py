"""Validation contracts derived from the model: one case per constraint of an
operation's input, each sending a valid request with that one member broken."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from ..contract import ContractClient, ContractViolation, SuiteError
from ..images import EcrClient
from ..invalid import (
    ConstraintCase,
    constraint_cases,
    get_path,
    has_path,
    invalid_value,
    with_value,
)
from ..model import load_model
from .registry import RegistrySettings, SettingName
from .scenario import Scenario

#: The modeled errors that mean "invalid input" (HTTP 400). AWS answers constraint
#: violations of ECR requests with InvalidParameterException, for example "Invalid
#: parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater
#: than or equal to 2'" (reported in aws/aws-dotnet-deploy#549 and, with "Status Code:
#: 400", in stelligent/mu#323); newer operations also model ValidationException.
VALIDATION_ERRORS = frozenset({"InvalidParameterException", "ValidationException"})


def validation_codes(case: ConstraintCase) -> frozenset[str]:
    """The codes a refusal of ``case`` may carry: the operation's modeled validation errors."""
    modeled = load_model().modeled_errors(case.operation)
    codes = modeled & VALIDATION_ERRORS
    if "tags" in case.path:
        codes |= modeled & {"InvalidTagParameterException"}
    return codes


ValidRequest = Callable[[Any], "dict[str, Any] | list[dict[str, Any]]"]


def request_with(
    requests: dict[str, Any] | list[dict[str, Any]], case: ConstraintCase
) -> dict[str, Any]:
    """The first valid request that holds the member ``case`` constrains.

    ``valid_request`` may give several requests where members exclude each other (for
    example ``imageIds`` and ``maxResults`` of DescribeImages).
    """
    for request in [requests] if isinstance(requests, dict) else requests:
        if has_path(request, case.path):
            return request
    raise SuiteError(f"{case.operation}: no valid request has a member at {case.id}")


Undo = Callable[[EcrClient, dict[str, Any]], None]


def validation_tests(
    operation: str,
    valid_request: ValidRequest,
    *,
    undo: Undo | None = None,
    changes: tuple[SettingName, ...] = (),
    tier: str = "model",
    source: str = "botocore's ECR model: the input shape's constraints",
    case_evidence: Mapping[str, tuple[str, str]] | None = None,
) -> Callable[..., None]:
    """One test per constraint of ``operation``'s input, derived from the model.

    Each case sends ``valid_request(scenario)`` with one member replaced by a value that
    breaks one constraint, past botocore's client-side validation, and expects HTTP 400
    with a modeled validation error. ``undo(client, parsed_response)`` reverses what a
    target that wrongly accepts the request did (for example a repository it created).
    ``changes`` names the registry-wide settings a wrongly accepted request would change:
    each case then runs under ``RegistrySettings.changing`` (locked, then restored).
    ``tier`` and ``source``: the evidence that the target refuses with these codes (the
    model alone says which values are invalid; public AWS answers say how it refuses).
    """
    cases = constraint_cases(operation)
    contested = dict(case_evidence or {})
    unknown = set(contested) - {c.id for c in cases}
    if unknown:
        raise SuiteError(f"{operation}: no validation case {sorted(unknown)} to give evidence to")

    def param(case: ConstraintCase) -> Any:
        case_tier, case_source = contested.get(case.id, (tier, source))
        mark = pytest.mark.ecr_contract(tier=case_tier, source=case_source)
        return pytest.param(case, marks=[mark], id=case.id)

    @pytest.mark.ecr_contract(operation, "validation")
    @pytest.mark.parametrize("case", [param(c) for c in cases])
    def test_validation(
        case: ConstraintCase,
        ecr_contract: ContractClient,
        ecr_scenario: Scenario,
        ecr_registry: RegistrySettings,
    ) -> None:
        guard = ecr_registry.changing(*changes) if changes else contextlib.nullcontext()
        with guard:
            _validation_case(operation, valid_request, undo, case, ecr_contract, ecr_scenario)

    test_validation.__doc__ = (
        f"{operation} refuses each value outside the model's constraints with HTTP 400 "
        "and a modeled validation error."
    )
    test_validation.ecr_valid_request = valid_request  # type: ignore[attr-defined]
    if not cases:
        # Nothing in the input is constrained: nothing to collect (not a skip).
        test_validation.__test__ = False  # type: ignore[attr-defined]
    return test_validation


def _validation_case(
    operation: str,
    valid_request: ValidRequest,
    undo: Undo | None,
    case: ConstraintCase,
    ecr_contract: ContractClient,
    ecr_scenario: Scenario,
) -> None:
    request = request_with(valid_request(ecr_scenario), case)
    bad = with_value(request, case.path, invalid_value(case, get_path(request, case.path)))
    try:
        ecr_contract.expect_invalid(operation, validation_codes(case), **bad)
    except ContractViolation as violation:
        exchange = violation.exchange
        if undo is not None and exchange is not None and exchange.status == 200:
            data, _ = exchange.json_body()
            with ecr_contract.unchecked():
                undo(ecr_contract.client, data)
        raise
