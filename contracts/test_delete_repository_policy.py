"""Contracts of DeleteRepositoryPolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids, repository_policy

OPERATION = "DeleteRepositoryPolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public refusals of repositoryName violations are of other operations sharing the
    # shape (SetRepositoryPolicy boto/boto3#3191); nothing public for this one.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="model",
    source="botocore's ECR model: DeleteRepositoryPolicy output policyText; snyk/driftctl#1549",
)
def test_deleted_policy_is_returned_and_gone(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """The answer carries the deleted policy (compared as JSON); the repository then has
    none.

    Evidence: model, botocore's ECR model: that the answer carries ``policyText`` (the
    weakest of the assertions); GetRepositoryPolicy answering
    RepositoryPolicyNotFoundException for a repository without a policy is real AWS output
    (snyk/driftctl#1549).
    """
    policy = repository_policy(ecr_repository.registry_id)
    ecr_contract.call("SetRepositoryPolicy", **ids(ecr_repository), policyText=policy)
    deleted = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert json.loads(deleted["policyText"]) == json.loads(policy)
    ecr_contract.expect_error(
        "GetRepositoryPolicy", "RepositoryPolicyNotFoundException", **ids(ecr_repository)
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryPolicyNotFoundException",
    tier="model",
    source="botocore's ECR model: RepositoryPolicyNotFoundException of DeleteRepositoryPolicy",
)
def test_repository_without_a_policy(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Deleting the policy of a repository that has none is refused.

    Evidence: model, botocore's ECR model: the operation's errors (the same code from
    GetRepositoryPolicy is real output, snyk/driftctl#1549; none public for Delete).
    """
    ecr_contract.expect_error(OPERATION, "RepositoryPolicyNotFoundException", **ids(ecr_repository))
