"""Contracts of ListPullTimeUpdateExclusions."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import LIMIT_EXCEPTION, Contract, Evidence, Scenario

OPERATION = "ListPullTimeUpdateExclusions"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"maxResults": 10}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (request rate of this operation)",
    },
    validation=Evidence(
        "model", "botocore's ECR model: ListPullTimeUpdateExclusions's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="shape",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/pull_time_update_exclusion_test.go",
)
def test_listing_matches_the_model(ecr_contract: ContractClient) -> None:
    """Evidence: aws-verified, terraform-provider-aws's acceptance PreCheck calls
    ListPullTimeUpdateExclusions with no input against AWS and fails on any error."""
    ecr_contract.call(OPERATION)
