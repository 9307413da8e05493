"""Contracts of ListTagsForResource."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, Contract, Evidence, Scenario

OPERATION = "ListTagsForResource"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"resourceArn": s.repository.arn}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    validation=Evidence("model", "botocore's ECR model: resourceArn has no constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/list-tags-for-resource.rst",
)
@pytest.mark.ecr_repository(tags={"team": "a", "empty": ""})
def test_tags_set_at_creation_are_listed(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Evidence: documented, aws-cli example list-tags-for-resource: tags are listed as
    Key/Value pairs. (An empty value is allowed by the model; no public output shows one.)"""
    listed = ecr_contract.call(OPERATION, resourceArn=ecr_repository.arn)["tags"]
    pairs = {(t["Key"], t["Value"]) for t in listed}
    assert {("team", "a"), ("empty", "")} <= pairs
    assert len(pairs) == len(listed), "each key once"


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryNotFoundException",
    tier="aws-verified",
    source="prowler-cloud/prowler#2239",
)
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """The ARN of a repository that does not exist answers RepositoryNotFoundException.

    Evidence: aws-verified, prowler-cloud/prowler#2239: "An error occurred
    (RepositoryNotFoundException) when calling the ListTagsForResource operation".
    """
    arn = ecr_repository.arn.replace(ecr_repository.name, MISSING_REPOSITORY)
    ecr_contract.expect_error(OPERATION, "RepositoryNotFoundException", resourceArn=arn)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidParameterException",
    tier="aws-verified",
    source="boto/boto3#2774",
)
def test_malformed_arn(ecr_contract: ContractClient) -> None:
    """An ARN ECR cannot read is refused with InvalidParameterException.

    Evidence: aws-verified, boto/boto3#2774: real ECR answered ListTagsForResource
    "InvalidParameterException ... The ARN provided is invalid." (for an ECR repository
    ARN it refused; no public output for this exact value).
    """
    ecr_contract.expect_error(OPERATION, "InvalidParameterException", resourceArn="not-an-arn")
