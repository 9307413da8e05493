"""Fixtures: the active target, boto3 clients for it, and the contract client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.client import BaseClient

from .contract import ContractClient
from .settings import EcrSettings
from .targets import Target, TargetUnavailable, make_target

SETTINGS_KEY = pytest.StashKey[EcrSettings]()
TARGET_KEY = pytest.StashKey[Target]()
CONTRACT_KEY = pytest.StashKey[ContractClient]()


def active_target(config: pytest.Config) -> Target:
    """The run's target, started on first use (so unrelated test runs never start moto)."""
    target = config.stash.get(TARGET_KEY, None)
    if target is None:
        target = make_target(config.stash[SETTINGS_KEY])
        config.stash[TARGET_KEY] = target
    try:
        target.start()
    except TargetUnavailable as exc:
        pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
    return target


@pytest.fixture(scope="session")
def ecr_settings(pytestconfig: pytest.Config) -> EcrSettings:
    """The resolved ``--ecr-*`` settings of this run."""
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def ecr_target(pytestconfig: pytest.Config) -> Target:
    """The started target (moto, moto-server, url or aws); stopped at the end of the run."""
    return active_target(pytestconfig)


@pytest.fixture(scope="session")
def ecr_client(ecr_target: Target) -> Iterator[BaseClient]:
    """A plain boto3 ECR client for the active target."""
    client = ecr_target.client()
    yield client
    client.close()


@pytest.fixture(scope="session")
def _ecr_contract_boto_client(ecr_target: Target) -> Iterator[BaseClient]:
    # botocore's client-side validation is off: the suite checks its own requests
    # against the (stricter) input schema, and invalid ones must reach the server.
    client = ecr_target.client(parameter_validation=False)
    yield client
    client.close()


@pytest.fixture
def ecr_contract(
    request: pytest.FixtureRequest,
    ecr_target: Target,
    ecr_settings: EcrSettings,
    _ecr_contract_boto_client: BaseClient,
) -> Iterator[ContractClient]:
    """A :class:`~pytest_ecr.contract.ContractClient` for this test."""
    contract = ContractClient(_ecr_contract_boto_client, ecr_target, strict=ecr_settings.strict)
    request.node.stash[CONTRACT_KEY] = contract
    try:
        yield contract
    finally:
        contract.close()
