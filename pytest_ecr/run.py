"""The composition root of a run: its target, cassettes, reference, network guard, names
and ledger, wired once from the settings (and started on first use).
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import socket
import sys
import tempfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from .settings import EcrSettings
from .wire import PROCESS_TAP, install_process_tap, remove_process_tap

if TYPE_CHECKING:
    # The rest is imported where it is used: a session whose tests never ask for ECR
    # loads neither botocore nor the model (start-up cost, bench/startup.py).
    from .cassettes import Engine, SocketGuard
    from .reference.differ import Differ
    from .resources import Ledger, Namer
    from .targets import Target

#: Where the run lives (``config.stash``).
RUN_KEY: pytest.StashKey[EcrRun] = pytest.StashKey()


class EcrRun:
    """The run's target, client, names and ledger; started on first use."""

    def __init__(
        self, settings: EcrSettings, run_id: str, rootdir: Path, worker: str = "main"
    ) -> None:
        self.settings = settings
        self._guard: SocketGuard | None = None
        self.cassettes = settings.target == "replay" or settings.record_mode is not None
        # Names must be the same when recording, replaying and comparing with a
        # reference, on any worker.
        self.repeatable = self.cassettes or settings.reference is not None
        self.run_id = (settings.run_id or "rcassette") if self.repeatable else run_id
        self.rootdir = rootdir
        self.differ: Differ | None = None
        self.worker = worker
        #: Clients made for the run, closed when it ends (after the ledger is empty).
        self.clients: list[Any] = []
        #: Loopback endpoints the run serves other processes (see ``ecr_endpoint``).
        self.servers: list[Any] = []
        #: Recording proxies among them: their calls go into the test's cassette.
        self.proxies: list[Any] = []
        self._process_endpoint: str | None = None
        #: The test under way (what a loopback endpoint's calls belong to).
        self.scope = "session"
        #: What the run did besides its tests (registry settings a killed run left
        #: changed and this run restored), for the terminal summary.
        self.notes: list[str] = []
        #: Whether the run was interrupted (Ctrl-C, SIGTERM): nothing it recorded since
        #: replaces a cassette.
        self.interrupted = False
        self._started = False

    # The parts below are made on first use: a session whose tests never ask for ECR
    # makes none of them.

    @cached_property
    def target(self) -> Target:
        from .targets import make_target

        target = make_target(self.settings)
        if self.engine is not None:
            target.max_attempts = 1
            target.subscribers.append(self.engine)
        if self.settings.reference is not None:
            # One attempt per call, as recorded: a retried call would pair with nothing.
            target.max_attempts = 1
        return target

    @cached_property
    def engine(self) -> Engine | None:
        if not self.cassettes:
            return None
        from .cassettes import Engine, recording_meta
        from .scrub import Scrubber

        settings = self.settings
        root = Path(settings.cassette_dir) if settings.cassette_dir else self.rootdir / "cassettes"
        return Engine(
            root=root,
            mode=settings.record_mode or "none",  # type: ignore[arg-type]
            scrubber=Scrubber(learn_account=settings.scrub_account_id),
            meta=recording_meta(outcome_name(settings.target, settings.enforce_model)),
            replay_only=settings.target == "replay",
        )

    @cached_property
    def namer(self) -> Namer:
        from .resources import Namer

        return Namer(
            prefix=self.settings.name_prefix,
            run_id=self.run_id,
            worker="main" if self.repeatable else self.worker,
            repeatable=self.repeatable,
        )

    @cached_property
    def ledger(self) -> Ledger:
        from .resources import Ledger

        return Ledger()

    def _made(self, part: str) -> bool:
        """Whether a part made on first use (``target``, ``ledger``) was made."""
        return part in self.__dict__

    def start(self) -> None:
        if self._started:
            return
        if self.settings.deferred:
            self.stop_run(self.settings.deferred[0])
        from .cassettes import CassetteError
        from .reference.files import ReferenceFileError
        from .targets import TargetUnavailable

        try:
            self.target.start()
            if self.engine is not None:
                self._start_cassettes(self.engine)
            if self.settings.reference is not None:
                self.differ = open_differ(self.settings)
                self.target.subscribers.append(self.differ)
            self._tap_the_process()
        except (TargetUnavailable, CassetteError, ReferenceFileError) as exc:
            self.stop_run(str(exc))
        self._started = True

    def stop_run(self, message: str) -> None:
        """A run that cannot use ECR stops with one line naming what was wrong. Under
        pytest-xdist a worker cannot stop the run (pytest.exit there is an INTERNALERROR
        of the controller): the test that asked fails with the line instead."""
        if self.worker != "main":
            pytest.fail(f"pytest-ecr: {message}", pytrace=False)
        pytest.exit(f"pytest-ecr: {message}", returncode=pytest.ExitCode.USAGE_ERROR)

    def _start_cassettes(self, engine: Engine) -> None:
        from .cassettes import SocketGuard, check_writable, read_index
        from .targets import ReplayTarget

        if engine.replay_only:
            index = read_index(engine.root)
            assert isinstance(self.target, ReplayTarget)
            self.target.recorded_against = str(index["target"])
            self.target.recorded_implements = dict(index.get("implements") or {})
            self._guard = SocketGuard("replaying cassettes; record with --ecr-record-mode")
            self._guard.start()
        else:
            check_writable(engine.root)
            if self.settings.scrub_account_id:
                engine.scrubber.account_id = self._account()

    def _account(self) -> str | None:
        """The account the recorded answers will carry, before the first request: STS
        said it on aws; elsewhere the registry's own DescribeRegistry (asked through a
        client of its own, so it is not recorded)."""
        account = getattr(self.target, "account", None)
        if account:
            return str(account)
        client: Any = self.target.service_client("ecr")
        try:
            return str(client.describe_registry()["registryId"])
        except Exception:
            return None  # the scrubber learns it from the first registryId answered
        finally:
            client.close()

    def _write_index(self, engine: Engine) -> None:
        """The index, when this run wrote cassettes: what they were recorded against, what
        the target implements (so that replay classifies its answers as the live run
        did), and which model each operation was recorded under."""
        from .cassettes import CassetteError, read_index, write_index
        from .model import load_model

        model = load_model()
        try:
            previous = read_index(engine.root)
        except CassetteError:
            previous = {}
        implemented = dict(previous.get("implements") or {})
        for op in model.operation_names:
            known = self.target.implements(op)
            if known is not None or op not in implemented:
                implemented[op] = known
        checksums = {op: model.operation_checksum(op) for op in model.operation_names}
        write_index(
            engine.root,
            {**engine.meta, "implements": implemented, "model_checksums": checksums},
        )

    def _tap_the_process(self) -> None:
        """Record, replay or compare the ECR clients the run did not make too (the code
        under test's own), and send them where the run's go."""
        endpoint = self.target.endpoint_url
        emulator = self.settings.target in ("moto-server", "url") and endpoint
        if self.engine is None and self.differ is None and not emulator:
            return
        PROCESS_TAP.subscribers = self.target.subscribers
        if emulator:
            PROCESS_TAP.forward = Redirect(str(endpoint), self.target.sender())
        install_process_tap()

    def endpoint_for_processes(self) -> str:
        """An ECR endpoint URL another process (the AWS CLI, another SDK, a script) can
        use and see what the run's clients see: the cassettes replayed (replay), a
        recording proxy in front of the target (recording), the in-process registry on
        loopback (moto), or the target's own endpoint."""
        if self._process_endpoint is not None:
            return self._process_endpoint
        self.start()
        from . import serve

        target, engine = self.target, self.engine
        server: Any = None
        if engine is not None and engine.replay_only:
            server = serve.ReplayServer(engine.root, scope=lambda: self.scope)
        elif engine is not None:
            upstream = (
                target.endpoint_url or f"https://api.ecr.{self.settings.region}.amazonaws.com"
            )
            credentials = None
            if self.settings.target == "aws":
                frozen = target.session().get_credentials().get_frozen_credentials()
                credentials = (frozen.access_key, frozen.secret_key, frozen.token)
            server = serve.RecordingProxy(
                upstream,
                engine.root,
                scope=lambda: self.scope,
                scrubber=engine.scrubber,
                credentials=credentials,
                region=self.settings.region,
                target=self.settings.target,
            )
            self.proxies.append(server)
        elif (registry := getattr(target, "registry", None)) is not None:
            server = serve.RegistryServer(registry.answer)
        if server is not None:
            server.start()
            self.servers.append(server)
            self._process_endpoint = str(server.url)
        else:
            self._process_endpoint = (
                target.endpoint_url or f"https://api.ecr.{self.settings.region}.amazonaws.com"
            )
        return self._process_endpoint

    def preflight(self) -> None:
        """What would stop the run is found before any test (and before pytest-xdist's
        workers, whose start-up errors the controller would only report as an internal
        error): a baseline or report path that cannot be used, cassettes that cannot be
        replayed, an endpoint that cannot be reached or does not speak ECR."""
        from .conformance import BaselineError, load_baseline

        settings = self.settings
        cassettes: Any = None
        if self.engine is not None:
            from . import cassettes
        if settings.baseline:
            try:
                load_baseline(Path(settings.baseline))
            except BaselineError as exc:
                raise pytest.UsageError(f"pytest-ecr: --ecr-baseline: {exc}") from None
        for option, value in (
            ("--ecr-report-json", settings.report_json),
            ("--ecr-report-html", settings.report_html),
        ):
            if value:
                problem = _unwritable(Path(value))
                if problem:
                    raise pytest.UsageError(f"pytest-ecr: {option}: {value}: {problem}")
        if self.engine is not None and self.engine.replay_only:
            try:
                cassettes.read_index(self.engine.root)
            except cassettes.CassetteError as exc:
                raise pytest.UsageError(f"pytest-ecr: {exc}") from None
        if settings.reference is not None:
            from .jsonfiles import FileFormatError

            try:
                open_differ(settings)
            except FileFormatError as exc:  # ReferenceFileError is one
                raise pytest.UsageError(f"pytest-ecr: {exc}") from None
        if settings.target == "url":
            from .targets import TargetUnavailable

            try:
                self.target.start()
                speaks_ecr(self.target)
            except TargetUnavailable as exc:
                raise pytest.UsageError(f"pytest-ecr: {exc}") from None

    def keeps_heartbeat(self) -> bool:
        """Whether the run tells sweepers elsewhere it is alive: against a registry that
        outlives it, when nothing records or compares its calls."""
        live = self.settings.target in ("url", "aws")
        return live and self.engine is None and self.settings.reference is None

    def outcome_target(self) -> str:
        """The target whose outcomes (deviations, baselines) apply: for replay, the one the
        cassettes were recorded against."""
        if self.engine is not None and self.engine.replay_only:
            from .cassettes import CassetteError, read_index

            try:
                return str(read_index(self.engine.root)["target"])
            except CassetteError:
                return self.settings.target
        return outcome_name(self.settings.target, self.settings.enforce_model)

    def close(self) -> None:
        """Remove what is left, then stop the target. Failures are printed, never lost."""
        try:
            if self._made("ledger"):
                from .resources import CleanupError

                try:
                    self.ledger.close()
                except CleanupError as exc:
                    sys.stderr.write(f"\n{exc}\n")
        finally:
            for client in self.clients:
                client.close()
            if self.engine is not None and not self.engine.replay_only:
                self.engine.finish("session", complete=not self.interrupted)
                if self.engine.written:
                    self._write_index(self.engine)
            if self._guard is not None:
                self._guard.stop()
            remove_process_tap()
            for server in self.servers:
                server.stop()
            if self._made("target"):
                self.target.stop()


def _unwritable(path: Path) -> str | None:
    """Why a report cannot be written at ``path``, or ``None``."""
    if path.is_dir():
        return "is a directory; give a file name"
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"{parent} is not a directory"
    if not os.access(parent, os.W_OK):
        return f"{parent} cannot be written by this user"
    return None


def speaks_ecr(target: Target) -> None:
    """Ask the endpoint for an authorization token: an ECR endpoint answers in AWS JSON
    1.1 (a JSON object, the token or an error); a web server that is not one answers a
    page, and the run stops before 500 contracts read its pages as a very broken
    emulator. A broken answer (no answer, a 5xx, a cut JSON body) is not judged here:
    that is what the contracts are for."""
    from .targets import TargetUnavailable
    from .wire import Exchange, Subscriber, Tap

    answers: list[Exchange] = []

    class Keep(Subscriber):
        stage = "observe"

        def on_response(self, exchange: Exchange) -> None:
            answers.append(exchange)

    client: Any = target.service_client(
        "ecr", parameter_validation=False, retries={"mode": "standard", "total_max_attempts": 1}
    )
    Tap(client, [Keep()])
    sender = target.sender()
    if sender is not None:
        client.meta.events.register("before-send.ecr", sender)
    try:
        client.get_authorization_token()
    except Exception:  # judged by the answer, below
        pass
    finally:
        client.close()
    if not answers:
        return
    answer = answers[-1]
    data, _ = answer.json_body()
    content_type = (answer.header("content-type") or "").lower()
    if (answer.status or 500) >= 500 or isinstance(data, dict) or "json" in content_type:
        return
    got = f"HTTP {answer.status} {content_type or 'no content type'}: {answer.body[:80]!r}"
    raise TargetUnavailable(
        f"--ecr-endpoint-url: {target.endpoint_url} does not answer as an ECR endpoint "
        f"(AWS JSON 1.1) to GetAuthorizationToken: {got}"
    )


class Redirect:
    """Sends a call of a client the run did not make to the run's emulator (whatever
    endpoint that client was made for), through the target's own bounded sender."""

    def __init__(self, endpoint: str, sender: Any) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.sender = sender

    def __call__(self, request: Any) -> Any:
        path = urlsplit(request.url).path or "/"
        request.url = self.endpoint + path
        return self.sender(request)


def outcome_name(target: str, enforced: bool) -> str:
    """The name outcomes are kept under: a model-enforced moto answers differently from
    a plain one, so its known deviations and baselines are its own (``moto+enforced``)."""
    return f"{target}+enforced" if enforced else target


def open_differ(settings: EcrSettings) -> Differ:
    """The reference of ``--ecr-reference`` and the known deviations from it."""
    from .reference.differ import Differ
    from .reference.files import KnownDeviation, Reference, load_known_deviations

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
    return settings.run_id or "r" + secrets.token_hex(4)


def worker_of(config: pytest.Config) -> str:
    """The pytest-xdist worker this process is (``gw0``, ...), or ``main``: from the
    worker's own input, never from the environment, which child processes inherit."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    return str(workerinput.get("workerid", "main")) if workerinput else "main"


def registry_key(run: EcrRun, registry_id: str | None = None) -> str:
    """What identifies the registry a run changes: a moto or moto server the run started
    is its own; an endpoint or AWS Region is shared by every run that points at it,
    however it is spelt (``localhost`` and ``127.0.0.1`` are one address), with the
    account the registry answers as (``registry_id``) and the Region."""
    settings = run.settings
    if settings.target not in ("url", "aws"):
        return f"run-{run.run_id}"
    account = getattr(run.target, "account", None) or registry_id
    return shared_registry_key(settings, account)


def shared_registry_key(settings: EcrSettings, account: str | None) -> str:
    """The key of a registry that outlives runs (an endpoint, or AWS in a Region)."""
    where = "aws" if settings.target == "aws" else _address(settings.endpoint_url or "")
    shared = f"{where} {account or ''} {settings.region}"
    return "registry-" + hashlib.sha256(shared.encode()).hexdigest()[:16]


def registry_lock_dir(key: str) -> Path:
    """Where a registry's setting locks and journal live (shared by runs on this machine)."""
    return Path(tempfile.gettempdir()) / f"pytest-ecr-{key}"


def _address(url: str) -> str:
    """An endpoint as the address it reaches: scheme, resolved host, port."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = parts.hostname or ""
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(host, port)}
    except OSError:
        found = {host}
    if found and all(_is_loopback(a) for a in found):
        found = {"loopback"}
    return f"{parts.scheme}://{','.join(sorted(found))}:{port}"


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False
