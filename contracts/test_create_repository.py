"""Contracts of CreateRepository."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import RepositoryFactory
from pytest_ecr.suite import KMS_EXCEPTION, LIMIT_EXCEPTION, Contract, Evidence, Scenario

OPERATION = "CreateRepository"


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


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "KmsException": KMS_EXCEPTION,
        "LimitExceededException": LIMIT_EXCEPTION + " (repositories per registry)",
    },
    undo=undo,
    # "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy
    # regular expression ...' (Service: AmazonECR; Status Code: 400; Error Code:
    # InvalidParameterException)" (stelligent/mu#323); the minimum length in
    # aws/aws-dotnet-deploy#549 (also jenkins-x/jx#1344, int128/create-ecr-repository-action#231).
    validation=Evidence("aws-verified", "stelligent/mu#323; aws/aws-dotnet-deploy#549"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/repository_test.go; "
    "aws/aws-cli#2675",
)
def test_identifiers_agree_with_describe(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """The new repository's ARN and URI have the documented formats and match Describe.

    Amazon ECR User Guide, "Amazon ECR private repositories":
    ``arn:aws:ecr:<region>:<account>:repository/<name>`` and
    ``<account>.dkr.ecr.<region>.amazonaws.com/<name>``.

    Evidence: aws-verified, hashicorp/terraform-provider-aws:internal/service/ecr/
    repository_test.go (acceptance tests check the regional ARN ``repository/<name>`` and
    the URI ``<account>.dkr.ecr.<region>.amazonaws.com/<name>`` on AWS); aws/aws-cli#2675
    pastes a real create-repository answer of that form.
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


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html; "
    "hashicorp/terraform-provider-aws:internal/service/ecr/repository_test.go",
)
def test_defaults_and_settings(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """Tag mutability defaults to MUTABLE; scan on push and tags are kept.

    The model's documentation of ``imageTagMutability``: "If this parameter is omitted,
    the default setting of MUTABLE will be used".

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html:
    the MUTABLE default (the weakest of the assertions); IMMUTABLE, scan on push and tags
    read back are aws-verified by terraform's acceptance tests
    (TestAccECRRepository_immutability, _Image_scanning, _tags in
    hashicorp/terraform-provider-aws:internal/service/ecr/repository_test.go).
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


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="RepositoryAlreadyExistsException",
    tier="aws-verified",
    source="metaps/genova#164",
)
def test_existing_name_is_refused(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """Creating a name that exists is refused.

    Evidence: aws-verified, metaps/genova#164: AWS's answer "The repository with name '***'
    already exists in the registry with id '***'" (the message of
    RepositoryAlreadyExistsException; the code name itself is not printed there).
    """
    name = ecr_repository_factory.reserve("exists")
    ecr_contract.call(OPERATION, repositoryName=name, tags=[ecr_repository_factory.marker_tag])
    ecr_contract.expect_error(OPERATION, "RepositoryAlreadyExistsException", repositoryName=name)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidTagParameterException",
    tier="model",
    source="botocore's ECR model: InvalidTagParameterException",
)
def test_too_long_tag_key_is_refused(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """InvalidTagParameterException: "Tag keys can have a maximum character length of 128
    characters" (the model's documentation of the error).

    Evidence: model, botocore's ECR model: the error's documentation (the model puts no
    length on TagKey); no public AWS output.
    """
    name = ecr_repository_factory.reserve("tag-key")
    ecr_contract.expect_error(
        OPERATION,
        "InvalidTagParameterException",
        repositoryName=name,
        tags=[{"Key": "k" * 129, "Value": "v"}, ecr_repository_factory.marker_tag],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="TooManyTagsException",
    tier="model",
    source="botocore's ECR model: TooManyTagsException",
)
def test_more_than_fifty_tags_are_refused(
    ecr_contract: ContractClient, ecr_repository_factory: RepositoryFactory
) -> None:
    """TooManyTagsException: "The maximum number of tags that can be applied to a
    repository is 50" (the model's documentation of the error).

    Evidence: model, botocore's ECR model: the error's documentation; no public AWS output.
    """
    name = ecr_repository_factory.reserve("many-tags")
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    ecr_contract.expect_error(
        OPERATION,
        "TooManyTagsException",
        repositoryName=name,
        tags=[*tags, ecr_repository_factory.marker_tag],
    )


@pytest.mark.ecr_contract(
    aspect="validation",
    tier="inferred",
    source="no public ECR answer to a missing required member (evidence g4, "
    "validation-missing-required); ECR's validation answers: stelligent/mu#323",
)
def test_request_without_a_name_is_refused(ecr_contract: ContractClient) -> None:
    """repositoryName is required (the model's CreateRepositoryRequest). botocore checks
    required members itself, and the contract client turns that off, so this is the
    server's check: HTTP 400 with a validation error, not a crash and not a repository.

    Evidence: inferred: botocore refuses a request without a required member before
    sending it, so no public real answer shows one. By analogy with ECR's other validation
    answers (InvalidParameterException, HTTP 400: stelligent/mu#323), the form would be
    "Invalid parameter at 'repositoryName' failed to satisfy constraint: 'Member must not be
    null'"; ValidationError, the Common Errors page's code for input that "fails to satisfy
    the constraints", is accepted too.
    """
    ecr_contract.expect_invalid(
        OPERATION,
        ["InvalidParameterException", "ValidationError"],
        imageTagMutability="MUTABLE",
    )
