"""Contracts of DeleteSigningConfiguration (registry-wide; managed signing, 2025-11)."""

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

OPERATION = "DeleteSigningConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION, "ValidationException": NO_INPUT}


@pytest.mark.ecr_contract(aspect="behavior")
def test_deleted_configuration_is_returned_and_gone(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        deleted = ecr_contract.call(OPERATION)
        assert deleted["signingConfiguration"] == {"rules": []}
        ecr_contract.expect_error(
            "GetSigningConfiguration", "SigningConfigurationNotFoundException"
        )


@pytest.mark.ecr_contract(aspect="errors", triggers="SigningConfigurationNotFoundException")
def test_registry_without_a_configuration(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        ecr_contract.call(OPERATION)
        ecr_contract.expect_error(OPERATION, "SigningConfigurationNotFoundException")
