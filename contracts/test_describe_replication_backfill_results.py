"""Contracts of DescribeReplicationBackfillResults."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import MISSING_UPLOAD_ID, Contract, Evidence, Scenario

OPERATION = "DescribeReplicationBackfillResults"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "registryId": s.registry_id,
        "replicationBackfillId": MISSING_UPLOAD_ID,
        "resultStatusFilter": "FAILED",
        "maxResults": 10,
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # No public AWS answer to a constraint violation of this (new) operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ReplicationBackfillNotFoundException",
    tier="model",
    source="botocore's ECR model: ReplicationBackfillNotFoundException of the operation",
)
def test_unknown_backfill(ecr_contract: ContractClient) -> None:
    """A well-formed backfill id that names no backfill is refused.

    Evidence: model, botocore's ECR model: the operation's errors ("The specified
    replication backfill could not be found"); no public real output.
    """
    ecr_contract.expect_error(
        OPERATION, "ReplicationBackfillNotFoundException", replicationBackfillId=MISSING_UPLOAD_ID
    )
