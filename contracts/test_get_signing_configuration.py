"""Contracts of GetSigningConfiguration (managed signing, 2025-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    NO_INPUT,
    SERVER_EXCEPTION,
    RegistrySettings,
    Scenario,
    validation_tests,
)

OPERATION = "GetSigningConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "InvalidParameterException": NO_INPUT,
    "ValidationException": NO_INPUT,
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_configuration_that_was_put(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        got = ecr_contract.call(OPERATION)
        assert got["registryId"] == ecr_scenario.registry_id
        assert got["signingConfiguration"] == {"rules": []}


@pytest.mark.ecr_contract(aspect="errors", triggers="SigningConfigurationNotFoundException")
def test_registry_without_a_configuration(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """SigningConfigurationNotFoundException: "This occurs when attempting to retrieve or
    delete a signing configuration that does not exist" (the model)."""
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        ecr_contract.call("DeleteSigningConfiguration")
        ecr_contract.expect_error(OPERATION, "SigningConfigurationNotFoundException")
