"""Contracts of DeleteRepository."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import KMS_EXCEPTION, Contract, Evidence, Scenario, ids

OPERATION = "DeleteRepository"


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"KmsException": KMS_EXCEPTION},
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
    tier="aws-verified",
    source="aws/aws-cli:awscli/examples/ecr/delete-repository.rst; "
    "hashicorp/terraform-provider-aws:internal/service/ecr/repository_test.go",
)
def test_deleted_repository_is_gone(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """The answer names the deleted repository; describing it is then refused.

    Evidence: aws-verified, aws/aws-cli:awscli/examples/ecr/delete-repository.rst: a real
    answer with ``repositoryName`` and ``repositoryArn``; terraform's
    testAccCheckRepositoryDestroy (hashicorp/terraform-provider-aws:internal/service/ecr/
    repository_test.go) expects RepositoryNotFoundException from DescribeRepositories on AWS.
    """
    deleted = ecr_contract.call(OPERATION, **ids(ecr_repository))["repository"]
    assert deleted["repositoryName"] == ecr_repository.name
    assert deleted["repositoryArn"] == ecr_repository.arn
    ecr_contract.expect_error(
        "DescribeRepositories", "RepositoryNotFoundException", repositoryNames=[ecr_repository.name]
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryNotEmptyException",
    tier="aws-verified",
    source="brentley/appmeshworkshop#31",
)
def test_repository_with_images_needs_force(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """RepositoryNotEmptyException: "To delete a repository that contains images, you must
    force the deletion with the force parameter" (the model's documentation).

    Evidence: aws-verified, brentley/appmeshworkshop#31: "... cannot be deleted because it
    still contains images (Service: AmazonECR; Status Code: 400; Error Code:
    RepositoryNotEmptyException"; ``force`` deleting it: the aws-cli example
    (aws/aws-cli:awscli/examples/ecr/delete-repository.rst).
    """
    repository = ecr_image.repository
    ecr_contract.expect_error(OPERATION, "RepositoryNotEmptyException", **ids(repository))
    deleted = ecr_contract.call(OPERATION, **ids(repository), force=True)
    assert deleted["repository"]["repositoryName"] == repository.name
