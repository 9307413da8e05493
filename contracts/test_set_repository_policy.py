"""Contracts of SetRepositoryPolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids, repository_policy

OPERATION = "SetRepositoryPolicy"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "policyText": repository_policy(s.registry_id)}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # "An error occurred (InvalidParameterException) when calling the SetRepositoryPolicy
    # operation: Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must
    # satisfy regular expression ...'" (boto/boto3#3191).
    validation=Evidence("aws-verified", "boto/boto3#3191"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: SetRepositoryPolicy lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/set-repository-policy.rst",
)
def test_policy_round_trips(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Set then Get gives the same policy, compared as parsed JSON.

    Evidence: documented, aws-cli example set-repository-policy: the answer carries the
    policy, pretty-printed by AWS (so not byte for byte).
    """
    policy = repository_policy(ecr_repository.registry_id)
    answer = ecr_contract.call(OPERATION, **ids(ecr_repository), policyText=policy)
    assert answer["repositoryName"] == ecr_repository.name
    assert json.loads(answer["policyText"]) == json.loads(policy)
    got = ecr_contract.call("GetRepositoryPolicy", **ids(ecr_repository))
    assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidParameterException",
    tier="inferred",
    source="no public AWS output for non-JSON text; terraform-aws-modules/terraform-aws-ecr#19 "
    "shows InvalidParameterException for an invalid JSON policy",
)
def test_policy_that_is_not_json_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """policyText is "the JSON repository policy text" (the model's documentation).

    Evidence: inferred: real SetRepositoryPolicy answers "InvalidParameterException:
    Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository
    policy provided'" (terraform-aws-modules/terraform-aws-ecr#19) for JSON policies it
    does not allow; nothing public shows the answer to text that is not JSON.
    """
    ecr_contract.expect_error(
        OPERATION,
        "InvalidParameterException",
        **ids(ecr_repository),
        policyText="this is not a JSON policy",
    )


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SetRepositoryPolicy.html",
)
def test_second_policy_replaces_the_first(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A repository has one policy: SetRepositoryPolicy "applies a repository policy to the
    specified repository", and setting another one replaces it (GetRepositoryPolicy
    returns "the repository policy", singular).

    Evidence: documented, API_SetRepositoryPolicy and API_GetRepositoryPolicy; the
    ``force`` member's documentation ("If the policy you specify will prevent the caller
    from setting future repository policies, then you must force the SetRepositoryPolicy
    operation") presumes that a later call replaces the policy.
    """
    first = repository_policy(ecr_repository.registry_id)
    document = json.loads(first)
    document["Statement"][0]["Action"] = ["ecr:BatchGetImage", "ecr:BatchCheckLayerAvailability"]
    second = json.dumps(document)
    ecr_contract.call(OPERATION, **ids(ecr_repository), policyText=first)
    answer = ecr_contract.call(OPERATION, **ids(ecr_repository), policyText=second)
    assert json.loads(answer["policyText"]) == document
    got = ecr_contract.call("GetRepositoryPolicy", **ids(ecr_repository))
    assert json.loads(got["policyText"]) == document
