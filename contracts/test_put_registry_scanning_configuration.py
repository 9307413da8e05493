"""Contracts of PutRegistryScanningConfiguration (registry-wide; enhanced scanning, 2021-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, RegistrySettings, Scenario

OPERATION = "PutRegistryScanningConfiguration"

RULES = [
    {
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [{"filter": "pytest-ecr-scan*", "filterType": "WILDCARD"}],
    }
]


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"scanType": "BASIC", "rules": RULES}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "BlockedByOrganizationPolicyException": (
            "needs an AWS Organizations policy that manages the account's scanning; the suite "
            "does not change organization policies"
        ),
    },
    changes=("scanning",),
    validation=Evidence(
        "model", "botocore's ECR model: PutRegistryScanningConfiguration's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/registry_scanning_configuration_test.go",
)
def test_configuration_round_trips(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """Evidence: aws-verified, terraform-provider-aws's acceptance test puts BASIC with one
    SCAN_ON_PUSH rule and a WILDCARD filter against AWS and reads it back."""
    with ecr_registry.changing("scanning"):
        answer = ecr_contract.call(OPERATION, scanType="BASIC", rules=RULES)
        assert answer["registryScanningConfiguration"]["scanType"] == "BASIC"
        got = ecr_contract.call("GetRegistryScanningConfiguration")
        assert got["scanningConfiguration"]["scanType"] == "BASIC"
        assert got["scanningConfiguration"]["rules"] == RULES
