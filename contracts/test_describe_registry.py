"""Contracts of DescribeRegistry."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import NO_INPUT, Contract, RegistrySettings, Scenario

OPERATION = "DescribeRegistry"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"InvalidParameterException": NO_INPUT, "ValidationException": NO_INPUT},
)

#: Real describe-registry and describe-repositories output of one account.
SCANNING_BLOG = "https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html"


@pytest.mark.ecr_contract(aspect="behavior", tier="aws-verified", source=SCANNING_BLOG)
def test_registry_is_the_repositories_registry(
    ecr_contract: ContractClient, ecr_repository: Repository, ecr_registry: RegistrySettings
) -> None:
    """The registry described is the one the repositories are in.

    Evidence: aws-verified, https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html:
    real ``describe-registry`` output with the same ``registryId`` as the account's
    repositories in ``describe-repositories``.
    """
    # The answer holds the replication configuration another worker may be changing.
    with ecr_registry.reading("replication"):
        answer = ecr_contract.call(OPERATION)
    assert answer["registryId"] == ecr_repository.registry_id
