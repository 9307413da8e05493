"""Contracts of DescribePullThroughCacheRules."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "DescribePullThroughCacheRules"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "registryId": s.registry_id,
        "ecrRepositoryPrefixes": [s.short_unique("ptc")],
        "maxResults": 10,
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="shape")
def test_listing_matches_the_model(ecr_contract: ContractClient) -> None:
    ecr_contract.call(OPERATION)


@pytest.mark.ecr_contract(aspect="errors", triggers="PullThroughCacheRuleNotFoundException")
def test_prefix_without_a_rule(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefixes=[ecr_scenario.short_unique("ptc")],
    )
