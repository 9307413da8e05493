"""Contracts of GetRegistryPolicy (registry-wide)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    NO_INPUT,
    SERVER_EXCEPTION,
    RegistrySettings,
    Scenario,
    registry_policy,
    validation_tests,
)

OPERATION = "GetRegistryPolicy"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "InvalidParameterException": NO_INPUT,
    "ValidationException": NO_INPUT,
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_policy_that_was_put(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        ecr_contract.call("PutRegistryPolicy", policyText=policy)
        got = ecr_contract.call(OPERATION)
        assert got["registryId"] == ecr_scenario.registry_id
        assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(aspect="errors", triggers="RegistryPolicyNotFoundException")
def test_registry_without_a_policy(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        ecr_contract.call("PutRegistryPolicy", policyText=policy)
        ecr_contract.call("DeleteRegistryPolicy")
        ecr_contract.expect_error(OPERATION, "RegistryPolicyNotFoundException")
