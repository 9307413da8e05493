"""Contracts of CreatePullThroughCacheRule (registry-wide; pull-through cache, 2021-11).

Only what needs no upstream registry is tested: rules for Amazon ECR Public, which needs
no credentials. Pulling through the cache needs the real upstream and is not tested.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    REGISTRY_ONLY_SECRETS,
    Contract,
    Evidence,
    Scenario,
    missing_secret_arn,
)

OPERATION = "CreatePullThroughCacheRule"


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


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (pull-through cache rules per registry)",
        "UnableToAccessSecretException": REGISTRY_ONLY_SECRETS,
        "UnableToDecryptSecretValueException": REGISTRY_ONLY_SECRETS,
    },
    registry_wide=True,
    undo=undo,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


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


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/pull_through_cache_rule_test.go",
)
def test_rule_is_described(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """An ECR Public rule is described with its prefix, upstream URL and the account as
    registry.

    Evidence: aws-verified,
    hashicorp/terraform-provider-aws:internal/service/ecr/pull_through_cache_rule_test.go:
    TestAccECRPullThroughCacheRule_basic creates a public.ecr.aws rule on AWS and reads
    back ``ecr_repository_prefix``, ``upstream_registry_url`` and the account as
    ``registry_id``.
    """
    prefix = create(ecr_contract, ecr_scenario)
    (rule,) = ecr_contract.call("DescribePullThroughCacheRules", ecrRepositoryPrefixes=[prefix])[
        "pullThroughCacheRules"
    ]
    assert rule["ecrRepositoryPrefix"] == prefix
    assert rule["upstreamRegistryUrl"] == "public.ecr.aws"
    assert rule["registryId"] == ecr_scenario.registry_id


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="PullThroughCacheRuleAlreadyExistsException",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/pull_through_cache_rule_test.go",
)
def test_same_prefix_twice(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """A second rule with the same prefix is refused.

    Evidence: aws-verified,
    hashicorp/terraform-provider-aws:internal/service/ecr/pull_through_cache_rule_test.go:
    TestAccECRPullThroughCacheRule_failWhenAlreadyExists expects
    ``PullThroughCacheRuleAlreadyExistsException`` from AWS.
    """
    prefix = create(ecr_contract, ecr_scenario)
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleAlreadyExistsException",
        ecrRepositoryPrefix=prefix,
        upstreamRegistryUrl="public.ecr.aws",
        upstreamRegistry="ecr-public",
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="SecretNotFoundException",
    tier="aws-verified",
    source="entigolabs/entigo-infralib#1645",
)
def test_secret_that_does_not_exist(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """SecretNotFoundException: "The ARN of the secret specified in the pull through cache
    rule was not found" (the model). Docker Hub rules need a secret.

    Evidence: aws-verified, entigolabs/entigo-infralib#1645: CreatePullThroughCacheRule
    answered ``SecretNotFoundException: The ARN of the secret specified in the pull through
    cache rule was not found`` (AWS resolves the secret when the rule is created).
    """
    ecr_contract.expect_error(
        OPERATION,
        "SecretNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
        upstreamRegistryUrl="registry-1.docker.io",
        upstreamRegistry="docker-hub",
        credentialArn=missing_secret_arn(ecr_scenario),
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="UnsupportedUpstreamRegistryException",
    tier="aws-verified",
    source="goharbor/harbor#20174",
)
def test_registry_that_is_not_an_upstream(
    ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """UnsupportedUpstreamRegistryException: "The specified upstream registry isn't
    supported"; the supported URLs are listed in the model's documentation.

    Evidence: aws-verified, goharbor/harbor#20174: "An error occurred
    (UnsupportedUpstreamRegistryException) when calling the CreatePullThroughCacheRule
    operation: The upstream registry URL harbor.example.com is invalid" (also
    aws/containers-roadmap#2841).
    """
    ecr_contract.expect_error(
        OPERATION,
        "UnsupportedUpstreamRegistryException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
        upstreamRegistryUrl="registry.pytest-ecr.invalid",
    )
