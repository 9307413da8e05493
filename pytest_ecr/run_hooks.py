"""The run's hooks: each test's calls belong to it (names, cassette, the process's own
clients), the run id reaches pytest-xdist's workers, the report header, SIGTERM as
Ctrl-C, the run's end; and the guard that names the AWS account before anything else."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Generator
from typing import Any

import pytest

from .deviations import suite_id
from .run import EcrRun
from .wire import PROCESS_TAP, in_scope

#: Whether a phase of the test failed (its recording is then incomplete).
FAILED_KEY = pytest.StashKey[bool]()


class RunPlugin:
    """The run's hooks: each test's calls belong to it (names, cassette), the run id
    reaches pytest-xdist's workers, the report header, and the run's end."""

    def __init__(self, run: EcrRun) -> None:
        self.run = run
        self._sigterm: Any = None
        # SIGTERM (what `timeout`, CI cancellation and `kill` send) ends the run as Ctrl-C
        # does: fixtures and the ledger clean up, and registry settings are restored.
        main = threading.current_thread() is threading.main_thread()
        if main and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            self._sigterm = signal.signal(signal.SIGTERM, _interrupt)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> Generator[None, Any, Any]:
        """Everything a test's setup, call and teardown do belongs to that test."""
        scope = suite_id(item.nodeid)
        complete = False
        # While a test that uses ECR runs, the in-process registry answers every ECR
        # client of the process (the code under test's own too).
        uses_ecr = "ecr_target" in getattr(item, "fixturenames", ())
        activate = getattr(self.run.target, "activate", None) if uses_ecr else None
        deactivate = getattr(self.run.target, "deactivate", None) if uses_ecr else None
        saved_env = self._emulator_environment() if uses_ecr else None
        try:
            if uses_ecr:
                PROCESS_TAP.tests += 1
            if activate is not None:
                self.run.start()
                activate()
            self.run.scope = scope
            with in_scope(scope):
                result = yield
            complete = not item.stash.get(FAILED_KEY, False)
            return result
        except BaseException:
            # Ctrl-C, SIGTERM or pytest.exit in the middle of a test: nothing of it is
            # written, and nothing recorded later (the session's teardown) either.
            self.run.interrupted = True
            raise
        finally:
            if uses_ecr:
                PROCESS_TAP.tests = max(0, PROCESS_TAP.tests - 1)
            if saved_env is not None:
                _restore_environment(saved_env)
            self.run.scope = "session"
            if activate is not None and deactivate is not None:
                deactivate()
            for server in self.run.servers:
                if hasattr(server, "take") and self.run.engine is not None:
                    self.run.engine.adopt(scope, server.take(scope))
                elif hasattr(server, "finish"):
                    server.finish(scope)
            if self.run.engine is not None and not self.run.engine.replay_only:
                try:
                    self.run.engine.finish(scope, complete=complete and not self.run.interrupted)
                except Exception as exc:
                    from .cassettes import CassetteError

                    if not isinstance(exc, CassetteError):
                        raise
                    # A recording that cannot be written is lost: stop, saying where and why.
                    pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.INTERNAL_ERROR)

    def _emulator_environment(self) -> dict[str, str | None] | None:
        """While a test that uses ECR runs against an emulator or cassettes, the code under
        test's own clients get fake credentials and the run's Region from the environment
        (as moto's mock_aws gives them), so that they can sign, and never sign with real
        ones for an emulator. Put back as they were afterwards."""
        if self.run.settings.target == "aws":
            return None
        wanted = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": None,
            "AWS_SECURITY_TOKEN": None,
            "AWS_PROFILE": None,
        }
        if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
            wanted["AWS_DEFAULT_REGION"] = self.run.settings.region
        saved = {name: os.environ.get(name) for name in wanted}
        _restore_environment(wanted)
        return saved

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.failed:
            item.stash[FAILED_KEY] = True
        return report

    def pytest_keyboard_interrupt(self) -> None:
        self.run.interrupted = True

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """pytest-xdist: every worker uses the controller's run id."""
        node.workerinput["ecr_run_id"] = self.run.run_id

    def pytest_report_header(self, config: pytest.Config) -> str:
        settings = self.run.settings
        endpoint = settings.endpoint_url or {
            "moto-server": "a moto server started for the run",
            "moto": "in-process",
            "replay": f"cassettes in {self.run.engine.root if self.run.engine else '?'}",
        }.get(settings.target, "AWS")
        account = getattr(self.run.__dict__.get("target"), "account", None)
        if settings.target == "aws" and account:  # known once the AWS guard asked STS
            endpoint = f"AWS account {account}"
        return (
            f"ecr: target={settings.target} ({settings.sources['target']}), "
            f"endpoint={endpoint}, region={settings.region}, strict={settings.strict}, "
            f"names={settings.name_prefix}/{self.run.run_id}/"
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for line in self.run.notes:
            terminalreporter.write_line(f"pytest-ecr: {line}", yellow=True)
        engine = self.run.engine
        if engine is not None and engine.written:
            terminalreporter.write_line(
                f"cassettes: {len(engine.written)} written under {engine.root}", bold=True
            )
        for warning in (engine.warnings if engine is not None else [])[:20]:
            terminalreporter.write_line(f"cassette: {warning}", yellow=True)

    def pytest_unconfigure(self) -> None:
        try:
            self.run.close()
        finally:
            if self._sigterm is not None:
                signal.signal(signal.SIGTERM, self._sigterm)
                self._sigterm = None


def _restore_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"pytest-ecr: signal {signal.Signals(signum).name}")


class AwsGuard:
    """Before anything else in a run against AWS: which account and Region it uses (the
    run's first line), and a stop when the account is not on ``--ecr-aws-account``."""

    def __init__(self, run: EcrRun) -> None:
        self.run = run

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        from .targets import AwsTarget

        self.run.start()  # AwsTarget._start asks STS who the credentials are; exits if refused
        assert isinstance(self.run.target, AwsTarget)
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(self.run.target.announcement(), bold=True)
