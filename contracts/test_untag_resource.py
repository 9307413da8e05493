"""Contracts of UntagResource."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, Contract, Evidence, Scenario, tags_of

OPERATION = "UntagResource"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"resourceArn": s.repository.arn, "tagKeys": ["k"]}


MALFORMED_ARN_CODES = ["InvalidParameterException", "RepositoryNotFoundException"]

CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "InvalidParameterException": (
            "the only constrained input is an ARN, and whether AWS answers a malformed one "
            "with InvalidParameterException or RepositoryNotFoundException is not documented; "
            "test_malformed_arn accepts either"
        ),
        "TooManyTagsException": (
            "removing tags never raises a repository's tag count, so no UntagResource request "
            "can exceed the limit of 50 that this error reports"
        ),
    },
    validation=Evidence("model", "botocore's ECR model: UntagResource's input has no constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-using-tags.html",
)
@pytest.mark.ecr_repository(tags={"a": "1", "b": "2", "c": "3"})
def test_exactly_the_given_keys_are_removed(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Evidence: documented, User Guide "Tagging a private repository" ("you can remove
    tags from a resource at any time") and the model's "Deletes specified tags from a
    resource"."""
    before = tags_of(ecr_contract, ecr_repository.arn)
    ecr_contract.call(OPERATION, resourceArn=ecr_repository.arn, tagKeys=["a", "c"])
    after = tags_of(ecr_contract, ecr_repository.arn)
    assert after == {k: v for k, v in before.items() if k not in ("a", "c")}
    assert after["b"] == "2"


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryNotFoundException",
    tier="model",
    source="botocore's ECR model: UntagResource lists RepositoryNotFoundException",
)
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """The ARN of a repository that does not exist answers RepositoryNotFoundException.

    Evidence: model, the operation's modeled errors.
    """
    arn = ecr_repository.arn.replace(ecr_repository.name, MISSING_REPOSITORY)
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", resourceArn=arn, tagKeys=["k"]
    )


@pytest.mark.ecr_contract(
    aspect="errors", tier="inferred", source="no public AWS output of UntagResource for it"
)
def test_malformed_arn(ecr_contract: ContractClient) -> None:
    """A malformed ARN names no repository: refused with InvalidParameterException or
    RepositoryNotFoundException (which of the two AWS answers is not documented).

    Evidence: inferred; ListTagsForResource answers InvalidParameterException "The ARN
    provided is invalid." (boto/boto3#2774), nothing public shows UntagResource's answer.
    """
    ecr_contract.expect_error(
        OPERATION, MALFORMED_ARN_CODES, resourceArn="not-an-arn", tagKeys=["k"]
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidTagParameterException",
    tier="inferred",
    source="no public AWS output; the model puts no length limit on TagKey",
)
def test_too_long_tag_key(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Tag keys are at most 128 characters (the model's documentation of
    InvalidTagParameterException).

    Evidence: inferred: the limit is documented for tags being set (TagResource); nothing
    public shows UntagResource checking the length of a key it is asked to remove, and the
    model's TagKey shape has no length constraint.
    """
    ecr_contract.expect_error(
        OPERATION,
        "InvalidTagParameterException",
        resourceArn=ecr_repository.arn,
        tagKeys=["k" * 129],
    )
