"""Waiter contracts, generated for every waiter in botocore's ``waiters-2``.

What the model cannot say is how to start the work a waiter waits for: ``START`` below,
one function per waiter. A waiter that botocore adds later fails
``tests/test_contract_coverage.py`` until it is in ``START``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jmespath
import pytest
from botocore import xform_name
from botocore.exceptions import WaiterError

from pytest_ecr import ContractClient
from pytest_ecr.model import Waiter, load_model
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import LIFECYCLE_POLICY, MISSING_REPOSITORY, Scenario, ids


def start_image_scan(s: Scenario, c: ContractClient) -> dict[str, Any]:
    image = s.images.push(s.repositories.create("waiter"), tags=["v1"], seed="scan")
    image_id = {"imageDigest": image.digest}
    c.call("StartImageScan", **ids(image.repository), imageId=image_id)
    return {**ids(image.repository), "imageId": image_id}


def start_lifecycle_policy_preview(s: Scenario, c: ContractClient) -> dict[str, Any]:
    image = s.images.push(s.repositories.create("waiter"), tags=["v1"], seed="preview")
    c.call(
        "StartLifecyclePolicyPreview", **ids(image.repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    return ids(image.repository)


START: dict[str, Callable[[Scenario, ContractClient], dict[str, Any]]] = {
    "ImageScanComplete": start_image_scan,
    "LifecyclePolicyPreviewComplete": start_lifecycle_policy_preview,
}

#: Requests that name a repository that does not exist.
MISSING: dict[str, dict[str, Any]] = {
    "ImageScanComplete": {
        "repositoryName": MISSING_REPOSITORY,
        "imageId": {"imageTag": "v1"},
    },
    "LifecyclePolicyPreviewComplete": {"repositoryName": MISSING_REPOSITORY},
}

#: What each waiter's success rests on, besides the model's acceptors.
EVIDENCE: dict[str, tuple[str, str]] = {
    # A basic scan ends COMPLETE, or FAILED with "UnsupportedImageError: The operating
    # system and/or package manager are not supported." for an image with no package
    # data (real answers: aws-observability/aws-otel-collector#2193, transcom/mymove#3363).
    "ImageScanComplete": ("aws-verified", "aws-observability/aws-otel-collector#2193"),
    "LifecyclePolicyPreviewComplete": (
        "documented",
        "aws/aws-cli:awscli/examples/ecr/get-lifecycle-policy-preview.rst",
    ),
}


def _waiter_param(name: str, waiter: Waiter, tier: str, source: str) -> Any:
    mark = pytest.mark.ecr_contract(waiter.operation, "waiter", tier=tier, source=source)
    return pytest.param(waiter, marks=[mark], id=name)


WAITERS = [
    _waiter_param(name, waiter, *EVIDENCE.get(name, ("model", "botocore's waiters-2")))
    for name, waiter in sorted(load_model().waiters.items())
]
#: A missing repository: the modeled RepositoryNotFoundException (HTTP 400, real answer
#: of DescribeImageScanFindings in turbot/steampipe-plugin-aws#1938).
MISSING_WAITERS = [
    _waiter_param(
        name,
        waiter,
        *(
            ("aws-verified", "turbot/steampipe-plugin-aws#1938")
            if name == "ImageScanComplete"
            else ("model", "botocore's ECR model: RepositoryNotFoundException")
        ),
    )
    for name, waiter in sorted(load_model().waiters.items())
]

#: The documented ending of a scan that is no failure of the registry: an image with no
#: operating-system package data cannot be scanned (the ECR User Guide's supported
#: operating systems), and AWS ends its basic scan FAILED with this description.
UNSUPPORTED_IMAGE = "UnsupportedImageError"


def _config(waiter: Waiter, settings: EcrSettings) -> dict[str, float]:
    """The model's delay and attempts against AWS; short polls against emulators; no wait
    at all when replaying (the cassette holds exactly the recorded polls)."""
    if settings.target == "aws":
        return {"Delay": waiter.delay, "MaxAttempts": waiter.max_attempts}
    if settings.target == "replay":
        return {"Delay": 0, "MaxAttempts": 150}
    return {"Delay": 0.2, "MaxAttempts": 150}


@pytest.mark.parametrize("waiter", WAITERS)
def test_waiter_reaches_success(
    waiter: Waiter,
    ecr_contract: ContractClient,
    ecr_scenario: Scenario,
    ecr_settings: EcrSettings,
) -> None:
    """Every path the waiter's acceptors read exists in a real answer, and after starting
    the work the waiter reaches its success state within its attempts."""
    params = START[waiter.name](ecr_scenario, ecr_contract)
    answer = ecr_contract.call(waiter.operation, **params)
    for acceptor in waiter.acceptors:
        if acceptor.matcher in ("path", "pathAll", "pathAny") and acceptor.argument:
            found = jmespath.search(acceptor.argument, answer)
            assert found is not None, (
                f"{waiter.name}: the {acceptor.state} acceptor reads {acceptor.argument!r}, "
                f"which the answer does not have"
            )
    try:
        ecr_contract.client.get_waiter(xform_name(waiter.name)).wait(
            **params, WaiterConfig=_config(waiter, ecr_settings)
        )
    except WaiterError as error:
        # Both documented endings of a scan hold: COMPLETE, or FAILED because the image
        # (random layers, no package database) is one no scanner supports.
        status = (error.last_response or {}).get("imageScanStatus") or {}
        unsupported = status.get("status") == "FAILED" and UNSUPPORTED_IMAGE in str(
            status.get("description", "")
        )
        if not (waiter.name == "ImageScanComplete" and unsupported):
            raise


@pytest.mark.parametrize("waiter", MISSING_WAITERS)
def test_waiter_on_a_missing_repository_fails_at_once(
    waiter: Waiter, ecr_contract: ContractClient, ecr_settings: EcrSettings
) -> None:
    """An error no acceptor expects ends the wait at the first attempt, with the modeled
    error (botocore's waiter: "Unexpected error encountered"), not after a timeout."""
    with pytest.raises(WaiterError) as info:
        ecr_contract.client.get_waiter(xform_name(waiter.name)).wait(
            **MISSING[waiter.name], WaiterConfig=_config(waiter, ecr_settings)
        )
    attempts = [e for e in ecr_contract.exchanges if e.operation == waiter.operation]
    assert len(attempts) == 1, f"{len(attempts)} attempts"
    code = info.value.last_response.get("Error", {}).get("Code")
    assert code == "RepositoryNotFoundException"
