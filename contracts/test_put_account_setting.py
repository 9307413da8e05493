"""Contracts of PutAccountSetting (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    SERVER_EXCEPTION,
    VALIDATION_ERRORS,
    RegistrySettings,
    Scenario,
    validation_tests,
)

OPERATION = "PutAccountSetting"
pytestmark = pytest.mark.ecr_contract(OPERATION)

SETTING = "account:BASIC_SCAN_TYPE_VERSION"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"}


test_validation = validation_tests(OPERATION, valid_request, changes=(SETTING,))

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (account setting changes)",
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_setting_is_visible_in_get(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """ "Valid value for basic scan type: AWS_NATIVE" (the model's documentation of value)."""
    with ecr_registry.changing(SETTING):
        answer = ecr_contract.call(OPERATION, name="BASIC_SCAN_TYPE_VERSION", value="AWS_NATIVE")
        assert (answer["name"], answer["value"]) == ("BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE")
        got = ecr_contract.call("GetAccountSetting", name="BASIC_SCAN_TYPE_VERSION")
        assert got["value"] == "AWS_NATIVE"


@pytest.mark.ecr_contract(aspect="errors")
def test_value_the_documentation_does_not_list(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    with ecr_registry.changing(SETTING):
        ecr_contract.expect_error(
            OPERATION,
            sorted(VALIDATION_ERRORS),
            name="BASIC_SCAN_TYPE_VERSION",
            value="PYTEST_ECR_NOT_A_VALUE",
        )
