"""Contracts of GetRegistryScanningConfiguration."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import NO_INPUT, Contract, RegistrySettings, Scenario

OPERATION = "GetRegistryScanningConfiguration"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"InvalidParameterException": NO_INPUT, "ValidationException": NO_INPUT},
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html; "
    "hashicorp/terraform-provider-aws:internal/service/ecr/"
    "registry_scanning_configuration_test.go",
)
def test_configuration_of_the_registry(
    ecr_contract: ContractClient, ecr_repository: Repository, ecr_registry: RegistrySettings
) -> None:
    """ "When a registry scanning configuration is not defined, by default the BASIC scan
    type is used" (the model's documentation of scanType): a scan type is always there.

    Evidence: aws-verified, https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html:
    real output ``{"registryId": "853082215256", "scanningConfiguration": {"scanType":
    "BASIC", "rules": [...]}}`` (also terraform's acceptance tests,
    hashicorp/terraform-provider-aws:internal/service/ecr/registry_scanning_configuration_test.go).
    """
    with ecr_registry.reading("scanning"):  # another worker may be changing it
        answer = ecr_contract.call(OPERATION)
    assert answer["registryId"] == ecr_repository.registry_id
    assert answer["scanningConfiguration"]["scanType"] in ("BASIC", "ENHANCED")
