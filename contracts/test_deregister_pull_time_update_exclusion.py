"""Contracts of DeregisterPullTimeUpdateExclusion."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import LIMIT_EXCEPTION, Contract, Evidence, Scenario, excluded_principal

OPERATION = "DeregisterPullTimeUpdateExclusion"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"principalArn": excluded_principal(s)}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (pull time update exclusion changes)",
    },
    registry_wide=True,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="registers a made-up role ARN; AWS may check that the role exists",
)
def test_deregistered_principal_is_not_listed(
    ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """The answer echoes the principal, which is then no longer listed.

    Evidence: inferred, the set-up registers a made-up role ARN (``excluded_principal``),
    and AWS may check that the role exists (it refuses policies naming missing principals:
    "Principal not found", ministryofjustice/modernisation-platform#10129). With a real
    role, "not listed after deregistration" is aws-verified by terraform's CheckDestroy
    (hashicorp/terraform-provider-aws:internal/service/ecr/pull_time_update_exclusion_test.go).
    """
    arn = excluded_principal(ecr_scenario)
    ecr_contract.call("RegisterPullTimeUpdateExclusion", principalArn=arn)
    ecr_scenario.on_cleanup(
        "pull time update exclusion",
        arn,
        lambda: ecr_scenario.client.deregister_pull_time_update_exclusion(principalArn=arn),
    )
    answer = ecr_contract.call(OPERATION, principalArn=arn)
    assert answer["principalArn"] == arn
    listed = ecr_contract.call("ListPullTimeUpdateExclusions")["pullTimeUpdateExclusions"]
    assert arn not in listed


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ExclusionNotFoundException",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeregisterPullTimeUpdateExclusion.html",
)
def test_principal_never_registered(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """Deregistering a principal that was never registered is refused.

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeregisterPullTimeUpdateExclusion.html:
    "ExclusionNotFoundException: The specified pull time update exclusion was not found.
    HTTP Status Code: 400".
    """
    ecr_contract.expect_error(
        OPERATION, "ExclusionNotFoundException", principalArn=excluded_principal(ecr_scenario)
    )
