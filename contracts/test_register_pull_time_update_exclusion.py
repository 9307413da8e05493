"""Contracts of RegisterPullTimeUpdateExclusion (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    SERVER_EXCEPTION,
    Scenario,
    allow_registry_changes,
    excluded_principal,
    validation_tests,
)

OPERATION = "RegisterPullTimeUpdateExclusion"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"principalArn": excluded_principal(s)}


def undo(client: Any, created: dict[str, Any]) -> None:
    client.deregister_pull_time_update_exclusion(principalArn=created["principalArn"])


test_validation = validation_tests(OPERATION, valid_request, undo=undo)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (pull time update exclusions)",
}


def register(contract: ContractClient, s: Scenario) -> str:
    arn = excluded_principal(s)
    contract.call(OPERATION, principalArn=arn)
    s.on_cleanup(
        "pull time update exclusion",
        arn,
        lambda: s.client.deregister_pull_time_update_exclusion(principalArn=arn),
    )
    return arn


@pytest.mark.ecr_contract(aspect="behavior")
def test_registered_principal_is_listed(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    arn = register(ecr_contract, ecr_scenario)
    listed = ecr_contract.call("ListPullTimeUpdateExclusions")["pullTimeUpdateExclusions"]
    assert arn in listed


@pytest.mark.ecr_contract(aspect="errors", triggers="ExclusionAlreadyExistsException")
def test_same_principal_twice(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    arn = register(ecr_contract, ecr_scenario)
    ecr_contract.expect_error(OPERATION, "ExclusionAlreadyExistsException", principalArn=arn)
