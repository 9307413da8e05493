"""Contracts of PutImage."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.images import Pusher, build_image, build_index
from pytest_ecr.prerequisites import prerequisite
from pytest_ecr.resources import Image, ImageFactory, Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    LIMIT_EXCEPTION,
    MISSING_DIGEST,
    Contract,
    Evidence,
    Scenario,
    ids,
)

OPERATION = "PutImage"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageManifest": s.image.manifest,
        "imageManifestMediaType": s.image.media_type,
        "imageTag": "v2",
        "imageDigest": s.image.digest,
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "KmsException": KMS_EXCEPTION,
        "LimitExceededException": LIMIT_EXCEPTION + " (images per repository)",
    },
    # Real PutImage answers "Invalid parameter at 'ImageManifest' failed to satisfy
    # constraint: 'Invalid JSON syntax'" (boto/boto3#3295), but for JSON syntax, not for a
    # constraint of the model: the codes of the generated cases are the model's.
    validation=Evidence("model", "botocore's ECR model: PutImage's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: PutImage lists RepositoryNotFoundException"
    ),
)


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


@pytest.mark.ecr_contract(aspect="behavior", tier="aws-verified", source="aws/aws-sdk-js-v3#6642")
def test_another_tag_for_an_existing_image(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The same manifest, byte for byte, under a new tag: the same image, one more tag.

    Evidence: aws-verified, aws/aws-sdk-js-v3#6642: real ``aws ecr put-image`` of an
    image's manifest with a new tag answers the image's digest and the new tag.
    """
    answer = ecr_contract.call(OPERATION, **put(ecr_image, "second"))
    image = answer["image"]
    assert image["imageId"] == {"imageDigest": ecr_image.digest, "imageTag": "second"}
    assert image["imageManifest"] == ecr_image.manifest
    assert tags_by_digest(ecr_contract, ecr_image.repository) == {
        ecr_image.digest: sorted([*ecr_image.tags, "second"])
    }


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
)
def test_mutable_tag_moves_to_the_new_image(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """In a MUTABLE repository a tag can be overwritten (the model's documentation of
    ``imageTagMutability``: MUTABLE "will allow image tags to be overwritten").

    Evidence: documented, User Guide "Image tag mutability": with MUTABLE, image tags can
    be overwritten. (That the old image keeps its other tags is
    test_moved_tag_leaves_the_other_tags, inferred.)
    """
    first = ecr_image_factory.push(ecr_repository, tags=["v1", "keep"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=[], seed="second")
    ecr_contract.call(OPERATION, **put(second, "v1"))
    tags = tags_by_digest(ecr_contract, ecr_repository)
    assert set(tags) == {first.digest, second.digest}
    assert tags[second.digest] == ["v1"]
    assert "v1" not in tags[first.digest]


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="not documented explicitly; no public AWS output",
)
def test_moved_tag_leaves_the_other_tags(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """The image a tag moved away from keeps its other tags (split from
    test_mutable_tag_moves_to_the_new_image).

    Evidence: inferred: a tag names one image, and moving one tag changes no other; no
    AWS documentation or public output says so explicitly.
    """
    first = ecr_image_factory.push(ecr_repository, tags=["v1", "keep"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=[], seed="second")
    ecr_contract.call(OPERATION, **put(second, "v1"))
    assert tags_by_digest(ecr_contract, ecr_repository)[first.digest] == ["keep"]


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ecr.TagMutability.html",
)
@pytest.mark.ecr_repository(tag_mutability="IMMUTABLE_WITH_EXCLUSION", exclusion_filters=["dev-*"])
def test_exclusion_filters_keep_matching_tags_mutable(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """In IMMUTABLE_WITH_EXCLUSION, tags matching an exclusion filter may be overwritten and
    the others may not (the model: an exclusion filter "specifies which image tags should
    be excluded from the repository's image tag mutability setting").

    Evidence: documented, AWS CDK's TagMutability: IMMUTABLE_WITH_EXCLUSION makes every tag
    immutable "while allowing you to define some filters for tags that can be changed".
    """
    first = ecr_image_factory.push(ecr_repository, tags=["dev-1", "v1"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=[], seed="second")
    ecr_contract.call(OPERATION, **put(second, "dev-1"))
    ecr_contract.expect_error(OPERATION, "ImageTagAlreadyExistsException", **put(second, "v1"))
    assert tags_by_digest(ecr_contract, ecr_repository) == {
        first.digest: ["v1"],
        second.digest: ["dev-1"],
    }


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ImageTagAlreadyExistsException",
    tier="aws-verified",
    source="aws/containers-roadmap#862",
)
@pytest.mark.ecr_repository(tag_mutability="IMMUTABLE")
def test_immutable_tag_cannot_move(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """ImageTagAlreadyExistsException: "The specified image is tagged with a tag that
    already exists. The repository is configured for tag immutability" (the model).

    Evidence: aws-verified, aws/containers-roadmap#862: real ECR refuses "The image tag
    'latest' already exists ... and cannot be overwritten because the repository is
    immutable" (seen through the registry API; the PutImage code is the model's).
    """
    ecr_image_factory.push(ecr_repository, tags=["v1"], seed="first")
    second = ecr_image_factory.push(ecr_repository, tags=["other"], seed="second")
    ecr_contract.expect_error(OPERATION, "ImageTagAlreadyExistsException", **put(second, "v1"))


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ImageAlreadyExistsException",
    tier="aws-verified",
    source="buildkite-plugins/ecr-buildkite-plugin#111",
)
def test_same_manifest_and_tag_again(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """ImageAlreadyExistsException: "The specified image has already been pushed, and
    there were no changes to the manifest or image tag after the last push" (the model).

    Evidence: aws-verified, buildkite-plugins/ecr-buildkite-plugin#111: "An error occurred
    (ImageAlreadyExistsException) when calling the PutImage operation: Image with digest
    ... and tag 'canary' already exists".
    """
    ecr_contract.expect_error(
        OPERATION, "ImageAlreadyExistsException", **put(ecr_image, ecr_image.tags[0])
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ImageDigestDoesNotMatchException",
    tier="documented",
    source="aws/aws-sdk-go:CHANGELOG.md",
)
def test_wrong_digest(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """ImageDigestDoesNotMatchException: "The specified image digest does not match the
    digest that Amazon ECR calculated for the image" (the model).

    Evidence: documented, aws/aws-sdk-go CHANGELOG v1.32.13 (2020-06-30): PutImage gained
    imageDigest "and a new exception (ImageDigestDoesNotMatchException)"; no real output.
    """
    ecr_contract.expect_error(
        OPERATION,
        "ImageDigestDoesNotMatchException",
        **put(ecr_image, "other"),
        imageDigest=MISSING_DIGEST,
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LayersNotFoundException",
    tier="aws-verified",
    source="oras-project/oras-py#54",
)
def test_manifest_with_layers_never_uploaded(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """LayersNotFoundException: "The specified layers could not be found" (the model).

    Evidence: aws-verified, oras-project/oras-py#54: real ECR refuses a manifest whose
    blobs are missing, "Layers with digests '[...]' required for pushing image into
    repository ... do not exist" (seen through the registry API; the code is the model's).
    """
    built = build_image(seed="never-uploaded")
    ecr_contract.expect_error(
        OPERATION,
        "LayersNotFoundException",
        **ids(ecr_repository),
        imageManifest=built.manifest.decode(),
        imageManifestMediaType=built.media_type,
        imageTag="v1",
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ReferencedImagesNotFoundException",
    tier="model",
    source="botocore's ECR model: PutImage lists ReferencedImagesNotFoundException",
)
def test_index_of_images_never_pushed(
    ecr_contract: ContractClient, ecr_client: Any, ecr_repository: Repository
) -> None:
    """ReferencedImagesNotFoundException: "The manifest list is referencing an image that
    does not exist" (the model). The children's blobs are there; their manifests are not.

    Evidence: model: no public ECR output of this refusal (the OCI distribution-spec lets
    a registry refuse such an index, opencontainers/distribution-spec#310).
    """
    child = build_image(seed="child-never-put", manifest_format="oci")
    with prerequisite("uploading the children's blobs"):
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


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="awsdocs/amazon-ecr-user-guide#51; aws/aws-cli#6234",
)
def test_registry_digest_is_sha256_of_the_manifest_as_sent(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """The digest ECR gives a manifest is the sha256 of its bytes exactly as sent: the same
    content serialised differently is another image, and comes back byte for byte.

    Evidence: aws-verified, awsdocs/amazon-ecr-user-guide#51 (a manifest put back with
    the newline jq added got a new digest) and aws/aws-cli#6234 (a manifest with an added
    "\\r" made a new image instead of tagging the existing one).
    """
    manifest = json.dumps(json.loads(ecr_image.manifest), indent=2) + "\n"
    expected = "sha256:" + hashlib.sha256(manifest.encode("utf-8")).hexdigest()
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageManifest=manifest,
        imageManifestMediaType=ecr_image.media_type,
        imageTag="reserialised",
    )
    digest = answer["image"]["imageId"]["imageDigest"]
    assert digest == expected
    assert digest != ecr_image.digest
    got = ecr_contract.call(
        "BatchGetImage",
        **ids(ecr_image.repository),
        imageIds=[{"imageDigest": digest}],
        acceptedMediaTypes=[ecr_image.media_type],
    )
    (image,) = got["images"]
    assert image["imageManifest"] == manifest


@pytest.mark.ecr_contract(
    aspect="validation",
    tier="model",
    source="botocore's ECR model: ImageTag max 300; "
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImage.html",
)
def test_tag_of_the_maximum_length(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """An image tag may have up to 300 characters (the model's ImageTag, max 300), more
    than the 128 of Docker's tag grammar: a registry that applies Docker's limit refuses
    tags ECR accepts. The tag is put and found again.

    Evidence: model, botocore's ECR model and API_PutImage ("imageTag ... Maximum length
    of 300"); no public AWS output of a tag this long. The characters are from the set
    real ECR checks tags against, [a-zA-Z0-9-_.]+ (alexjurkiewicz/ecr-scan-image#40).
    """
    tag = "release-1.2_" * 25
    assert len(tag) == 300
    answer = ecr_contract.call(OPERATION, **put(ecr_image, tag))
    assert answer["image"]["imageId"] == {"imageDigest": ecr_image.digest, "imageTag": tag}
    found = ecr_contract.call(
        "DescribeImages", **ids(ecr_image.repository), imageIds=[{"imageTag": tag}]
    )
    assert [d["imageDigest"] for d in found["imageDetails"]] == [ecr_image.digest]
