"""What contract modules are written with: the scenario their valid requests are built on
(:mod:`.scenario`), the requests they share (:mod:`.requests`), the model-derived
validation cases (:mod:`.validation`), registry-wide settings (:mod:`.registry`) and the
reasons a modeled error stays untriggered (:mod:`.reasons`).

A contract module looks like this::

    OPERATION = "GetRepositoryPolicy"
    pytestmark = pytest.mark.ecr_contract(OPERATION)

    def valid_request(s: Scenario) -> dict[str, Any]:
        return {"registryId": s.registry_id, "repositoryName": s.repository.name}

    test_validation = validation_tests(OPERATION, valid_request)

    UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}

    @pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
    def test_missing_repository(ecr_contract): ...

The coverage test in ``tests/`` checks that every modeled error of ``OPERATION`` is
either named by a test's ``triggers=`` or listed in ``UNTRIGGERED`` with a reason, and
that ``valid_request`` holds every constrained member, so that every constraint gets
a validation case.
"""

from __future__ import annotations

from .declaration import MODEL, Contract, DeclarationPlugin, Evidence
from .reasons import (
    KMS_EXCEPTION,
    LIMIT_EXCEPTION,
    NO_INPUT,
    REGISTRY_ONLY_SECRETS,
    SERVER_EXCEPTION,
    UPSTREAM,
)
from .registry import (
    ACCOUNT_SETTINGS,
    SETTINGS,
    UNREADABLE,
    RegistrySettings,
    SettingName,
    allow_registry_changes,
)
from .requests import (
    LIFECYCLE_POLICY,
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    MISSING_UPLOAD_ID,
    excluded_principal,
    ids,
    missing_secret_arn,
    other_region,
    registry_policy,
    replication,
    replication_destination,
    repository_policy,
    tags_of,
)
from .scenario import FakeScenario, Scenario
from .validation import VALIDATION_ERRORS, request_with, validation_codes, validation_tests

__all__ = [
    "ACCOUNT_SETTINGS",
    "KMS_EXCEPTION",
    "LIFECYCLE_POLICY",
    "LIMIT_EXCEPTION",
    "MISSING_DIGEST",
    "MISSING_REPOSITORY",
    "MISSING_UPLOAD_ID",
    "MODEL",
    "NO_INPUT",
    "REGISTRY_ONLY_SECRETS",
    "SERVER_EXCEPTION",
    "SETTINGS",
    "UNREADABLE",
    "UPSTREAM",
    "VALIDATION_ERRORS",
    "Contract",
    "DeclarationPlugin",
    "Evidence",
    "FakeScenario",
    "RegistrySettings",
    "Scenario",
    "SettingName",
    "allow_registry_changes",
    "excluded_principal",
    "ids",
    "missing_secret_arn",
    "other_region",
    "registry_policy",
    "replication",
    "replication_destination",
    "repository_policy",
    "request_with",
    "tags_of",
    "validation_codes",
    "validation_tests",
]
