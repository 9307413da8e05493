"""Contracts of DescribeImageReplicationStatus."""

from __future__ import annotations

import pytest

from pytest_ecr import ContractClient

pytestmark = pytest.mark.ecr_contract("DescribeImageReplicationStatus")


@pytest.mark.ecr_contract(aspect="errors")
def test_missing_repository_is_reported(ecr_contract: ContractClient) -> None:
    """A repository that does not exist: RepositoryNotFoundException, as the model lists."""
    ecr_contract.expect_error(
        "DescribeImageReplicationStatus",
        "RepositoryNotFoundException",
        repositoryName="pytest-ecr-no-such-repository",
        imageId={"imageTag": "latest"},
    )
