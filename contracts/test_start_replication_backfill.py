"""Contracts of StartReplicationBackfill (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    Contract,
    Evidence,
    RegistrySettings,
    Scenario,
    replication,
    replication_destination,
)

OPERATION = "StartReplicationBackfill"

#: Repositories the backfill replicates (none the suite creates).
PREFIX = "pytest-ecr-backfill"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryId": s.registry_id, "destination": replication_destination(s.registry_id, "x")}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (replication backfills)",
    },
    changes=("replication",),
    validation=Evidence(
        "model", "botocore's ECR model: StartReplicationBackfill's input constraints"
    ),
)

API_REFERENCE = (
    "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_StartReplicationBackfill.html"
)


def start(contract: ContractClient, registry_id: str) -> dict[str, Any]:
    region = contract.target.region
    contract.call(
        "PutReplicationConfiguration",
        replicationConfiguration=replication(registry_id, region, PREFIX),
    )
    return contract.call(OPERATION, destination=replication_destination(registry_id, region))


@pytest.mark.ecr_contract(aspect="behavior", tier="documented", source=API_REFERENCE)
def test_backfill_starts_and_can_be_stopped(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """ "The destination must already be configured in the registry's replication
    configuration" (the model's documentation); the answer names the backfill.

    The Stop may also answer ReplicationBackfillInvalidStatusException: "A replication
    backfill can only be stopped when it is in PREPARING or IN_PROGRESS status" (User
    Guide, https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication-backfill.html),
    and a backfill that matches no image may have finished already.

    Evidence: documented, API_StartReplicationBackfill and the User Guide's "Replication
    backfill".
    """
    with ecr_registry.changing("replication"):
        started = start(ecr_contract, ecr_scenario.registry_id)
        assert started["destination"] == replication_destination(
            ecr_scenario.registry_id, ecr_contract.target.region
        )
        listed = ecr_contract.call("ListReplicationBackfills")["backfills"]
        assert started["replicationBackfillId"] in {b["replicationBackfillId"] for b in listed}
        ecr_contract.call_or_error(
            "StopReplicationBackfill",
            ["ReplicationBackfillInvalidStatusException"],
            replicationBackfillId=started["replicationBackfillId"],
        )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ReplicationBackfillInProgressException",
    tier="documented",
    source=API_REFERENCE,
)
def test_second_backfill_to_the_same_region(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """ "Only one replication backfill can be in progress for a given destination Region at a
    time" (the model's documentation). Assumes the first is still in progress: its
    repository filter matches no repository the suite creates, but a registry may finish
    an empty backfill at once, so a failure here can be a fast registry, not a wrong one.

    Evidence: documented, API_StartReplicationBackfill: a destination Region that already
    has a backfill in progress fails with ReplicationBackfillInProgressException.
    """
    with ecr_registry.changing("replication"):
        first = start(ecr_contract, ecr_scenario.registry_id)
        try:
            ecr_contract.expect_error(
                OPERATION,
                "ReplicationBackfillInProgressException",
                destination=replication_destination(
                    ecr_scenario.registry_id, ecr_contract.target.region
                ),
            )
        finally:
            ecr_contract.client.stop_replication_backfill(
                replicationBackfillId=first["replicationBackfillId"]
            )
