"""Contracts of GetLifecyclePolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import LIFECYCLE_POLICY, Contract, Evidence, Scenario, ids

OPERATION = "GetLifecyclePolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public InvalidParameterException answers are of other operations; nothing public for
    # this one.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/get-lifecycle-policy.rst",
)
def test_policy_that_was_put(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """The policy put comes back (compared as JSON: AWS re-serialises it) with the
    repository's name and registry.

    Evidence: documented, aws/aws-cli:awscli/examples/ecr/get-lifecycle-policy.rst: an
    answer with ``registryId``, ``repositoryName`` and the compact
    ``lifecyclePolicyText``.
    """
    ecr_contract.call(
        "PutLifecyclePolicy", **ids(ecr_repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    got = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert got["repositoryName"] == ecr_repository.name
    assert got["registryId"] == ecr_repository.registry_id
    assert json.loads(got["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LifecyclePolicyNotFoundException",
    tier="aws-verified",
    source="iann0036/former2#16",
)
def test_repository_without_a_policy(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A repository without a lifecycle policy: LifecyclePolicyNotFoundException.

    Evidence: aws-verified, iann0036/former2#16: "LifecyclePolicyNotFoundException:
    Lifecycle policy does not exist for the repository with name 'mn-python3' in the
    registry with id 'XXX'".
    """
    ecr_contract.expect_error(OPERATION, "LifecyclePolicyNotFoundException", **ids(ecr_repository))
