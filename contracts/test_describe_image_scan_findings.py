"""Contracts of DescribeImageScanFindings."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.prerequisites import prerequisite
from pytest_ecr.resources import Image
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "DescribeImageScanFindings"

#: A real registry whose scanning rules scan every pushed image, with repositories that
#: still say ``scanOnPush: false`` (the g1 finding on test_image_never_scanned).
SCANNING_BLOG = "https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageId": {"imageTag": s.image.tags[0]}, "maxResults": 10}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Constraint violations on this operation (and StartImageScan) answered
    # InvalidParameterException although ValidationException is modeled
    # (alexjurkiewicz/ecr-scan-image#40).
    validation=Evidence("aws-verified", "alexjurkiewicz/ecr-scan-image#40"),
    # "operation error ECR: DescribeImageScanFindings, https response error StatusCode: 400,
    # ... RepositoryNotFoundException: The repository with name 'abc-app' does not exist in
    # the registry with id '123466789'" (turbot/steampipe-plugin-aws#1938).
    missing_repository=Evidence("aws-verified", "turbot/steampipe-plugin-aws#1938"),
    missing_image=Evidence(
        "model", "botocore's ECR model: ImageNotFoundException of the operation"
    ),
)


def filter_may_match(repository_filter: str, name: str) -> bool:
    """Whether a registry scanning rule's WILDCARD filter may select ``name``: read loosely
    (the filter anywhere in the name, ``*`` standing for any characters), so that a rule
    that might scan the repository is never missed."""
    pattern = ".*".join(re.escape(part) for part in repository_filter.split("*"))
    return re.search(pattern, name) is not None


def rules_scanning(contract: ContractClient, name: str) -> list[dict[str, Any]]:
    """The registry's scanning rules that scan images of repository ``name`` on push or
    continuously."""
    with prerequisite("reading the registry scanning configuration"):
        answer = contract.call("GetRegistryScanningConfiguration")
    rules = answer.get("scanningConfiguration", {}).get("rules", [])
    return [
        rule
        for rule in rules
        if rule.get("scanFrequency") in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
        and any(filter_may_match(f["filter"], name) for f in rule.get("repositoryFilters", []))
    ]


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="transcom/mymove#3363; aws-observability/aws-otel-collector#2193",
)
def test_findings_of_a_started_scan(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """After StartImageScan the answer names the image and the repository and has a scan
    status (not necessarily COMPLETE: a basic scan of an image without operating-system
    packages ends FAILED).

    Evidence: aws-verified, transcom/mymove#3363 and aws-observability/aws-otel-collector#2193:
    real answers with ``imageScanStatus.status`` (FAILED, "UnsupportedImageError") and
    ``imageScanFindings`` null.
    """
    image_id = {"imageDigest": ecr_image.digest}
    ecr_contract.call("StartImageScan", **ids(ecr_image.repository), imageId=image_id)
    answer = ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageId=image_id)
    assert answer["imageId"]["imageDigest"] == ecr_image.digest
    assert answer["repositoryName"] == ecr_image.repository.name
    assert "status" in answer["imageScanStatus"]


@pytest.mark.ecr_contract(
    aspect="errors", triggers="ScanNotFoundException", tier="aws-verified", source=SCANNING_BLOG
)
def test_image_never_scanned(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """ScanNotFoundException: "The specified image scan could not be found" (the model);
    the image's repository does not scan on push and no scan was started.

    Evidence: aws-verified, https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html:
    real CLI output "An error occurred (ScanNotFoundException) when calling the
    DescribeImageScanFindings operation: Image scan does not exist for the image ...". The
    same page shows a registry rule (BASIC, SCAN_ON_PUSH, filter ``*``) scanning every
    pushed image while the repository says ``scanOnPush: false``: on such a registry no
    image is left unscanned, so the test is skipped there.
    """
    name = ecr_image.repository.name
    scanning = rules_scanning(ecr_contract, name)
    if scanning:
        pytest.skip(
            f"the registry's scanning rules {scanning} scan images of {name!r} on push or "
            "continuously, so no image of it is left unscanned (a registry rule scans "
            f"whatever the repository's own scanOnPush says: {SCANNING_BLOG})"
        )
    ecr_contract.expect_error(
        OPERATION,
        "ScanNotFoundException",
        **ids(ecr_image.repository),
        imageId={"imageDigest": ecr_image.digest},
    )
