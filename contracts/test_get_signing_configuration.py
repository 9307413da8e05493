"""Contracts of GetSigningConfiguration (managed signing, 2025-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import NO_INPUT, Contract, Evidence, RegistrySettings, Scenario

OPERATION = "GetSigningConfiguration"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "InvalidParameterException": NO_INPUT,
        "ValidationException": NO_INPUT,
    },
    validation=Evidence("model", "botocore's ECR model: GetSigningConfiguration has no input"),
)

#: Nothing public shows AWS accepting (or echoing) a signing configuration with no rules;
#: the model allows 0 rules and terraform's resource always puts 1 or more.
EMPTY_RULES = (
    "no public AWS output of PutSigningConfiguration with rules=[] "
    "(hashicorp/terraform-provider-aws puts 1-2 rules and clears with "
    "DeleteSigningConfiguration)"
)


@pytest.mark.ecr_contract(aspect="behavior", tier="inferred", source=EMPTY_RULES)
def test_configuration_that_was_put(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, ecr_scenario: Scenario
) -> None:
    """Evidence: inferred, no public AWS output: that AWS accepts ``rules: []`` (the model
    allows 0 rules) and answers it back unchanged."""
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        got = ecr_contract.call(OPERATION)
        assert got["registryId"] == ecr_scenario.registry_id
        assert got["signingConfiguration"] == {"rules": []}


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="SigningConfigurationNotFoundException",
    tier="inferred",
    source=EMPTY_RULES,
)
def test_registry_without_a_configuration(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """SigningConfigurationNotFoundException: "This occurs when attempting to retrieve or
    delete a signing configuration that does not exist" (the model).

    Evidence: inferred, because the set-up puts ``rules: []``, which nothing public shows
    AWS accepting. The answer after DeleteSigningConfiguration itself is what terraform's
    acceptance CheckDestroy relies on (hashicorp/terraform-provider-aws:
    internal/service/ecr/signing_configuration_test.go).
    """
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        ecr_contract.call("DeleteSigningConfiguration")
        ecr_contract.expect_error(OPERATION, "SigningConfigurationNotFoundException")
