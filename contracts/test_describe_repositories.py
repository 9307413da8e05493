"""Contracts of DescribeRepositories."""

from __future__ import annotations

import pytest

from pytest_ecr import ContractClient

pytestmark = pytest.mark.ecr_contract("DescribeRepositories")


@pytest.mark.ecr_contract(aspect="shape")
def test_listing_matches_the_model(ecr_contract: ContractClient) -> None:
    ecr_contract.call("DescribeRepositories")


@pytest.mark.ecr_contract(aspect="errors")
def test_missing_repository_is_reported(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        "DescribeRepositories",
        "RepositoryNotFoundException",
        repositoryNames=["pytest-ecr-no-such-repository"],
    )
