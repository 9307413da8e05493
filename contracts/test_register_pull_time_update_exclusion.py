"""Contracts of RegisterPullTimeUpdateExclusion (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import LIMIT_EXCEPTION, Contract, Evidence, Scenario, excluded_principal

OPERATION = "RegisterPullTimeUpdateExclusion"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"principalArn": excluded_principal(s)}


def undo(client: Any, created: dict[str, Any]) -> None:
    client.deregister_pull_time_update_exclusion(principalArn=created["principalArn"])


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (pull time update exclusions)",
    },
    registry_wide=True,
    undo=undo,
    # The User Guide says malformed ARNs are refused, without naming the code.
    validation=Evidence(
        "model", "botocore's ECR model: RegisterPullTimeUpdateExclusion's input constraints"
    ),
)

#: excluded_principal() names a role that does not exist; the User Guide's "Only valid IAM
#: role ARNs in the correct ARN format are accepted" may mean AWS checks that it exists.
MADE_UP_ROLE = (
    "registers a role ARN that names no role; terraform-provider-aws's acceptance test "
    "registers an existing role, and the User Guide may require one"
)


def register(contract: ContractClient, s: Scenario) -> str:
    arn = excluded_principal(s)
    contract.call(OPERATION, principalArn=arn)
    s.on_cleanup(
        "pull time update exclusion",
        arn,
        lambda: s.client.deregister_pull_time_update_exclusion(principalArn=arn),
    )
    return arn


@pytest.mark.ecr_contract(aspect="behavior", tier="inferred", source=MADE_UP_ROLE)
def test_registered_principal_is_listed(
    ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """A registered principal is listed by ListPullTimeUpdateExclusions.

    Evidence: inferred: hashicorp/terraform-provider-aws's acceptance test
    (pull_time_update_exclusion_test.go) registers and finds an existing role on AWS; the
    role here does not exist, which AWS may refuse.
    """
    arn = register(ecr_contract, ecr_scenario)
    listed = ecr_contract.call("ListPullTimeUpdateExclusions")["pullTimeUpdateExclusions"]
    assert arn in listed


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="ExclusionAlreadyExistsException",
    tier="inferred",
    source=MADE_UP_ROLE,
)
def test_same_principal_twice(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """Registering a principal twice answers ExclusionAlreadyExistsException.

    Evidence: inferred, because the role does not exist; the answer itself is documented
    ("If you try to create an exclusion that already exists, you'll receive an
    ExclusionAlreadyExistsException error", User Guide, pull-time update exclusions).
    """
    arn = register(ecr_contract, ecr_scenario)
    ecr_contract.expect_error(OPERATION, "ExclusionAlreadyExistsException", principalArn=arn)
