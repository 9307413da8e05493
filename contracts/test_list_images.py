"""Contracts of ListImages."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import ImageFactory, Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "ListImages"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "maxResults": 10,
        "filter": {"tagStatus": "ANY", "imageStatus": "ANY"},
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # The maxResults > 1000 refusal in google/go-containerregistry#681 came through the
    # registry API (OCI code UNSUPPORTED), not the ECR API: model for the code.
    validation=Evidence("model", "botocore's ECR model: ListImages's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: ListImages lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="UKHomeOffice/application-container-platform#637",
)
def test_one_entry_per_digest_and_tag(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """An image with two tags is listed twice, once per tag; an untagged image once, by
    digest alone. The model's documentation of ListImages: filter TAGGED "to list all of
    the tags in your repository", UNTAGGED to "pipe that result to a BatchDeleteImage".

    Evidence: aws-verified, UKHomeOffice/application-container-platform#637: a real
    ListImages answer lists one digest twice, once with each of its tags.
    """
    tagged = ecr_image_factory.push(ecr_repository, tags=["v1", "v2"], seed="tagged")
    untagged = ecr_image_factory.push(ecr_repository, tags=[], seed="untagged")

    def pairs(**extra: Any) -> list[tuple[str, str | None]]:
        listed = ecr_contract.call(OPERATION, **ids(ecr_repository), **extra)["imageIds"]
        found = [(i["imageDigest"], i.get("imageTag")) for i in listed]
        return sorted(found, key=lambda p: (p[0], p[1] or ""))

    assert pairs(filter={"tagStatus": "TAGGED"}) == [(tagged.digest, "v1"), (tagged.digest, "v2")]
    assert pairs(filter={"tagStatus": "UNTAGGED"}) == [(untagged.digest, None)]
    assert pairs() == sorted(
        [(tagged.digest, "v1"), (tagged.digest, "v2"), (untagged.digest, None)],
        key=lambda p: (p[0], p[1] or ""),
    )
