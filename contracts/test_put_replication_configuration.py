"""Contracts of PutReplicationConfiguration (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    SERVER_EXCEPTION,
    RegistrySettings,
    Scenario,
    replication,
    validation_tests,
)

OPERATION = "PutReplicationConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)

#: Repositories this configuration replicates (none the suite creates).
PREFIX = "pytest-ecr-replication"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"replicationConfiguration": replication(s.registry_id, s.repository.region, PREFIX)}


test_validation = validation_tests(OPERATION, valid_request, changes=("replication",))

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_configuration_is_visible_in_describe_registry(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    config = replication(ecr_scenario.registry_id, ecr_contract.target.region, PREFIX)
    with ecr_registry.changing("replication"):
        answer = ecr_contract.call(OPERATION, replicationConfiguration=config)
        assert answer["replicationConfiguration"] == config
        described = ecr_contract.call("DescribeRegistry")
        assert described["replicationConfiguration"] == config
        ecr_contract.call(OPERATION, replicationConfiguration={"rules": []})
        assert ecr_contract.call("DescribeRegistry")["replicationConfiguration"] == {"rules": []}
