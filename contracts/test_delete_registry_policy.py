"""Contracts of DeleteRegistryPolicy (registry-wide)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    NO_INPUT,
    Contract,
    RegistrySettings,
    Scenario,
    registry_policy,
)

OPERATION = "DeleteRegistryPolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"InvalidParameterException": NO_INPUT, "ValidationException": NO_INPUT},
    registry_wide=True,
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="model",
    source="botocore's ECR model: DeleteRegistryPolicy output policyText; "
    "terraform-aws-modules/terraform-aws-ecr#23",
)
def test_deleted_policy_is_returned_and_gone(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """The answer carries the deleted policy (compared as JSON); the registry then has none.

    Evidence: model, botocore's ECR model: that the answer carries ``policyText`` (the
    weakest of the assertions); GetRegistryPolicy answering RegistryPolicyNotFoundException
    when no policy is set is real AWS output (terraform-aws-modules/terraform-aws-ecr#23).
    """
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        ecr_contract.call("PutRegistryPolicy", policyText=policy)
        deleted = ecr_contract.call(OPERATION)
        assert json.loads(deleted["policyText"]) == json.loads(policy)
        ecr_contract.expect_error("GetRegistryPolicy", "RegistryPolicyNotFoundException")


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RegistryPolicyNotFoundException",
    tier="model",
    source="botocore's ECR model: RegistryPolicyNotFoundException of DeleteRegistryPolicy",
)
def test_registry_without_a_policy(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """Deleting the policy of a registry that has none is refused.

    Evidence: model, botocore's ECR model: the operation's errors (terraform's delete
    tolerates the code: client code, not an observation).
    """
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        ecr_contract.call("PutRegistryPolicy", policyText=policy)
        ecr_contract.call(OPERATION)
        ecr_contract.expect_error(OPERATION, "RegistryPolicyNotFoundException")
