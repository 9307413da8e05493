"""Contracts of PutSigningConfiguration (registry-wide; managed signing, 2025-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, RegistrySettings, Scenario, validation_tests

OPERATION = "PutSigningConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    profile = f"arn:aws:signer:{s.repository.region}:{s.registry_id}:/signing-profiles/pytest_ecr"
    return {
        "signingConfiguration": {
            "rules": [
                {
                    "signingProfileArn": profile,
                    "repositoryFilters": [
                        {"filter": "pytest-ecr-signed/*", "filterType": "WILDCARD_MATCH"}
                    ],
                }
            ]
        }
    }


test_validation = validation_tests(OPERATION, valid_request, changes=("signing",))

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_configuration_without_rules_round_trips(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """A configuration with no rules (the model allows 0) signs nothing and needs no
    signing profile to exist."""
    with ecr_registry.changing("signing"):
        answer = ecr_contract.call(OPERATION, signingConfiguration={"rules": []})
        assert answer["signingConfiguration"] == {"rules": []}
        got = ecr_contract.call("GetSigningConfiguration")
        assert got["signingConfiguration"] == {"rules": []}
