"""Contracts of PutAccountSetting (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    VALIDATION_ERRORS,
    Contract,
    Evidence,
    RegistrySettings,
    Scenario,
)

OPERATION = "PutAccountSetting"

SETTING = "account:BASIC_SCAN_TYPE_VERSION"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (account setting changes)",
    },
    changes=(SETTING,),
    validation=Evidence("model", "botocore's ECR model: PutAccountSetting's input constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/account_setting_test.go",
)
def test_setting_is_visible_in_get(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """ "Valid value for basic scan type: AWS_NATIVE" (the model's documentation of value).

    Evidence: aws-verified, terraform-provider-aws's acceptance test puts
    BASIC_SCAN_TYPE_VERSION=AWS_NATIVE against AWS and reads AWS_NATIVE back.
    """
    with ecr_registry.changing(SETTING):
        answer = ecr_contract.call(OPERATION, name="BASIC_SCAN_TYPE_VERSION", value="AWS_NATIVE")
        assert (answer["name"], answer["value"]) == ("BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE")
        got = ecr_contract.call("GetAccountSetting", name="BASIC_SCAN_TYPE_VERSION")
        assert got["value"] == "AWS_NATIVE"


@pytest.mark.ecr_contract(
    aspect="errors",
    tier="inferred",
    source="no public AWS output of an unlisted value",
)
def test_value_the_documentation_does_not_list(
    ecr_contract: ContractClient, ecr_registry: RegistrySettings
) -> None:
    """A value the model's documentation does not list is refused as invalid.

    Evidence: inferred: nothing public shows AWS refusing a value; note that AWS also took
    CLAIR, which the model's text no longer lists (terraform-provider-aws's acceptance
    test switches AWS_NATIVE to CLAIR).
    """
    with ecr_registry.changing(SETTING):
        ecr_contract.expect_error(
            OPERATION,
            sorted(VALIDATION_ERRORS),
            name="BASIC_SCAN_TYPE_VERSION",
            value="PYTEST_ECR_NOT_A_VALUE",
        )
