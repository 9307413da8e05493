"""Contracts of PutSigningConfiguration (registry-wide; managed signing, 2025-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, RegistrySettings, Scenario

OPERATION = "PutSigningConfiguration"


def valid_request(s: Scenario) -> dict[str, Any]:
    profile = f"arn:aws:signer:{s.repository.region}:{s.registry_id}:/signing-profiles/pytest_ecr"
    return {
        "signingConfiguration": {
            "rules": [
                {
                    "signingProfileArn": profile,
                    "repositoryFilters": [
                        {"filter": "pytest-ecr-signed/*", "filterType": "WILDCARD_MATCH"}
                    ],
                }
            ]
        }
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    changes=("signing",),
    validation=Evidence(
        "model", "botocore's ECR model: PutSigningConfiguration's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public AWS output of PutSigningConfiguration with rules=[] "
    "(hashicorp/terraform-provider-aws puts 1-2 rules and clears with "
    "DeleteSigningConfiguration)",
)
def test_configuration_without_rules_round_trips(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """A configuration with no rules (the model allows 0) signs nothing and needs no
    signing profile to exist.

    Evidence: inferred: the model and the put-signing-configuration CLI reference allow 0
    rules ("min: 0"), but nothing public shows AWS accepting an empty rule list or what
    GetSigningConfiguration answers after one.
    """
    with ecr_registry.changing("signing"):
        answer = ecr_contract.call(OPERATION, signingConfiguration={"rules": []})
        assert answer["signingConfiguration"] == {"rules": []}
        got = ecr_contract.call("GetSigningConfiguration")
        assert got["signingConfiguration"] == {"rules": []}
