"""Contracts of DeregisterPullTimeUpdateExclusion."""

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

OPERATION = "DeregisterPullTimeUpdateExclusion"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"principalArn": excluded_principal(s)}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (pull time update exclusion changes)",
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_deregistered_principal_is_not_listed(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    arn = excluded_principal(ecr_scenario)
    ecr_contract.call("RegisterPullTimeUpdateExclusion", principalArn=arn)
    ecr_scenario.on_cleanup(
        "pull time update exclusion",
        arn,
        lambda: ecr_scenario.client.deregister_pull_time_update_exclusion(principalArn=arn),
    )
    answer = ecr_contract.call(OPERATION, principalArn=arn)
    assert answer["principalArn"] == arn
    listed = ecr_contract.call("ListPullTimeUpdateExclusions")["pullTimeUpdateExclusions"]
    assert arn not in listed


@pytest.mark.ecr_contract(aspect="errors", triggers="ExclusionNotFoundException")
def test_principal_never_registered(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    ecr_contract.expect_error(
        OPERATION, "ExclusionNotFoundException", principalArn=excluded_principal(ecr_scenario)
    )
