"""Contracts of CreatePullThroughCacheRule (registry-wide; pull-through cache, 2021-11).

Only what needs no upstream registry is tested: rules for Amazon ECR Public, which needs
no credentials. Pulling through the cache needs the real upstream and is not tested.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    REGISTRY_ONLY_SECRETS,
    SERVER_EXCEPTION,
    Scenario,
    allow_registry_changes,
    missing_secret_arn,
    validation_tests,
)

OPERATION = "CreatePullThroughCacheRule"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "ecrRepositoryPrefix": s.short_unique("ptc"),
        "upstreamRegistryUrl": "registry-1.docker.io",
        "registryId": s.registry_id,
        "upstreamRegistry": "docker-hub",
        "credentialArn": missing_secret_arn(s),
        "customRoleArn": f"arn:aws:iam::{s.registry_id}:role/pytest-ecr",
        "upstreamRepositoryPrefix": "library",
    }


def undo(client: Any, created: dict[str, Any]) -> None:
    client.delete_pull_through_cache_rule(ecrRepositoryPrefix=created["ecrRepositoryPrefix"])


test_validation = validation_tests(OPERATION, valid_request, undo=undo)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (pull-through cache rules per registry)",
    "UnableToAccessSecretException": REGISTRY_ONLY_SECRETS,
    "UnableToDecryptSecretValueException": REGISTRY_ONLY_SECRETS,
}


def create(contract: ContractClient, s: Scenario, **extra: Any) -> str:
    """Create an ECR Public rule (removed at the end); "Amazon ECR Public (ecr-public) -
    public.ecr.aws" (the model's documentation of upstreamRegistryUrl)."""
    prefix = s.short_unique("ptc")
    contract.call(
        OPERATION,
        ecrRepositoryPrefix=prefix,
        upstreamRegistryUrl="public.ecr.aws",
        upstreamRegistry="ecr-public",
        **extra,
    )
    s.on_cleanup(
        "pull-through cache rule",
        prefix,
        lambda: s.client.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix),
    )
    return prefix


@pytest.mark.ecr_contract(aspect="behavior")
def test_rule_is_described(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    prefix = create(ecr_contract, ecr_scenario)
    (rule,) = ecr_contract.call("DescribePullThroughCacheRules", ecrRepositoryPrefixes=[prefix])[
        "pullThroughCacheRules"
    ]
    assert rule["ecrRepositoryPrefix"] == prefix
    assert rule["upstreamRegistryUrl"] == "public.ecr.aws"
    assert rule["registryId"] == ecr_scenario.registry_id


@pytest.mark.ecr_contract(aspect="errors", triggers="PullThroughCacheRuleAlreadyExistsException")
def test_same_prefix_twice(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    prefix = create(ecr_contract, ecr_scenario)
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleAlreadyExistsException",
        ecrRepositoryPrefix=prefix,
        upstreamRegistryUrl="public.ecr.aws",
        upstreamRegistry="ecr-public",
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="SecretNotFoundException")
def test_secret_that_does_not_exist(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    """SecretNotFoundException: "The ARN of the secret specified in the pull through cache
    rule was not found" (the model). Docker Hub rules need a secret."""
    allow_registry_changes(ecr_settings)
    ecr_contract.expect_error(
        OPERATION,
        "SecretNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
        upstreamRegistryUrl="registry-1.docker.io",
        upstreamRegistry="docker-hub",
        credentialArn=missing_secret_arn(ecr_scenario),
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="UnsupportedUpstreamRegistryException")
def test_registry_that_is_not_an_upstream(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    """UnsupportedUpstreamRegistryException: "The specified upstream registry isn't
    supported"; the supported URLs are listed in the model's documentation."""
    allow_registry_changes(ecr_settings)
    ecr_contract.expect_error(
        OPERATION,
        "UnsupportedUpstreamRegistryException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
        upstreamRegistryUrl="registry.pytest-ecr.invalid",
    )
