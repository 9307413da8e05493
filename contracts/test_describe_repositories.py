"""Contracts of DescribeRepositories."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, Contract, Evidence, Scenario

OPERATION = "DescribeRepositories"

#: Real describe-repositories output of one account.
SCANNING_BLOG = "https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html"


def valid_request(s: Scenario) -> list[dict[str, Any]]:
    # maxResults "cannot be used when you specify repositories with repositoryNames"
    # (the model's documentation of maxResults).
    return [
        {"registryId": s.registry_id, "repositoryNames": [s.repository.name]},
        {"registryId": s.registry_id, "maxResults": 10},
    ]


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # "describeRepositories({ repositoryNames: [ 'serverless-dh--bb-wc--app-i-162848903' ] })
    # [AWS ecr 400] Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must
    # satisfy regular expression ...'" (serverless/serverless#8905).
    validation=Evidence("aws-verified", "serverless/serverless#8905"),
)


@pytest.mark.ecr_contract(aspect="shape", tier="aws-verified", source=SCANNING_BLOG)
def test_listing_matches_the_model(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A listing without arguments matches the model's output shape.

    Evidence: aws-verified, https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html:
    a real ``describe-repositories`` answer of that shape.
    """
    ecr_contract.call(OPERATION)


@pytest.mark.ecr_contract(aspect="behavior", tier="aws-verified", source=SCANNING_BLOG)
def test_named_repositories_are_described(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A named repository is described with its name, ARN, URI, registry and creation time.

    Evidence: aws-verified, https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html:
    a real answer with ``repositoryArn``, ``repositoryUri``, ``registryId`` and
    ``createdAt``.
    """
    (described,) = ecr_contract.call(OPERATION, repositoryNames=[ecr_repository.name])[
        "repositories"
    ]
    assert described["repositoryName"] == ecr_repository.name
    assert described["repositoryArn"] == ecr_repository.arn
    assert described["repositoryUri"] == ecr_repository.uri
    assert described["registryId"] == ecr_repository.registry_id
    assert "createdAt" in described


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryNotFoundException",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html",
)
def test_missing_repository_is_reported(ecr_contract: ContractClient) -> None:
    """Naming a repository that does not exist is refused (the input names repositories
    by ``repositoryNames``, so no missing-repository test is generated).

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRepositories.html
    (cited in mlflow/mlflow#511; zendesk/samson#1065 rescues the error from
    describe_repositories).
    """
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryNames=[MISSING_REPOSITORY]
    )
