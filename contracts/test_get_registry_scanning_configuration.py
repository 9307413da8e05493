"""Contracts of GetRegistryScanningConfiguration."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import NO_INPUT, SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "GetRegistryScanningConfiguration"
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
def test_configuration_of_the_registry(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """ "When a registry scanning configuration is not defined, by default the BASIC scan
    type is used" (the model's documentation of scanType): a scan type is always there."""
    answer = ecr_contract.call(OPERATION)
    assert answer["registryId"] == ecr_repository.registry_id
    assert answer["scanningConfiguration"]["scanType"] in ("BASIC", "ENHANCED")
