"""Contracts of DeleteRepositoryCreationTemplate."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, allow_registry_changes, validation_tests

OPERATION = "DeleteRepositoryCreationTemplate"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"prefix": s.unique("template")}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_deleted_template_is_gone(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    prefix = ecr_scenario.unique("template")
    ecr_contract.call("CreateRepositoryCreationTemplate", prefix=prefix, appliedFor=["REPLICATION"])
    ecr_scenario.on_cleanup(
        "repository creation template",
        prefix,
        lambda: ecr_scenario.client.delete_repository_creation_template(prefix=prefix),
    )
    deleted = ecr_contract.call(OPERATION, prefix=prefix)
    assert deleted["repositoryCreationTemplate"]["prefix"] == prefix
    listed = ecr_contract.call("DescribeRepositoryCreationTemplates", prefixes=[prefix])
    assert listed["repositoryCreationTemplates"] == []


@pytest.mark.ecr_contract(aspect="errors", triggers="TemplateNotFoundException")
def test_prefix_without_a_template(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    ecr_contract.expect_error(
        OPERATION, "TemplateNotFoundException", prefix=ecr_scenario.unique("template")
    )
