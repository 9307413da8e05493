"""Contracts of DescribeRepositoryCreationTemplates."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "DescribeRepositoryCreationTemplates"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"prefixes": [s.unique("template")], "maxResults": 10}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_prefix_without_a_template_lists_nothing(
    ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """A filter that matches no template is an empty listing, not an error (the operation
    models no not-found error)."""
    answer = ecr_contract.call(OPERATION, prefixes=[ecr_scenario.unique("template")])
    assert answer["repositoryCreationTemplates"] == []
