"""Fixtures: the target, clients, throwaway repositories and pushed images.

Everything a run creates is recorded in one ledger and removed in reverse order:
per-test resources at the end of their test, session resources at the end of the
session, and whatever is still there (a run interrupted with Ctrl-C) when pytest
unconfigures.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.client import BaseClient

from .cassettes import (
    CassetteError,
    Engine,
    Scrubber,
    SocketGuard,
    read_index,
    recording_meta,
    write_index,
)
from .contract import ContractClient
from .model import load_model
from .reference import (
    Differ,
    KnownDeviation,
    Reference,
    ReferenceError,
    load_known_deviations,
)
from .resources import (
    CleanupError,
    Image,
    ImageFactory,
    Ledger,
    Namer,
    Repository,
    RepositoryFactory,
    new_run_id,
)
from .settings import EcrSettings
from .suite import RegistrySettings, Scenario
from .targets import ReplayTarget, Target, TargetUnavailable, make_target

SETTINGS_KEY = pytest.StashKey[EcrSettings]()
RUN_KEY = pytest.StashKey["EcrRun"]()
CONTRACT_KEY = pytest.StashKey[ContractClient]()


class EcrRun:
    """The run's target, client, names and ledger; started on first use."""

    def __init__(self, settings: EcrSettings, run_id: str, rootdir: Path) -> None:
        self.settings = settings
        self.target: Target = make_target(settings)
        self.engine: Engine | None = None
        self._guard: SocketGuard | None = None
        cassettes = settings.target == "replay" or settings.record_mode is not None
        # Names must be the same when recording, replaying and comparing with a
        # reference, on any worker.
        repeatable = cassettes or settings.reference is not None
        self.namer = Namer(
            prefix=settings.name_prefix,
            run_id=(settings.run_id or "rcassette") if repeatable else run_id,
            worker="main" if repeatable else os.environ.get("PYTEST_XDIST_WORKER", "main"),
            repeatable=repeatable,
        )
        self.differ: Differ | None = None
        if cassettes:
            root = Path(settings.cassette_dir) if settings.cassette_dir else rootdir / "cassettes"
            self.engine = Engine(
                root=root,
                mode=settings.record_mode or "none",  # type: ignore[arg-type]
                scrubber=Scrubber(learn_account=settings.scrub_account_id),
                meta=recording_meta(settings.target),
                replay_only=settings.target == "replay",
            )
            self.target.max_attempts = 1
            self.target.client_hooks.append(self.engine.attach)
        if settings.reference is not None:
            # One attempt per call, as recorded: a retried call would pair with nothing.
            self.target.max_attempts = 1
        self.ledger = Ledger()
        self._client: BaseClient | None = None
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        try:
            self.target.start()
            if self.engine is not None:
                self._start_cassettes(self.engine)
            if self.settings.reference is not None:
                self.differ = open_differ(self.settings)
                self.target.client_hooks.append(self.differ.attach)
        except (TargetUnavailable, CassetteError, ReferenceError) as exc:
            pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
        self._started = True

    def _start_cassettes(self, engine: Engine) -> None:
        if engine.replay_only:
            index = read_index(engine.root)
            assert isinstance(self.target, ReplayTarget)
            self.target.recorded_against = str(index["target"])
            self.target.recorded_implements = dict(index.get("implements") or {})
            self._guard = SocketGuard("replaying cassettes; record with --ecr-record-mode")
            self._guard.start()
        else:
            # What the recorded target implements, so that replay classifies its answers
            # (unsupported, or a crash) the way the live run did.
            model = load_model()
            implemented = {op: self.target.implements(op) for op in model.operation_names}
            # Which model each operation was recorded under: a reference whose operation
            # has changed since is stale (see pytest_ecr.reference).
            checksums = {op: model.operation_checksum(op) for op in model.operation_names}
            write_index(
                engine.root,
                {**engine.meta, "implements": implemented, "model_checksums": checksums},
            )

    def outcome_target(self) -> str:
        """The target whose outcomes (deviations, baselines) apply: for replay, the one the
        cassettes were recorded against."""
        if self.engine is not None and self.engine.replay_only:
            try:
                return str(read_index(self.engine.root)["target"])
            except CassetteError:
                return self.settings.target
        return self.settings.target

    @property
    def client(self) -> BaseClient:
        self.start()
        if self._client is None:
            self._client = self.target.client()
        return self._client

    def close(self) -> None:
        """Remove what is left, then stop the target. Failures are printed, never lost."""
        try:
            self.ledger.close()
        except CleanupError as exc:
            sys.stderr.write(f"\n{exc}\n")
        finally:
            if self._client is not None:
                self._client.close()
            if self.engine is not None:
                self.engine.finish("session")
            if self._guard is not None:
                self._guard.stop()
            self.target.stop()


def open_differ(settings: EcrSettings) -> Differ:
    """The reference of ``--ecr-reference`` and the known deviations from it."""
    assert settings.reference is not None
    deviations: list[KnownDeviation] = []
    if settings.reference_deviations:
        _, deviations = load_known_deviations(Path(settings.reference_deviations))
    reference = Reference.open(Path(settings.reference))
    return Differ(reference, deviations, own_prefix=settings.name_prefix + "/")


def ecr_run(config: pytest.Config) -> EcrRun:
    return config.stash[RUN_KEY]


def run_id_for(config: pytest.Config, settings: EcrSettings) -> str:
    """One run id per run: the controller's under xdist, else the setting or a new one."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput and workerinput.get("ecr_run_id"):
        return str(workerinput["ecr_run_id"])
    return settings.run_id or new_run_id()


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
    """A plain boto3 ECR client for the active target.

    With the ``moto`` target it also works inside a test's own ``moto.mock_aws()``:
    moto counts nested mocks, and both see the same registry.
    """
    return ecr_run(pytestconfig).client


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
    run = ecr_run(pytestconfig)
    factory = RepositoryFactory(ecr_client, run.namer, run.ledger, ecr_target.region)
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
    return ImageFactory(ecr_client, ecr_run(pytestconfig).ledger)


def _marker_kwargs(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    marker = request.node.get_closest_marker(name)
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError(f"{request.node.nodeid}: @pytest.mark.{name} takes keywords only")
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
    that share the registry, and restores it afterwards."""
    lock_dir = Path(tempfile.gettempdir()) / f"pytest-ecr-{registry_key(ecr_run(pytestconfig))}"
    return RegistrySettings(ecr_client, ecr_settings, lock_dir)


def registry_key(run: EcrRun) -> str:
    """What identifies the registry a run changes: a moto or moto server the run started
    is its own, an endpoint or AWS Region is shared by every run that points at it."""
    settings = run.settings
    if settings.target in ("url", "aws"):
        shared = f"{settings.target} {settings.endpoint_url or ''} {settings.region}"
        return "registry-" + hashlib.sha256(shared.encode()).hexdigest()[:16]
    return f"run-{run.namer.run_id}"
