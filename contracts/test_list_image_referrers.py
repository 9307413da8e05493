"""Contracts of ListImageReferrers."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import ImageFactory, Repository
from pytest_ecr.suite import (
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "ListImageReferrers"
pytestmark = pytest.mark.ecr_contract(OPERATION)

SBOM = "application/vnd.example.sbom+json"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "subjectId": {"imageDigest": s.image.digest},
        "filter": {"artifactTypes": [SBOM], "artifactStatus": "ANY"},
        "maxResults": 10,
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "UnableToListUpstreamImageReferrersException": (
        "needs a pull-through cache rule whose upstream registry is unreachable; the suite "
        "does not reach upstream registries"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_artifact_with_a_subject_is_listed(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """An OCI artifact whose ``subject`` is an image is one of that image's referrers, with
    its digest, media type, artifact type and size (OCI distribution-spec v1.1,
    "Listing Referrers")."""
    subject = ecr_image_factory.push(ecr_repository, manifest_format="oci", tags=["v1"])
    artifact = ecr_image_factory.push(
        ecr_repository, tags=[], artifact_type=SBOM, subject=subject, seed="sbom"
    )
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_repository), subjectId={"imageDigest": subject.digest}
    )
    (referrer,) = answer["referrers"]
    assert referrer["digest"] == artifact.digest
    assert referrer["mediaType"] == artifact.media_type
    assert referrer["artifactType"] == SBOM
    assert referrer["size"] == len(artifact.manifest.encode())
    other = ecr_contract.call(
        OPERATION,
        **ids(ecr_repository),
        subjectId={"imageDigest": subject.digest},
        filter={"artifactTypes": ["application/vnd.example.other"]},
    )
    assert other["referrers"] == []


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        subjectId={"imageDigest": MISSING_DIGEST},
    )
