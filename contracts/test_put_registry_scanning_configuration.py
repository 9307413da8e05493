"""Contracts of PutRegistryScanningConfiguration (registry-wide; enhanced scanning, 2021-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, RegistrySettings, Scenario, validation_tests

OPERATION = "PutRegistryScanningConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)

RULES = [
    {
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [{"filter": "pytest-ecr-scan*", "filterType": "WILDCARD"}],
    }
]


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"scanType": "BASIC", "rules": RULES}


test_validation = validation_tests(OPERATION, valid_request, changes=("scanning",))

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "BlockedByOrganizationPolicyException": (
        "needs an AWS Organizations policy that manages the account's scanning; the suite "
        "does not change organization policies"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_configuration_round_trips(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    with ecr_registry.changing("scanning"):
        answer = ecr_contract.call(OPERATION, scanType="BASIC", rules=RULES)
        assert answer["registryScanningConfiguration"]["scanType"] == "BASIC"
        got = ecr_contract.call("GetRegistryScanningConfiguration")
        assert got["scanningConfiguration"]["scanType"] == "BASIC"
        assert got["scanningConfiguration"]["rules"] == RULES
