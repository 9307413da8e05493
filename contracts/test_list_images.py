"""Contracts of ListImages."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import ImageFactory, Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, ids, validation_tests

OPERATION = "ListImages"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "maxResults": 10,
        "filter": {"tagStatus": "ANY", "imageStatus": "ANY"},
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_one_entry_per_digest_and_tag(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """An image with two tags is listed twice, once per tag; an untagged image once, by
    digest alone. The model's documentation of ListImages: filter TAGGED "to list all of
    the tags in your repository", UNTAGGED to "pipe that result to a BatchDeleteImage"."""
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


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryName=MISSING_REPOSITORY
    )
