"""Contracts of DeleteSigningConfiguration (registry-wide; managed signing, 2025-11)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import NO_INPUT, Contract, RegistrySettings, Scenario

OPERATION = "DeleteSigningConfiguration"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"ValidationException": NO_INPUT},
    registry_wide=True,
)

#: Why the tests below are inferred (their set-up puts an empty rule list).
EMPTY_RULES = (
    "no public AWS output accepting PutSigningConfiguration with rules: [] (the model "
    "allows 0..10; every public example has a rule with a Signer profile)"
)


@pytest.mark.ecr_contract(aspect="behavior", tier="inferred", source=EMPTY_RULES)
def test_deleted_configuration_is_returned_and_gone(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """The answer carries the deleted configuration; getting it is then refused.

    Evidence: inferred, the set-up: nothing public shows AWS accepting ``rules: []``. What
    is asserted once it does is documented
    (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteSigningConfiguration.html:
    the answer is the deleted configuration; SigningConfigurationNotFoundException when
    there is none).
    """
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        deleted = ecr_contract.call(OPERATION)
        assert deleted["signingConfiguration"] == {"rules": []}
        ecr_contract.expect_error(
            "GetSigningConfiguration", "SigningConfigurationNotFoundException"
        )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="SigningConfigurationNotFoundException",
    tier="inferred",
    source=EMPTY_RULES,
)
def test_registry_without_a_configuration(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """Deleting when there is no configuration is refused.

    Evidence: inferred, the set-up: nothing public shows AWS accepting ``rules: []``. The
    error itself is documented
    (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteSigningConfiguration.html).
    """
    with ecr_registry.changing("signing"):
        ecr_contract.call("PutSigningConfiguration", signingConfiguration={"rules": []})
        ecr_contract.call(OPERATION)
        ecr_contract.expect_error(OPERATION, "SigningConfigurationNotFoundException")
