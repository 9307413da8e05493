"""Contracts of TagResource."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, Contract, Evidence, Scenario, tags_of

OPERATION = "TagResource"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"resourceArn": s.repository.arn, "tags": [{"Key": "k", "Value": "v"}]}


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
    },
    validation=Evidence("model", "botocore's ECR model: TagResource's input has no constraints"),
)

#: The TagResource page of the ECR API reference (its Errors section).
API_REFERENCE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_TagResource.html"


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-using-tags.html",
)
def test_tags_are_added_and_others_kept(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """ "Existing tags on a resource are not changed if they are not specified in the
    request parameters" (the model's documentation of TagResource).

    Evidence: documented, User Guide "Tagging a private repository": a tag with an
    existing key overwrites its value, and a value may be an empty string.
    """
    before = tags_of(ecr_contract, ecr_repository.arn)
    ecr_contract.call(
        OPERATION, resourceArn=ecr_repository.arn, tags=[{"Key": "team", "Value": "a"}]
    )
    assert tags_of(ecr_contract, ecr_repository.arn) == {**before, "team": "a"}
    ecr_contract.call(
        OPERATION,
        resourceArn=ecr_repository.arn,
        tags=[{"Key": "team", "Value": "b"}, {"Key": "cost", "Value": ""}],
    )
    assert tags_of(ecr_contract, ecr_repository.arn) == {**before, "team": "b", "cost": ""}


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryNotFoundException",
    tier="documented",
    source=API_REFERENCE,
)
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """The ARN of a repository that does not exist answers RepositoryNotFoundException.

    Evidence: documented, API_TagResource, Errors: RepositoryNotFoundException, HTTP 400.
    """
    arn = ecr_repository.arn.replace(ecr_repository.name, MISSING_REPOSITORY)
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        resourceArn=arn,
        tags=[{"Key": "k", "Value": "v"}],
    )


@pytest.mark.ecr_contract(
    aspect="errors", tier="inferred", source="no public AWS output of TagResource for it"
)
def test_malformed_arn(ecr_contract: ContractClient) -> None:
    """A malformed ARN names no repository: refused with InvalidParameterException or
    RepositoryNotFoundException (which of the two AWS answers is not documented).

    Evidence: inferred; ListTagsForResource answers InvalidParameterException "The ARN
    provided is invalid." (boto/boto3#2774), nothing public shows TagResource's answer.
    """
    ecr_contract.expect_error(
        OPERATION,
        MALFORMED_ARN_CODES,
        resourceArn="not-an-arn",
        tags=[{"Key": "k", "Value": "v"}],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidTagParameterException",
    tier="documented",
    source=API_REFERENCE,
)
def test_too_long_tag_key(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """ "Tag keys can have a maximum character length of 128 characters, and tag values
    can have a maximum length of 256 characters" (the model's documentation of
    InvalidTagParameterException).

    Evidence: documented, API_TagResource, Errors: InvalidTagParameterException, with the
    same limits, HTTP 400.
    """
    ecr_contract.expect_error(
        OPERATION,
        "InvalidTagParameterException",
        resourceArn=ecr_repository.arn,
        tags=[{"Key": "k" * 129, "Value": "v"}],
    )
    ecr_contract.expect_error(
        OPERATION,
        "InvalidTagParameterException",
        resourceArn=ecr_repository.arn,
        tags=[{"Key": "k", "Value": "v" * 257}],
    )


@pytest.mark.ecr_contract(
    aspect="errors", triggers="TooManyTagsException", tier="documented", source=API_REFERENCE
)
def test_more_than_fifty_tags(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """ "The maximum number of tags that can be applied to a repository is 50" (the model's
    documentation of TooManyTagsException). The repository already has the marker tag.

    Evidence: documented, API_TagResource, Errors: TooManyTagsException, "The maximum
    number of tags that can be applied to a repository is 50", HTTP 400.
    """
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    ecr_contract.expect_error(
        OPERATION, "TooManyTagsException", resourceArn=ecr_repository.arn, tags=tags
    )
