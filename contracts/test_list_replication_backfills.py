"""Contracts of ListReplicationBackfills."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "ListReplicationBackfills"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryId": s.registry_id, "maxResults": 10}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="shape")
def test_listing_matches_the_model(ecr_contract: ContractClient) -> None:
    ecr_contract.call(OPERATION)
