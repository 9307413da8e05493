"""Contracts of ValidatePullThroughCacheRule."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "ValidatePullThroughCacheRule"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"ecrRepositoryPrefix": s.short_unique("ptc"), "registryId": s.registry_id}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    registry_wide=True,
    # The "Invalid parameter at 'ecrRepositoryPrefix'" answer in public is of
    # CreatePullThroughCacheRule, not this operation.
    validation=Evidence(
        "model", "botocore's ECR model: ValidatePullThroughCacheRule's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public AWS output; AWS documents Validate for upstreams that need "
    "authentication, and this rule (public.ecr.aws) has none",
)
def test_rule_is_validated(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """The answer names the rule and says whether it is valid; a reason comes with
    ``isValid`` false. Whether the upstream is reachable is the registry's to judge, so
    either verdict passes.

    Evidence: inferred: API_ValidatePullThroughCacheRule documents the answer for "an
    upstream registry that requires authentication"; for a public.ecr.aws rule without
    credentials AWS may refuse the call instead, and nothing public shows either.
    """
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


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="PullThroughCacheRuleNotFoundException",
    tier="model",
    source="botocore's ECR model: ValidatePullThroughCacheRule lists "
    "PullThroughCacheRuleNotFoundException",
)
def test_prefix_without_a_rule(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """A prefix no rule has answers PullThroughCacheRuleNotFoundException.

    Evidence: model, the exception's documentation ("The pull through cache rule was not
    found").
    """
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
    )
