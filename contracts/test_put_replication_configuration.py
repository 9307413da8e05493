"""Contracts of PutReplicationConfiguration (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, RegistrySettings, Scenario, replication

OPERATION = "PutReplicationConfiguration"

#: Repositories this configuration replicates (none the suite creates).
PREFIX = "pytest-ecr-replication"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"replicationConfiguration": replication(s.registry_id, s.repository.region, PREFIX)}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    changes=("replication",),
    validation=Evidence(
        "model", "botocore's ECR model: PutReplicationConfiguration's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/replication_configuration_test.go",
)
def test_configuration_is_visible_in_describe_registry(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """A same-account rule to another Region with a PREFIX_MATCH filter is answered back and
    shown by DescribeRegistry; ``rules: []`` clears it.

    After clearing, DescribeRegistry may show ``{"rules": []}`` or no
    replicationConfiguration at all: terraform-provider-aws (replication_configuration.go)
    treats both as "no configuration", so both are accepted.

    Evidence: aws-verified, terraform-provider-aws's acceptance test puts such a rule
    against AWS and its Delete clears the configuration with ``rules: []``.
    """
    config = replication(ecr_scenario.registry_id, ecr_contract.target.region, PREFIX)
    with ecr_registry.changing("replication"):
        answer = ecr_contract.call(OPERATION, replicationConfiguration=config)
        assert answer["replicationConfiguration"] == config
        described = ecr_contract.call("DescribeRegistry")
        assert described["replicationConfiguration"] == config
        ecr_contract.call(OPERATION, replicationConfiguration={"rules": []})
        cleared = ecr_contract.call("DescribeRegistry").get("replicationConfiguration")
        assert cleared in (None, {"rules": []})
