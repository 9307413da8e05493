"""Contracts of PutRegistryPolicy (registry-wide)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    SERVER_EXCEPTION,
    RegistrySettings,
    Scenario,
    registry_policy,
    validation_tests,
)

OPERATION = "PutRegistryPolicy"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"policyText": registry_policy(s.registry_id, s.repository.region)}


test_validation = validation_tests(OPERATION, valid_request, changes=("registry-policy",))

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_policy_round_trips(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """Put then Get gives the same policy, compared as parsed JSON."""
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        answer = ecr_contract.call(OPERATION, policyText=policy)
        assert answer["registryId"] == ecr_scenario.registry_id
        assert json.loads(answer["policyText"]) == json.loads(policy)
        got = ecr_contract.call("GetRegistryPolicy")
        assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidParameterException")
def test_policy_that_is_not_json_is_refused(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """policyText is "the JSON policy text" (the model's documentation)."""
    with ecr_registry.changing("registry-policy"):
        ecr_contract.expect_error(
            OPERATION, "InvalidParameterException", policyText="this is not a JSON policy"
        )
