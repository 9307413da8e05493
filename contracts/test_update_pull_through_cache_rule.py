"""Contracts of UpdatePullThroughCacheRule."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import (
    REGISTRY_ONLY_SECRETS,
    SERVER_EXCEPTION,
    Scenario,
    allow_registry_changes,
    missing_secret_arn,
    validation_tests,
)

OPERATION = "UpdatePullThroughCacheRule"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "registryId": s.registry_id,
        "ecrRepositoryPrefix": s.short_unique("ptc"),
        "credentialArn": missing_secret_arn(s),
        "customRoleArn": f"arn:aws:iam::{s.registry_id}:role/pytest-ecr",
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "UnableToAccessSecretException": REGISTRY_ONLY_SECRETS,
    "UnableToDecryptSecretValueException": REGISTRY_ONLY_SECRETS,
    "SecretNotFoundException": (
        "needs a rule for an upstream that takes credentials, which itself needs an "
        "existing secret to be created; the suite creates no secrets"
    ),
}


@pytest.mark.ecr_contract(aspect="errors", triggers="PullThroughCacheRuleNotFoundException")
def test_prefix_without_a_rule(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
        customRoleArn=f"arn:aws:iam::{ecr_scenario.registry_id}:role/pytest-ecr",
    )
