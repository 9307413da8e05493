"""Contracts of PutImageTagMutability."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, Contract, Evidence, Scenario, ids

OPERATION = "PutImageTagMutability"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "dev-*"}],
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    validation=Evidence("model", "botocore's ECR model: PutImageTagMutability's input constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/put-image-tag-mutability.rst",
)
def test_setting_is_visible_in_describe(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Evidence: documented, aws-cli example put-image-tag-mutability: the answer echoes
    registryId, repositoryName and imageTagMutability IMMUTABLE."""
    answer = ecr_contract.call(OPERATION, **ids(ecr_repository), imageTagMutability="IMMUTABLE")
    assert answer["imageTagMutability"] == "IMMUTABLE"
    assert answer["repositoryName"] == ecr_repository.name
    (described,) = ecr_contract.call("DescribeRepositories", repositoryNames=[ecr_repository.name])[
        "repositories"
    ]
    assert described["imageTagMutability"] == "IMMUTABLE"


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/repository_test.go",
)
def test_exclusion_filters_are_kept(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Evidence: aws-verified, terraform-provider-aws's acceptance test (immutability with
    exclusion) puts IMMUTABLE_WITH_EXCLUSION with a WILDCARD filter against AWS, updates
    the filter and reads it back."""
    filters = [{"filterType": "WILDCARD", "filter": "dev-*"}]
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_repository),
        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=filters,
    )
    assert answer["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert answer.get("imageTagMutabilityExclusionFilters", filters) == filters
    (described,) = ecr_contract.call("DescribeRepositories", repositoryNames=[ecr_repository.name])[
        "repositories"
    ]
    assert described["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert described.get("imageTagMutabilityExclusionFilters") == filters


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryNotFoundException",
    tier="model",
    source="botocore's ECR model: PutImageTagMutability lists RepositoryNotFoundException",
)
def test_missing_repository(ecr_contract: ContractClient) -> None:
    """PutImageTagMutability on a repository that does not exist answers
    RepositoryNotFoundException (HTTP 400).

    Written by hand, replacing the generated test: that one sends the valid request's
    required members only, IMMUTABLE_WITH_EXCLUSION without its exclusion filters, which a
    registry may refuse as invalid before it looks for the repository. MUTABLE needs none.

    Evidence: model, the operation's modeled errors.
    """
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageTagMutability="MUTABLE",
    )
