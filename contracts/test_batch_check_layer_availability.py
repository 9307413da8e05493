"""Contracts of BatchCheckLayerAvailability."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import (
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "BatchCheckLayerAvailability"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "layerDigests": [s.layer_digest]}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_image(layers=2)
def test_pushed_layers_are_available_and_others_are_failures(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """Pushed layers are AVAILABLE with their size; an unknown digest is a failure in an
    HTTP 200 answer (the response's ``failures`` member), not an error."""
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        layerDigests=[*ecr_image.layer_digests, MISSING_DIGEST],
    )
    available = {layer["layerDigest"]: layer for layer in answer["layers"]}
    assert set(available) == set(ecr_image.layer_digests)
    for digest in ecr_image.layer_digests:
        assert available[digest]["layerAvailability"] == "AVAILABLE"
        assert available[digest]["layerSize"] == len(ecr_image.blobs[digest])
    assert [f["layerDigest"] for f in answer["failures"]] == [MISSING_DIGEST]


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        layerDigests=[MISSING_DIGEST],
    )
