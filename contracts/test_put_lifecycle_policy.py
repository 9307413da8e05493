"""Contracts of PutLifecyclePolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import LIFECYCLE_POLICY, Contract, Evidence, Scenario, ids

OPERATION = "PutLifecyclePolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "lifecyclePolicyText": LIFECYCLE_POLICY}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # "InvalidParameterException: Invalid parameter at 'LifecyclePolicyText' failed to
    # satisfy constraint: ..." (PutLifecyclePolicy, HTTP 400, cloudposse/terraform-aws-ecr#158).
    validation=Evidence("aws-verified", "cloudposse/terraform-aws-ecr#158"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: PutLifecyclePolicy lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/lifecycle_policy_test.go",
)
def test_policy_round_trips(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Put then Get gives the same policy, compared as parsed JSON (AWS may re-format it,
    and reorders rules by rulePriority: the policy here has one rule).

    Evidence: aws-verified, terraform-provider-aws's acceptance test puts a lifecycle
    policy against AWS and reads it back (minified: aws-cli example put-lifecycle-policy).
    """
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    assert answer["repositoryName"] == ecr_repository.name
    assert json.loads(answer["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)
    got = ecr_contract.call("GetLifecyclePolicy", **ids(ecr_repository))
    assert json.loads(got["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidParameterException",
    tier="inferred",
    source="no public AWS output for non-JSON text; cloudposse/terraform-aws-ecr#158 shows "
    "InvalidParameterException for a JSON policy that fails the policy schema",
)
def test_policy_that_is_not_json_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A lifecycle policy is a JSON document (Amazon ECR User Guide, "Lifecycle policy
    parameters"); text of a valid length that is not JSON is an invalid parameter.

    Evidence: inferred: real PutLifecyclePolicy answers InvalidParameterException
    ("Invalid parameter at 'LifecyclePolicyText' ... Lifecycle policy validation
    failure", cloudposse/terraform-aws-ecr#158) for a JSON policy that breaks the policy
    schema; nothing public shows the answer to text that is not JSON at all.
    """
    ecr_contract.expect_error(
        OPERATION,
        "InvalidParameterException",
        **ids(ecr_repository),
        lifecyclePolicyText="this is not a JSON lifecycle policy " * 4,
    )


@pytest.mark.ecr_contract(
    aspect="validation",
    tier="model",
    source="botocore's ECR model: LifecyclePolicyText max 30720; "
    "cloudposse/terraform-aws-ecr#158 (InvalidParameterException, HTTP 400)",
)
def test_valid_policy_longer_than_the_maximum_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A lifecycle policy text has at most 30720 characters (the model's
    LifecyclePolicyText). The generated case of that constraint sends text that is no
    policy at all, which a registry that checks the policy's content refuses too, whatever
    its length checks; this sends a valid policy made too long by JSON whitespace (which
    means nothing, RFC 8259), so that only the length is wrong.

    Evidence: model, botocore's ECR model: the maximum; real PutLifecyclePolicy answers an
    invalid policy text with InvalidParameterException, HTTP 400
    (cloudposse/terraform-aws-ecr#158); no public answer to a too long one.
    """
    text = LIFECYCLE_POLICY + " " * (30721 - len(LIFECYCLE_POLICY))
    assert len(text) == 30721
    assert json.loads(text) == json.loads(LIFECYCLE_POLICY)
    ecr_contract.expect_invalid(
        OPERATION,
        ["InvalidParameterException", "ValidationException"],
        **ids(ecr_repository),
        lifecyclePolicyText=text,
    )
