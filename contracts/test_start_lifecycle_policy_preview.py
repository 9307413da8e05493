"""Contracts of StartLifecyclePolicyPreview."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import (
    LIFECYCLE_POLICY,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "StartLifecyclePolicyPreview"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "lifecyclePolicyText": LIFECYCLE_POLICY}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LifecyclePolicyPreviewInProgressException": (
        "needs a second preview while the first is still running; how long a preview runs "
        "is up to the registry, so no request triggers it reliably"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_preview_starts_with_the_given_policy(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    repository = ecr_image.repository
    started = ecr_contract.call(OPERATION, **ids(repository), lifecyclePolicyText=LIFECYCLE_POLICY)
    assert started["repositoryName"] == repository.name
    assert json.loads(started["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)
    preview = ecr_contract.call("GetLifecyclePolicyPreview", **ids(repository))
    assert json.loads(preview["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)


@pytest.mark.ecr_contract(aspect="errors", triggers="LifecyclePolicyNotFoundException")
def test_no_text_and_no_policy(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Without lifecyclePolicyText "the current policy for the repository is used" (the
    model's documentation); a repository without one has nothing to preview."""
    ecr_contract.expect_error(OPERATION, "LifecyclePolicyNotFoundException", **ids(ecr_repository))


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        lifecyclePolicyText=LIFECYCLE_POLICY,
    )
