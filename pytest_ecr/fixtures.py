"""Fixtures: the target, clients, throwaway repositories and pushed images.

Everything a run creates is recorded in one ledger and removed in reverse order:
per-test resources at the end of their test, session resources at the end of the
session, and whatever is still there (a run interrupted with Ctrl-C) when pytest
unconfigures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .run import RUN_KEY, EcrRun, registry_key, registry_lock_dir
from .settings import SETTINGS_KEY, EcrSettings

if TYPE_CHECKING:
    # Imported by the fixtures that need them: a session whose tests use none of these
    # fixtures never loads botocore (bench/startup.py).
    from botocore.client import BaseClient

    from .contract import ContractClient
    from .resources import Image, ImageFactory, Repository, RepositoryFactory
    from .suite import RegistrySettings, Scenario
    from .targets import Target


def ecr_run(config: pytest.Config) -> EcrRun:
    return config.stash[RUN_KEY]


# -- targets and clients -------------------------------------------------------


@pytest.fixture(scope="session")
def ecr_settings(pytestconfig: pytest.Config) -> EcrSettings:
    """The resolved ``--ecr-*`` settings of this run."""
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def ecr_target(pytestconfig: pytest.Config) -> Target:
    """The started target (moto, moto-server, url or aws); stopped at the end of the run."""
    run = ecr_run(pytestconfig)
    run.start()
    return run.target


@pytest.fixture(scope="session")
def ecr_client(pytestconfig: pytest.Config, ecr_target: Target) -> BaseClient:
    """A plain boto3 ECR client for the active target (override ``ecr_target`` and this
    client goes there too).

    With the ``moto`` target it also works inside a test's own ``moto.mock_aws()``:
    moto counts nested mocks, and both see the same registry.
    """
    client = ecr_target.client()
    # Closed by the run after its ledger is empty: cleanup after Ctrl-C still needs it.
    ecr_run(pytestconfig).clients.append(client)
    return client


@pytest.fixture
def ecr_endpoint(
    pytestconfig: pytest.Config,
    ecr_target: Target,
    ecr_settings: EcrSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """An ECR endpoint URL for other processes the test starts (the AWS CLI, a Go or JS
    program, a deploy script): they see what the fixtures made, and are recorded and
    replayed with the test. The test's environment gets ``AWS_ENDPOINT_URL_ECR`` set to
    it, the Region, and (but on aws) fake credentials, so a subprocess needs no changes.

    With the in-process ``moto`` target this serves the run's registry on 127.0.0.1.
    """
    url = ecr_run(pytestconfig).endpoint_for_processes()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", url)
    monkeypatch.setenv("AWS_REGION", ecr_settings.region)
    monkeypatch.setenv("AWS_DEFAULT_REGION", ecr_settings.region)
    if ecr_settings.target != "aws":
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    return url


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
    from .contract import CONTRACT_KEY, ContractClient

    contract = ContractClient(_ecr_contract_boto_client, ecr_target, strict=ecr_settings.strict)
    request.node.stash[CONTRACT_KEY] = contract
    try:
        yield contract
    finally:
        contract.close()


# -- repositories and images -----------------------------------------------------


@pytest.fixture(scope="session")
def ecr_repository_factory(
    pytestconfig: pytest.Config, ecr_client: BaseClient, ecr_target: Target
) -> Iterator[RepositoryFactory]:
    """Creates repositories; what it created is deleted at the end of the session.

    ``ecr_repository_factory.create(hint, tag_mutability=..., exclusion_filters=...,
    scan_on_push=..., encryption=..., kms_key=..., tags=...)`` returns a
    :class:`~pytest_ecr.resources.Repository`; ``release(repository)`` deletes it early.
    """
    from .resources import RepositoryFactory
    from .sweeper import Heartbeat

    run = ecr_run(pytestconfig)
    factory = RepositoryFactory(ecr_client, run.namer, run.ledger, ecr_target.region)
    if run.keeps_heartbeat():
        Heartbeat(ecr_target.service_client("ecr"), run.namer, run.ledger)
    yield factory
    run.ledger.close()


@pytest.fixture(scope="session")
def ecr_image_factory(
    pytestconfig: pytest.Config,
    ecr_client: BaseClient,
    ecr_repository_factory: RepositoryFactory,
) -> ImageFactory:
    """Builds synthetic images and pushes them through the ECR layer-upload API.

    ``ecr_image_factory.push(repository, tags=..., layers=..., layer_size=...,
    manifest_format="docker"|"oci", platforms=[...], seed=..., artifact_type=...,
    subject=...)`` returns a :class:`~pytest_ecr.resources.Image`.
    """
    from .resources import ImageFactory

    return ImageFactory(ecr_client, ecr_run(pytestconfig).ledger)


def _marker_kwargs(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    """The marker's keywords, checked: a bad one fails the set-up with one line."""
    from .marker_options import problems

    marker = request.node.get_closest_marker(name)
    if marker is None:
        return {}
    found = problems(name, marker.args, marker.kwargs)
    if found:
        pytest.fail("\n".join(found), pytrace=False)
    return dict(marker.kwargs)


@pytest.fixture
def ecr_repository(
    request: pytest.FixtureRequest, ecr_repository_factory: RepositoryFactory
) -> Iterator[Repository]:
    """A fresh repository for this test, deleted (with its images) when the test ends.

    Configure it with ``@pytest.mark.ecr_repository(tag_mutability="IMMUTABLE", ...)``,
    which takes the keywords of ``ecr_repository_factory.create``.
    """
    options = _marker_kwargs(request, "ecr_repository")
    repository = ecr_repository_factory.create(request.node.name, **options)
    yield repository
    ecr_repository_factory.release(repository)


@pytest.fixture
def ecr_image(
    request: pytest.FixtureRequest, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> Iterator[Image]:
    """An image pushed into this test's ``ecr_repository``.

    Configure it with ``@pytest.mark.ecr_image(tags=["v1"], layers=3, platforms=[...])``,
    which takes the keywords of ``ecr_image_factory.push``.
    """
    options = _marker_kwargs(request, "ecr_image")
    image = ecr_image_factory.push(ecr_repository, **options)
    yield image
    ecr_image_factory.release(image)


@pytest.fixture(scope="module")
def ecr_scenario(
    request: pytest.FixtureRequest,
    ecr_client: BaseClient,
    ecr_repository_factory: RepositoryFactory,
    ecr_image_factory: ImageFactory,
) -> Iterator[Scenario]:
    """Resources the valid requests of a contract module refer to (created on first use)."""
    # The module's file name, not its import name: the suite is ``contracts.test_x`` in
    # a checkout and ``pytest_ecr.contracts.test_x`` from a wheel, and names and image
    # seeds must be the same in both (cassettes recorded in one replay in the other).
    from .suite import Scenario

    hint = Path(str(request.module.__file__)).stem
    scenario = Scenario(ecr_client, ecr_repository_factory, ecr_image_factory, hint)
    yield scenario
    scenario.close()


@pytest.fixture(scope="session")
def ecr_registry(
    pytestconfig: pytest.Config, ecr_client: BaseClient, ecr_settings: EcrSettings
) -> RegistrySettings:
    """Registry-wide settings: ``with ecr_registry.changing("registry-policy"): ...`` locks
    the setting against other workers of the run, and against other runs on this machine
    that share the registry, journals and restores it afterwards; settings a killed run
    left changed are put back first."""
    from .suite import RegistrySettings

    run = ecr_run(pytestconfig)
    registry_id = None
    if ecr_settings.target in ("url", "aws"):
        try:
            client: Any = ecr_client
            registry_id = str(client.describe_registry()["registryId"])
        except Exception:  # an emulator without DescribeRegistry: the address alone
            registry_id = None
    lock_dir = registry_lock_dir(registry_key(run, registry_id))
    registry = RegistrySettings(ecr_client, ecr_settings, lock_dir, run.namer.run_id)
    run.notes += registry.recover()
    return registry
