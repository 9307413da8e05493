"""Contracts of ListImageReferrers."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import ImageFactory, Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "ListImageReferrers"

SBOM = "application/vnd.example.sbom+json"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "subjectId": {"imageDigest": s.image.digest},
        "filter": {"artifactTypes": [SBOM], "artifactStatus": "ANY"},
        "maxResults": 10,
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "UnableToListUpstreamImageReferrersException": (
            "needs a pull-through cache rule whose upstream registry is unreachable; the suite "
            "does not reach upstream registries"
        ),
    },
    validation=Evidence("model", "botocore's ECR model: ListImageReferrers's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: ListImageReferrers lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImageReferrers.html",
)
def test_artifact_with_a_subject_is_listed(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """An OCI artifact whose ``subject`` is an image is one of that image's referrers, with
    its digest, media type, artifact type and size (OCI distribution-spec v1.1,
    "Listing Referrers").

    Evidence: documented, API_ListImageReferrers ("Lists the artifacts associated with a
    specified subject image") and OCI distribution-spec v1.1, "Listing Referrers" (a
    referrer's size is its manifest's, as in every OCI descriptor).
    """
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
