"""Contracts of GetAccountSetting."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "GetAccountSetting"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"name": "BASIC_SCAN_TYPE_VERSION"}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.parametrize("name", ["BASIC_SCAN_TYPE_VERSION", "REGISTRY_POLICY_SCOPE"])
@pytest.mark.ecr_contract(aspect="behavior")
def test_documented_settings_have_a_value(ecr_contract: ContractClient, name: str) -> None:
    """The names are from the model's documentation of ``name``."""
    answer = ecr_contract.call(OPERATION, name=name)
    assert answer["name"] == name
    assert isinstance(answer.get("value"), str)
