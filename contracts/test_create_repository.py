"""Contracts of CreateRepository."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import RepositoryFactory
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    LIMIT_EXCEPTION,
    SERVER_EXCEPTION,
    Scenario,
    validation_tests,
)

OPERATION = "CreateRepository"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "registryId": s.registry_id,
        "repositoryName": s.new_repository_name("validation"),
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "dev-*"}],
        "encryptionConfiguration": {
            "encryptionType": "KMS",
            "kmsKey": f"arn:aws:kms:us-east-1:{s.registry_id}:key/pytest-ecr-validation",
        },
    }


def undo(client: Any, created: dict[str, Any]) -> None:
    """A target that creates a repository with an invalid name: remove it again."""
    repository = created["repository"]
    client.delete_repository(
        repositoryName=repository["repositoryName"],
        registryId=repository["registryId"],
        force=True,
    )


test_validation = validation_tests(OPERATION, valid_request, undo=undo)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "KmsException": KMS_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (repositories per registry)",
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_identifiers_agree_with_describe(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """The new repository's ARN and URI have the documented formats and match Describe.

    Amazon ECR User Guide, "Amazon ECR private repositories":
    ``arn:aws:ecr:<region>:<account>:repository/<name>`` and
    ``<account>.dkr.ecr.<region>.amazonaws.com/<name>``.
    """
    name = ecr_repository_factory.reserve("create")
    created = ecr_contract.call(
        OPERATION, repositoryName=name, tags=[ecr_repository_factory.marker_tag]
    )["repository"]
    region = ecr_contract.target.region
    registry = created["registryId"]
    assert created["repositoryName"] == name
    assert created["repositoryArn"] == f"arn:aws:ecr:{region}:{registry}:repository/{name}"
    assert created["repositoryUri"] == f"{registry}.dkr.ecr.{region}.amazonaws.com/{name}"
    described = ecr_contract.call("DescribeRepositories", repositoryNames=[name])
    (repository,) = described["repositories"]
    assert repository["repositoryArn"] == created["repositoryArn"]
    assert repository["repositoryUri"] == created["repositoryUri"]


@pytest.mark.ecr_contract(aspect="behavior")
def test_defaults_and_settings(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """Tag mutability defaults to MUTABLE; scan on push and tags are kept.

    The model's documentation of ``imageTagMutability``: "If this parameter is omitted,
    the default setting of MUTABLE will be used".
    """
    plain = ecr_repository_factory.reserve("defaults")
    created = ecr_contract.call(
        OPERATION, repositoryName=plain, tags=[ecr_repository_factory.marker_tag]
    )["repository"]
    assert created["imageTagMutability"] == "MUTABLE"
    scanned = ecr_repository_factory.reserve("settings")
    created = ecr_contract.call(
        OPERATION,
        repositoryName=scanned,
        imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        tags=[{"Key": "team", "Value": "a"}, ecr_repository_factory.marker_tag],
    )["repository"]
    assert created["imageTagMutability"] == "IMMUTABLE"
    assert created["imageScanningConfiguration"] == {"scanOnPush": True}
    tags = ecr_contract.call("ListTagsForResource", resourceArn=created["repositoryArn"])
    assert {"Key": "team", "Value": "a"} in tags["tags"]


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryAlreadyExistsException")
def test_existing_name_is_refused(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    name = ecr_repository_factory.reserve("exists")
    ecr_contract.call(OPERATION, repositoryName=name, tags=[ecr_repository_factory.marker_tag])
    ecr_contract.expect_error(OPERATION, "RepositoryAlreadyExistsException", repositoryName=name)


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidTagParameterException")
def test_too_long_tag_key_is_refused(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """InvalidTagParameterException: "Tag keys can have a maximum character length of 128
    characters" (the model's documentation of the error)."""
    name = ecr_repository_factory.reserve("tag-key")
    ecr_contract.expect_error(
        OPERATION,
        "InvalidTagParameterException",
        repositoryName=name,
        tags=[{"Key": "k" * 129, "Value": "v"}, ecr_repository_factory.marker_tag],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="TooManyTagsException")
def test_more_than_fifty_tags_are_refused(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """TooManyTagsException: "The maximum number of tags that can be applied to a
    repository is 50" (the model's documentation of the error)."""
    name = ecr_repository_factory.reserve("many-tags")
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    ecr_contract.expect_error(
        OPERATION,
        "TooManyTagsException",
        repositoryName=name,
        tags=[*tags, ecr_repository_factory.marker_tag],
    )
