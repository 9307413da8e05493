"""Contracts of GetAccountSetting."""

from __future__ import annotations

from typing import Any, cast

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, RegistrySettings, Scenario, SettingName

OPERATION = "GetAccountSetting"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"name": "BASIC_SCAN_TYPE_VERSION"}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)

#: Each documented setting, with the evidence that AWS answers it.
SETTINGS = [
    pytest.param(
        "BASIC_SCAN_TYPE_VERSION",
        marks=pytest.mark.ecr_contract(
            tier="aws-verified",
            source="hashicorp/terraform-provider-aws:internal/service/ecr/account_setting_test.go",
        ),
        id="BASIC_SCAN_TYPE_VERSION",
    ),
    pytest.param(
        "REGISTRY_POLICY_SCOPE",
        marks=pytest.mark.ecr_contract(
            tier="documented",
            source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAccountSetting.html",
        ),
        id="REGISTRY_POLICY_SCOPE",
    ),
]


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.ecr_contract(aspect="behavior")
def test_documented_settings_have_a_value(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings, name: str
) -> None:
    """The names are from the model's documentation of ``name``.

    Evidence (per case): BASIC_SCAN_TYPE_VERSION aws-verified,
    hashicorp/terraform-provider-aws:internal/service/ecr/account_setting_test.go (an
    acceptance test reads it back from AWS; real CLI output also in
    https://brandonsherman.com/computers/aws/2024/12/13/ECR-scanning.html);
    REGISTRY_POLICY_SCOPE documented,
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAccountSetting.html
    (values V1 and V2; no public real answer).
    """
    with ecr_registry.reading(cast(SettingName, f"account:{name}")):  # others may change it
        answer = ecr_contract.call(OPERATION, name=name)
    assert answer["name"] == name
    assert isinstance(answer.get("value"), str)
