"""Contracts of ValidatePullThroughCacheRule."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, allow_registry_changes, validation_tests

OPERATION = "ValidatePullThroughCacheRule"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"ecrRepositoryPrefix": s.short_unique("ptc"), "registryId": s.registry_id}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_rule_is_validated(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    """The answer names the rule and says whether it is valid; a reason comes with
    ``isValid`` false. Whether the upstream is reachable is the registry's to judge, so
    either verdict passes."""
    allow_registry_changes(ecr_settings)
    prefix = ecr_scenario.short_unique("ptc")
    ecr_contract.call(
        "CreatePullThroughCacheRule",
        ecrRepositoryPrefix=prefix,
        upstreamRegistryUrl="public.ecr.aws",
        upstreamRegistry="ecr-public",
    )
    ecr_scenario.on_cleanup(
        "pull-through cache rule",
        prefix,
        lambda: ecr_scenario.client.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix),
    )
    answer = ecr_contract.call(OPERATION, ecrRepositoryPrefix=prefix)
    assert answer["ecrRepositoryPrefix"] == prefix
    assert isinstance(answer["isValid"], bool)
    if not answer["isValid"]:
        assert answer.get("failure")


@pytest.mark.ecr_contract(aspect="errors", triggers="PullThroughCacheRuleNotFoundException")
def test_prefix_without_a_rule(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
    )
