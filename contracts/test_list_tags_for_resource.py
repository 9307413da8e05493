"""Contracts of ListTagsForResource."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "ListTagsForResource"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"resourceArn": s.repository.arn}


test_validation = validation_tests(OPERATION, valid_request)

MALFORMED_ARN_CODES = ["InvalidParameterException", "RepositoryNotFoundException"]

UNTRIGGERED = {
    "InvalidParameterException": (
        "the only constrained input is an ARN, and whether AWS answers a malformed one with "
        "InvalidParameterException or RepositoryNotFoundException is not documented; "
        "test_malformed_arn accepts either"
    ),
    "ServerException": SERVER_EXCEPTION,
}


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_repository(tags={"team": "a", "empty": ""})
def test_tags_set_at_creation_are_listed(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    listed = ecr_contract.call(OPERATION, resourceArn=ecr_repository.arn)["tags"]
    pairs = {(t["Key"], t["Value"]) for t in listed}
    assert {("team", "a"), ("empty", "")} <= pairs
    assert len(pairs) == len(listed), "each key once"


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    arn = ecr_repository.arn.replace(ecr_repository.name, MISSING_REPOSITORY)
    ecr_contract.expect_error(OPERATION, "RepositoryNotFoundException", resourceArn=arn)


@pytest.mark.ecr_contract(aspect="errors")
def test_malformed_arn(ecr_contract: ContractClient) -> None:
    """A malformed ARN names no repository: refused with InvalidParameterException or
    RepositoryNotFoundException (which of the two AWS answers is not documented)."""
    ecr_contract.expect_error(OPERATION, MALFORMED_ARN_CODES, resourceArn="not-an-arn")
