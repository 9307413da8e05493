"""Contracts of CreateRepository."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pytest_ecr import ContractClient

pytestmark = pytest.mark.ecr_contract("CreateRepository")


@pytest.mark.ecr_contract(aspect="behavior")
def test_created_repository_is_described(
    ecr_contract: ContractClient, repository_name: Callable[[], str]
) -> None:
    """The new repository's identifiers agree with DescribeRepositories.

    ARN and URI formats: Amazon ECR User Guide, "Private repository concepts"
    (``arn:aws:ecr:<region>:<account>:repository/<name>`` and
    ``<account>.dkr.ecr.<region>.amazonaws.com/<name>``).
    """
    name = repository_name()
    created = ecr_contract.call("CreateRepository", repositoryName=name)["repository"]
    region = ecr_contract.target.region
    registry = created["registryId"]
    assert created["repositoryName"] == name
    assert created["repositoryArn"] == f"arn:aws:ecr:{region}:{registry}:repository/{name}"
    assert created["repositoryUri"] == f"{registry}.dkr.ecr.{region}.amazonaws.com/{name}"
    described = ecr_contract.call("DescribeRepositories", repositoryNames=[name])
    assert [r["repositoryArn"] for r in described["repositories"]] == [created["repositoryArn"]]


@pytest.mark.ecr_contract(aspect="errors")
def test_existing_name_is_refused(
    ecr_contract: ContractClient, repository_name: Callable[[], str]
) -> None:
    name = repository_name()
    ecr_contract.call("CreateRepository", repositoryName=name)
    ecr_contract.expect_error(
        "CreateRepository", "RepositoryAlreadyExistsException", repositoryName=name
    )


@pytest.mark.ecr_contract(aspect="validation")
def test_name_outside_pattern_is_refused(ecr_contract: ContractClient) -> None:
    """The model's RepositoryName pattern is a full match: a space is never allowed."""
    ecr_contract.expect_invalid(
        "CreateRepository", "InvalidParameterException", repositoryName="bad name"
    )
