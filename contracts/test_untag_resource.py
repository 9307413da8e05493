"""Contracts of UntagResource."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import (
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    tags_of,
    validation_tests,
)

OPERATION = "UntagResource"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"resourceArn": s.repository.arn, "tagKeys": ["k"]}


test_validation = validation_tests(OPERATION, valid_request)

MALFORMED_ARN_CODES = ["InvalidParameterException", "RepositoryNotFoundException"]

UNTRIGGERED = {
    "InvalidParameterException": (
        "the only constrained input is an ARN, and whether AWS answers a malformed one with "
        "InvalidParameterException or RepositoryNotFoundException is not documented; "
        "test_malformed_arn accepts either"
    ),
    "ServerException": SERVER_EXCEPTION,
    "TooManyTagsException": (
        "removing tags never raises a repository's tag count, so no UntagResource request "
        "can exceed the limit of 50 that this error reports"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_repository(tags={"a": "1", "b": "2", "c": "3"})
def test_exactly_the_given_keys_are_removed(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    before = tags_of(ecr_contract, ecr_repository.arn)
    ecr_contract.call(OPERATION, resourceArn=ecr_repository.arn, tagKeys=["a", "c"])
    after = tags_of(ecr_contract, ecr_repository.arn)
    assert after == {k: v for k, v in before.items() if k not in ("a", "c")}
    assert after["b"] == "2"


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    arn = ecr_repository.arn.replace(ecr_repository.name, MISSING_REPOSITORY)
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", resourceArn=arn, tagKeys=["k"]
    )


@pytest.mark.ecr_contract(aspect="errors")
def test_malformed_arn(ecr_contract: ContractClient) -> None:
    """A malformed ARN names no repository: refused with InvalidParameterException or
    RepositoryNotFoundException (which of the two AWS answers is not documented)."""
    ecr_contract.expect_error(
        OPERATION, MALFORMED_ARN_CODES, resourceArn="not-an-arn", tagKeys=["k"]
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidTagParameterException")
def test_too_long_tag_key(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Tag keys are at most 128 characters (the model's documentation of
    InvalidTagParameterException)."""
    ecr_contract.expect_error(
        OPERATION,
        "InvalidTagParameterException",
        resourceArn=ecr_repository.arn,
        tagKeys=["k" * 129],
    )
