"""Contracts of GetLifecyclePolicyPreview."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import LIFECYCLE_POLICY, Contract, Evidence, Scenario, ids

OPERATION = "GetLifecyclePolicyPreview"


def valid_request(s: Scenario) -> list[dict[str, Any]]:
    # maxResults and nextToken cannot be used with imageIds (the model's documentation).
    return [
        {**ids(s.repository), "imageIds": [{"imageTag": s.image.tags[0]}]},
        {**ids(s.repository), "maxResults": 10, "filter": {"tagStatus": "ANY"}},
    ]


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public InvalidParameterException answers are of other operations; nothing public for
    # this one.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # Sources disagree on maxResults: the model caps it at 100, a copy of the API Reference
    # says 1 to 1000 (docs/evidence.md, "Where sources disagree"): that case is a lead only.
    contested={
        "maxResults-max": Evidence(
            "inferred", "the model (max 100) and the API Reference (1 to 1000) disagree"
        )
    },
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/get-lifecycle-policy-preview.rst",
)
def test_preview_that_was_started(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """After StartLifecyclePolicyPreview the preview names the repository and registry and
    has a status (perhaps still IN_PROGRESS).

    Evidence: documented, aws/aws-cli:awscli/examples/ecr/get-lifecycle-policy-preview.rst:
    an answer with ``registryId``, ``repositoryName`` and ``status``.
    """
    repository = ecr_image.repository
    ecr_contract.call(
        "StartLifecyclePolicyPreview", **ids(repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    preview = ecr_contract.call(OPERATION, **ids(repository))
    assert preview["repositoryName"] == repository.name
    assert preview["registryId"] == repository.registry_id
    assert "status" in preview


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LifecyclePolicyPreviewNotFoundException",
    tier="model",
    source="botocore's ECR model: LifecyclePolicyPreviewNotFoundException",
)
def test_repository_without_a_preview(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """LifecyclePolicyPreviewNotFoundException: "There is no dry run for this repository".

    Evidence: model, botocore's ECR model: the error's documentation; no public real output.
    """
    ecr_contract.expect_error(
        OPERATION, "LifecyclePolicyPreviewNotFoundException", **ids(ecr_repository)
    )
