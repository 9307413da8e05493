"""Contracts of PutRegistryPolicy (registry-wide)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, RegistrySettings, Scenario, registry_policy

OPERATION = "PutRegistryPolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"policyText": registry_policy(s.registry_id, s.repository.region)}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    changes=("registry-policy",),
    validation=Evidence("model", "botocore's ECR model: PutRegistryPolicy's input constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/registry_policy_test.go",
)
def test_policy_round_trips(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """Put then Get gives the same policy, compared as parsed JSON.

    Evidence: aws-verified, terraform-provider-aws's acceptance test puts an own-account
    ecr:ReplicateImage policy on repository/* against AWS and reads it back.
    """
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        answer = ecr_contract.call(OPERATION, policyText=policy)
        assert answer["registryId"] == ecr_scenario.registry_id
        assert json.loads(answer["policyText"]) == json.loads(policy)
        got = ecr_contract.call("GetRegistryPolicy")
        assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidParameterException",
    tier="inferred",
    source="no public AWS output for non-JSON text; pulumi/pulumi-aws#2326 shows "
    "InvalidParameterException for an invalid JSON policy",
)
def test_policy_that_is_not_json_is_refused(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """policyText is "the JSON policy text" (the model's documentation).

    Evidence: inferred: real PutRegistryPolicy answers "InvalidParameterException: Invalid
    parameter at 'PolicyText' failed to satisfy constraint: 'Invalid registry policy
    provided'" (pulumi/pulumi-aws#2326) for a JSON policy it does not allow; nothing
    public shows the answer to text that is not JSON.
    """
    with ecr_registry.changing("registry-policy"):
        ecr_contract.expect_error(
            OPERATION, "InvalidParameterException", policyText="this is not a JSON policy"
        )
