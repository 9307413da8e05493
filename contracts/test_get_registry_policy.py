"""Contracts of GetRegistryPolicy (registry-wide)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import NO_INPUT, Contract, RegistrySettings, Scenario, registry_policy

OPERATION = "GetRegistryPolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"InvalidParameterException": NO_INPUT, "ValidationException": NO_INPUT},
    registry_wide=True,
)

#: Statement members IAM reads the same whether they hold one value or a list of values.
LISTS = ("Action", "NotAction", "Resource", "NotResource")


def as_list(value: Any) -> list[Any]:
    return sorted(value) if isinstance(value, list) else [value]


def policy_document(text: str) -> dict[str, Any]:
    """A policy as a parsed JSON document, with the spellings IAM reads alike made one: a
    single statement or value and a one-item list; the order of statements and of values.
    (Whitespace and key order are gone with the parsing.)"""
    document = json.loads(text)
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    normal = []
    for statement in statements:
        statement = dict(statement)
        for key in LISTS:
            if key in statement:
                statement[key] = as_list(statement[key])
        for key in ("Principal", "NotPrincipal"):
            if isinstance(statement.get(key), dict):
                statement[key] = {k: as_list(v) for k, v in statement[key].items()}
        normal.append(statement)
    return {**document, "Statement": sorted(normal, key=lambda s: json.dumps(s, sort_keys=True))}


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/registry_policy_test.go",
)
def test_policy_that_was_put(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """The policy put comes back, as an equivalent document, with the registry's id.

    The documents are compared parsed, not as text: AWS may return an equivalent policy
    written differently (terraform compares them for IAM equivalence, ``verify.
    SecondJSONUnlessEquivalent``; a one-item ``Action`` list may come back as a string).

    Evidence: aws-verified,
    hashicorp/terraform-provider-aws:internal/service/ecr/registry_policy_test.go (with
    registry_policy.go): acceptance tests put a registry policy on AWS, read it back with
    GetRegistryPolicy and compare it for equivalence, and set ``registry_id`` from the
    answer.
    """
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        ecr_contract.call("PutRegistryPolicy", policyText=policy)
        got = ecr_contract.call(OPERATION)
        assert got["registryId"] == ecr_scenario.registry_id
        assert policy_document(got["policyText"]) == policy_document(policy)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RegistryPolicyNotFoundException",
    tier="aws-verified",
    source="terraform-aws-modules/terraform-aws-ecr#23",
)
def test_registry_without_a_policy(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """After DeleteRegistryPolicy, getting the policy is refused.

    Evidence: aws-verified, terraform-aws-modules/terraform-aws-ecr#23: on AWS, reading a
    registry without a policy (terraform's GetRegistryPolicy, right after creating one)
    failed with "RegistryPolicyNotFoundException" (terraform's finder in
    hashicorp/terraform-provider-aws:internal/service/ecr/registry_policy.go maps the code
    to "not found").
    """
    policy = registry_policy(ecr_scenario.registry_id, ecr_contract.target.region)
    with ecr_registry.changing("registry-policy"):
        ecr_contract.call("PutRegistryPolicy", policyText=policy)
        ecr_contract.call("DeleteRegistryPolicy")
        ecr_contract.expect_error(OPERATION, "RegistryPolicyNotFoundException")
