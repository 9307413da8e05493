"""Contracts of ListReplicationBackfills."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "ListReplicationBackfills"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryId": s.registry_id, "maxResults": 10}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    validation=Evidence(
        "model", "botocore's ECR model: ListReplicationBackfills's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="shape",
    tier="documented",
    source="https://docs.aws.amazon.com/cli/latest/reference/ecr/list-replication-backfills.html",
)
def test_listing_matches_the_model(ecr_contract: ContractClient) -> None:
    """Evidence: documented, the list-replication-backfills CLI reference: the operation
    lists a registry's backfills and takes no required input."""
    ecr_contract.call(OPERATION)
