"""Contracts of StartLifecyclePolicyPreview."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import LIFECYCLE_POLICY, Contract, Evidence, Scenario, ids

OPERATION = "StartLifecyclePolicyPreview"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "lifecyclePolicyText": LIFECYCLE_POLICY}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LifecyclePolicyPreviewInProgressException": (
            "needs a second preview while the first is still running; how long a preview runs "
            "is up to the registry, so no request triggers it reliably"
        ),
    },
    validation=Evidence(
        "model", "botocore's ECR model: StartLifecyclePolicyPreview's input constraints"
    ),
    missing_repository=Evidence(
        "model",
        "botocore's ECR model: StartLifecyclePolicyPreview lists RepositoryNotFoundException",
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/start-lifecycle-policy-preview.rst",
)
def test_preview_starts_with_the_given_policy(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """The preview starts with the policy given, compared as parsed JSON (one rule, so the
    reordering of rules by rulePriority does not matter).

    Evidence: documented, aws-cli example start-lifecycle-policy-preview: the answer
    carries repositoryName, the lifecyclePolicyText and status IN_PROGRESS.
    """
    repository = ecr_image.repository
    started = ecr_contract.call(OPERATION, **ids(repository), lifecyclePolicyText=LIFECYCLE_POLICY)
    assert started["repositoryName"] == repository.name
    assert json.loads(started["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)
    preview = ecr_contract.call("GetLifecyclePolicyPreview", **ids(repository))
    assert json.loads(preview["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LifecyclePolicyNotFoundException",
    tier="model",
    source="botocore's ECR model: StartLifecyclePolicyPreview's documentation of "
    "lifecyclePolicyText",
)
def test_no_text_and_no_policy(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Without lifecyclePolicyText "the current policy for the repository is used" (the
    model's documentation); a repository without one has nothing to preview.

    Evidence: model; the code's real message is known only from GetLifecyclePolicy
    (iann0036/former2#16).
    """
    ecr_contract.expect_error(OPERATION, "LifecyclePolicyNotFoundException", **ids(ecr_repository))
