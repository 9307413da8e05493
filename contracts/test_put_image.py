"""Contracts of PutImage."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.images import Pusher, build_image, build_index
from pytest_ecr.resources import Image, ImageFactory, Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    LIMIT_EXCEPTION,
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "PutImage"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageManifest": s.image.manifest,
        "imageManifestMediaType": s.image.media_type,
        "imageTag": "v2",
        "imageDigest": s.image.digest,
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "KmsException": KMS_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (images per repository)",
}


def put(image: Image, tag: str | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        **ids(image.repository),
        "imageManifest": image.manifest,
        "imageManifestMediaType": image.media_type,
    }
    if tag is not None:
        request["imageTag"] = tag
    return request


def tags_by_digest(contract: ContractClient, repository: Repository) -> dict[str, list[str]]:
    details = contract.call("DescribeImages", **ids(repository))["imageDetails"]
    return {d["imageDigest"]: sorted(d.get("imageTags", [])) for d in details}


@pytest.mark.ecr_contract(aspect="behavior")
def test_another_tag_for_an_existing_image(ecr_contract: ContractClient, ecr_image: Image) -> None:
    answer = ecr_contract.call(OPERATION, **put(ecr_image, "second"))
    image = answer["image"]
    assert image["imageId"] == {"imageDigest": ecr_image.digest, "imageTag": "second"}
    assert image["imageManifest"] == ecr_image.manifest
    assert tags_by_digest(ecr_contract, ecr_image.repository) == {
        ecr_image.digest: sorted([*ecr_image.tags, "second"])
    }


@pytest.mark.ecr_contract(aspect="behavior")
def test_mutable_tag_moves_to_the_new_image(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """In a MUTABLE repository a tag can be overwritten (the model's documentation of
    ``imageTagMutability``: MUTABLE "will allow image tags to be overwritten")."""
    first = ecr_image_factory.push(ecr_repository, tags=["v1", "keep"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=[], seed="second")
    ecr_contract.call(OPERATION, **put(second, "v1"))
    assert tags_by_digest(ecr_contract, ecr_repository) == {
        first.digest: ["keep"],
        second.digest: ["v1"],
    }


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_repository(tag_mutability="IMMUTABLE_WITH_EXCLUSION", exclusion_filters=["dev-*"])
def test_exclusion_filters_keep_matching_tags_mutable(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """In IMMUTABLE_WITH_EXCLUSION, tags matching an exclusion filter may be overwritten and
    the others may not (the model: an exclusion filter "specifies which image tags should
    be excluded from the repository's image tag mutability setting")."""
    first = ecr_image_factory.push(ecr_repository, tags=["dev-1", "v1"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=[], seed="second")
    ecr_contract.call(OPERATION, **put(second, "dev-1"))
    ecr_contract.expect_error(OPERATION, "ImageTagAlreadyExistsException", **put(second, "v1"))
    assert tags_by_digest(ecr_contract, ecr_repository) == {
        first.digest: ["v1"],
        second.digest: ["dev-1"],
    }


@pytest.mark.ecr_contract(aspect="errors", triggers="ImageTagAlreadyExistsException")
@pytest.mark.ecr_repository(tag_mutability="IMMUTABLE")
def test_immutable_tag_cannot_move(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """ImageTagAlreadyExistsException: "The specified image is tagged with a tag that
    already exists. The repository is configured for tag immutability" (the model)."""
    ecr_image_factory.push(ecr_repository, tags=["v1"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=["other"], seed="second")
    ecr_contract.expect_error(OPERATION, "ImageTagAlreadyExistsException", **put(second, "v1"))


@pytest.mark.ecr_contract(aspect="errors", triggers="ImageAlreadyExistsException")
def test_same_manifest_and_tag_again(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """ImageAlreadyExistsException: "The specified image has already been pushed, and
    there were no changes to the manifest or image tag after the last push" (the model)."""
    ecr_contract.expect_error(
        OPERATION, "ImageAlreadyExistsException", **put(ecr_image, ecr_image.tags[0])
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="ImageDigestDoesNotMatchException")
def test_wrong_digest(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """ImageDigestDoesNotMatchException: "The specified image digest does not match the
    digest that Amazon ECR calculated for the image" (the model)."""
    ecr_contract.expect_error(
        OPERATION,
        "ImageDigestDoesNotMatchException",
        **put(ecr_image, "other"),
        imageDigest=MISSING_DIGEST,
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="LayersNotFoundException")
def test_manifest_with_layers_never_uploaded(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """LayersNotFoundException: "The specified layers could not be found" (the model)."""
    built = build_image(seed="never-uploaded")
    ecr_contract.expect_error(
        OPERATION,
        "LayersNotFoundException",
        **ids(ecr_repository),
        imageManifest=built.manifest.decode(),
        imageManifestMediaType=built.media_type,
        imageTag="v1",
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="ReferencedImagesNotFoundException")
def test_index_of_images_never_pushed(
    ecr_contract: ContractClient, ecr_client: Any, ecr_repository: Repository
) -> None:
    """ReferencedImagesNotFoundException: "The manifest list is referencing an image that
    does not exist" (the model). The children's blobs are there; their manifests are not."""
    child = build_image(seed="child-never-put", manifest_format="oci")
    Pusher(ecr_client, ecr_repository.name).push_blobs(child.blobs)
    index = build_index([child], manifest_format="oci")
    ecr_contract.expect_error(
        OPERATION,
        "ReferencedImagesNotFoundException",
        **ids(ecr_repository),
        imageManifest=index.manifest.decode(),
        imageManifestMediaType=index.media_type,
        imageTag="multi",
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    built = build_image(seed="missing-repository")
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageManifest=built.manifest.decode(),
        imageManifestMediaType=built.media_type,
    )
