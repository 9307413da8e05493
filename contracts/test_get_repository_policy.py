"""Contracts of GetRepositoryPolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids, repository_policy

OPERATION = "GetRepositoryPolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # The "Invalid parameter at 'repositoryName' failed to satisfy constraint" answers in
    # public are of other operations (CreateRepository, DescribeImages), not this one.
    validation=Evidence("model", "botocore's ECR model: GetRepositoryPolicy's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: GetRepositoryPolicy lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRepositoryPolicy.html",
)
def test_policy_that_was_set(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """The policy SetRepositoryPolicy set, compared as parsed JSON (AWS may re-format it and
    reorder list members, hashicorp/terraform-provider-aws#19365; the policy here has a
    single principal).

    Evidence: documented, API_GetRepositoryPolicy: the answer carries registryId,
    repositoryName and policyText.
    """
    policy = repository_policy(ecr_repository.registry_id)
    ecr_contract.call("SetRepositoryPolicy", **ids(ecr_repository), policyText=policy)
    got = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert got["repositoryName"] == ecr_repository.name
    assert got["registryId"] == ecr_repository.registry_id
    assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryPolicyNotFoundException",
    tier="aws-verified",
    source="snyk/driftctl#1549",
)
def test_repository_without_a_policy(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Evidence: aws-verified, snyk/driftctl#1549: "RepositoryPolicyNotFoundException:
    Repository policy does not exist for the repository with name ..."."""
    ecr_contract.expect_error(OPERATION, "RepositoryPolicyNotFoundException", **ids(ecr_repository))
