"""Contracts of DeleteLifecyclePolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import LIFECYCLE_POLICY, Contract, Evidence, Scenario, ids

OPERATION = "DeleteLifecyclePolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public refusals of repositoryName violations are of other operations sharing the
    # shape (boto/boto3#3191, aws/aws-dotnet-deploy#549); nothing public for this one.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteLifecyclePolicy.html",
)
def test_deleted_policy_is_returned_and_gone(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """The answer carries the deleted policy (compared as JSON: AWS may reformat it); the
    repository then has none.

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteLifecyclePolicy.html:
    the answer's ``lifecyclePolicyText``; GetLifecyclePolicy's
    LifecyclePolicyNotFoundException on a repository without a policy is real AWS output
    (iann0036/former2#16).
    """
    ecr_contract.call(
        "PutLifecyclePolicy", **ids(ecr_repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    deleted = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert json.loads(deleted["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)
    ecr_contract.expect_error(
        "GetLifecyclePolicy", "LifecyclePolicyNotFoundException", **ids(ecr_repository)
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LifecyclePolicyNotFoundException",
    tier="model",
    source="botocore's ECR model: LifecyclePolicyNotFoundException of DeleteLifecyclePolicy",
)
def test_repository_without_a_policy(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Deleting the policy of a repository that has none is refused.

    Evidence: model, botocore's ECR model: the operation's errors (the same code from
    GetLifecyclePolicy is real output, iann0036/former2#16; none public for Delete).
    """
    ecr_contract.expect_error(OPERATION, "LifecyclePolicyNotFoundException", **ids(ecr_repository))
