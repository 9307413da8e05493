"""Contracts of UpdatePullThroughCacheRule."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    REGISTRY_ONLY_SECRETS,
    Contract,
    Evidence,
    Scenario,
    missing_secret_arn,
)

OPERATION = "UpdatePullThroughCacheRule"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "registryId": s.registry_id,
        "ecrRepositoryPrefix": s.short_unique("ptc"),
        "credentialArn": missing_secret_arn(s),
        "customRoleArn": f"arn:aws:iam::{s.registry_id}:role/pytest-ecr",
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "UnableToAccessSecretException": REGISTRY_ONLY_SECRETS,
        "UnableToDecryptSecretValueException": REGISTRY_ONLY_SECRETS,
        "SecretNotFoundException": (
            "needs a rule for an upstream that takes credentials, which itself needs an "
            "existing secret to be created; the suite creates no secrets"
        ),
    },
    registry_wide=True,
    # The "Invalid parameter at 'ecrRepositoryPrefix'" answer in public is of
    # CreatePullThroughCacheRule, not this operation.
    validation=Evidence(
        "model", "botocore's ECR model: UpdatePullThroughCacheRule's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="PullThroughCacheRuleNotFoundException",
    tier="model",
    source="botocore's ECR model: UpdatePullThroughCacheRule lists "
    "PullThroughCacheRuleNotFoundException",
)
def test_prefix_without_a_rule(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """A prefix no rule has answers PullThroughCacheRuleNotFoundException. customRoleArn is
    given because AWS refuses an update with neither a credential nor a role ARN
    ("Please set either credential arn or role arn", pulumi/pulumi-aws#5714).

    Evidence: model; whether AWS looks for the rule before it checks the role (which does
    not exist) is not public.
    """
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
        customRoleArn=f"arn:aws:iam::{ecr_scenario.registry_id}:role/pytest-ecr",
    )
