"""The composition root of a run: its target, cassettes, reference, network guard, names
and ledger, wired once from the settings (and started on first use).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from .cassettes import (
    CassetteError,
    Engine,
    SocketGuard,
    read_index,
    recording_meta,
    write_index,
)
from .deviations import suite_id
from .model import load_model
from .reference.differ import Differ
from .reference.files import KnownDeviation, Reference, ReferenceFileError, load_known_deviations
from .resources import CleanupError, Ledger, Namer, new_run_id
from .scrub import Scrubber
from .settings import EcrSettings
from .targets import AwsTarget, ReplayTarget, Target, TargetUnavailable, make_target
from .wire import in_scope

#: Where the run lives (``config.stash``).
RUN_KEY: pytest.StashKey[EcrRun] = pytest.StashKey()


class EcrRun:
    """The run's target, client, names and ledger; started on first use."""

    def __init__(
        self, settings: EcrSettings, run_id: str, rootdir: Path, worker: str = "main"
    ) -> None:
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
            worker="main" if repeatable else worker,
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
            self.target.subscribers.append(self.engine)
        if settings.reference is not None:
            # One attempt per call, as recorded: a retried call would pair with nothing.
            self.target.max_attempts = 1
        self.ledger = Ledger()
        #: Clients made for the run, closed when it ends (after the ledger is empty).
        self.clients: list[Any] = []
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
                self.target.subscribers.append(self.differ)
        except (TargetUnavailable, CassetteError, ReferenceFileError) as exc:
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

    def close(self) -> None:
        """Remove what is left, then stop the target. Failures are printed, never lost."""
        try:
            self.ledger.close()
        except CleanupError as exc:
            sys.stderr.write(f"\n{exc}\n")
        finally:
            for client in self.clients:
                client.close()
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


def run_id_for(config: pytest.Config, settings: EcrSettings) -> str:
    """One run id per run: the controller's under xdist, else the setting or a new one."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput and workerinput.get("ecr_run_id"):
        return str(workerinput["ecr_run_id"])
    return settings.run_id or new_run_id()


def worker_of(config: pytest.Config) -> str:
    """The pytest-xdist worker this process is (``gw0``, ...), or ``main``: from the
    worker's own input, never from the environment, which child processes inherit."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    return str(workerinput.get("workerid", "main")) if workerinput else "main"


def registry_key(run: EcrRun) -> str:
    """What identifies the registry a run changes: a moto or moto server the run started
    is its own, an endpoint or AWS Region is shared by every run that points at it."""
    settings = run.settings
    if settings.target in ("url", "aws"):
        shared = f"{settings.target} {settings.endpoint_url or ''} {settings.region}"
        return "registry-" + hashlib.sha256(shared.encode()).hexdigest()[:16]
    return f"run-{run.namer.run_id}"


class RunPlugin:
    """The run's hooks: each test's calls belong to it (names, cassette), the run id
    reaches pytest-xdist's workers, the report header, and the run's end."""

    def __init__(self, run: EcrRun) -> None:
        self.run = run

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, Any, Any]:
        """Everything a test's setup, call and teardown do belongs to that test."""
        scope = suite_id(item.nodeid)
        try:
            with in_scope(scope):
                return (yield)
        finally:
            if self.run.engine is not None:
                try:
                    self.run.engine.finish(scope)
                except CassetteError as exc:
                    # A recording that cannot be written is lost: stop, saying where and why.
                    pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.INTERNAL_ERROR)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """pytest-xdist: every worker uses the controller's run id."""
        node.workerinput["ecr_run_id"] = self.run.namer.run_id

    def pytest_report_header(self, config: pytest.Config) -> str:
        settings = self.run.settings
        endpoint = settings.endpoint_url or (
            "started for the run"
            if settings.target == "moto-server"
            else "in-process"
            if settings.target == "moto"
            else "AWS"
        )
        target = self.run.target
        if isinstance(target, AwsTarget) and target.account:
            endpoint = f"AWS account {target.account}"
        return (
            f"ecr: target={settings.target} ({settings.sources['target']}), "
            f"endpoint={endpoint}, region={settings.region}, strict={settings.strict}, "
            f"names={self.run.namer.prefix}/{self.run.namer.run_id}/"
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        engine = self.run.engine
        for warning in (engine.warnings if engine is not None else [])[:20]:
            terminalreporter.write_line(f"cassette: {warning}", yellow=True)

    def pytest_unconfigure(self) -> None:
        self.run.close()


class AwsGuard:
    """Before anything else in a run against AWS: which account and Region it uses (the
    run's first line), and a stop when the account is not on ``--ecr-aws-account``."""

    def __init__(self, run: EcrRun) -> None:
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.run.start()  # AwsTarget._start asks STS who the credentials are; exits if refused
        assert isinstance(self.run.target, AwsTarget)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(self.run.target.announcement(), bold=True)
