"""Contracts of StopReplicationBackfill."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import MISSING_UPLOAD_ID, Contract, Evidence, Scenario

OPERATION = "StopReplicationBackfill"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryId": s.registry_id, "replicationBackfillId": MISSING_UPLOAD_ID}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "ReplicationBackfillInvalidStatusException": (
            "needs a backfill that reached a terminal status; when one does is up to the "
            "registry, so no request triggers it reliably"
        ),
    },
    validation=Evidence(
        "model", "botocore's ECR model: StopReplicationBackfill's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ReplicationBackfillNotFoundException",
    tier="model",
    source="botocore's ECR model: StopReplicationBackfill lists "
    "ReplicationBackfillNotFoundException",
)
def test_unknown_backfill(ecr_contract: ContractClient) -> None:
    """A well-formed id of no backfill answers ReplicationBackfillNotFoundException.

    Evidence: model, the exception's documentation ("The specified replication backfill
    could not be found"); no public AWS output.
    """
    ecr_contract.expect_error(
        OPERATION, "ReplicationBackfillNotFoundException", replicationBackfillId=MISSING_UPLOAD_ID
    )
