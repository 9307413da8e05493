"""Contracts of StopReplicationBackfill."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import MISSING_UPLOAD_ID, SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "StopReplicationBackfill"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryId": s.registry_id, "replicationBackfillId": MISSING_UPLOAD_ID}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "ReplicationBackfillInvalidStatusException": (
        "needs a backfill that reached a terminal status; when one does is up to the "
        "registry, so no request triggers it reliably"
    ),
}


@pytest.mark.ecr_contract(aspect="errors", triggers="ReplicationBackfillNotFoundException")
def test_unknown_backfill(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "ReplicationBackfillNotFoundException", replicationBackfillId=MISSING_UPLOAD_ID
    )
