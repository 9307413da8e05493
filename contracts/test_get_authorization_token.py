"""Contracts of GetAuthorizationToken."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "GetAuthorizationToken"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryIds": [s.registry_id]}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_token_is_a_docker_login(ecr_contract: ContractClient) -> None:
    """The token "can be decoded and used in a docker login command" and "is valid for 12
    hours" (the model's documentation of GetAuthorizationToken); decoded it is
    ``user:password`` with the user ``AWS`` (Amazon ECR User Guide, "Registry
    authentication"); ``proxyEndpoint`` is the registry URL,
    ``https://<account>.dkr.ecr.<region>.amazonaws.com``."""
    before = datetime.now(timezone.utc)
    (data,) = ecr_contract.call(OPERATION)["authorizationData"]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    assert user == "AWS"
    assert password
    assert before < data["expiresAt"] <= before + timedelta(hours=12, minutes=5)
    assert data["proxyEndpoint"].startswith("https://")
