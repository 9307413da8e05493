"""Contracts of GetAuthorizationToken."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "GetAuthorizationToken"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"registryIds": [s.registry_id]}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # "InvalidParameterException: Invalid parameter at 'registryIds' failed to satisfy
    # constraint: 'Member must satisfy constraint: [Member must satisfy regular expression
    # pattern: [0-9]{12}]'" (goharbor/harbor#17642; also aws-actions/amazon-ecr-login#27).
    validation=Evidence("aws-verified", "goharbor/harbor#17642"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html"
    "; hashicorp/terraform-provider-aws:internal/service/ecr/"
    "authorization_token_data_source_test.go; "
    "aws/aws-cli:awscli/examples/ecr/get-authorization-token.rst",
)
def test_token_is_a_docker_login(ecr_contract: ContractClient) -> None:
    """The token "can be decoded and used in a docker login command" and "is valid for 12
    hours" (the model's documentation of GetAuthorizationToken); decoded it is
    ``user:password`` with the user ``AWS`` (Amazon ECR User Guide, "Registry
    authentication"); ``proxyEndpoint`` is the registry URL,
    ``https://<account>.dkr.ecr.<region>.amazonaws.com``.

    Evidence: documented,
    https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html:
    the 12-hour validity (the weakest of the assertions). The rest is aws-verified:
    hashicorp/terraform-provider-aws:internal/service/ecr/authorization_token_data_source_test.go
    (an acceptance test decodes the token into exactly ``AWS:<password>``) and
    aws/aws-cli:awscli/examples/ecr/get-authorization-token.rst (real ``expiresAt`` and
    ``https://`` ``proxyEndpoint``).
    """
    before = datetime.now(timezone.utc)
    (data,) = ecr_contract.call(OPERATION)["authorizationData"]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    assert user == "AWS"
    assert password
    assert before < data["expiresAt"] <= before + timedelta(hours=12, minutes=5)
    assert data["proxyEndpoint"].startswith("https://")
