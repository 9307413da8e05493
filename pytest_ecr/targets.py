"""Where ECR requests go: in-process moto, a moto server, any endpoint, or real AWS.

This is the one module that imports moto; moto is an optional extra and is
imported only when a moto target starts.
"""

from __future__ import annotations

import select
import socket
import subprocess
import sys
from abc import ABC, abstractmethod
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore import xform_name
from botocore.client import BaseClient
from botocore.config import Config

from .settings import EcrSettings
from .wire import UNSUPPORTED_CODES, UNSUPPORTED_STATUSES, Exchange, Subscriber, Tap, error_code

#: Static credentials for emulators, so that no credential lookup (environment,
#: instance metadata, STS) ever runs or gets recorded against one.
FAKE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

_MOTO_MISSING = "the {target} target needs moto with its server: pip install 'pytest-ecr[moto]'"


class TargetUnavailable(RuntimeError):
    """A target that cannot be started or reached; the message says why and which option."""


class Target(ABC):
    """A place that answers ECR requests."""

    name: str

    def __init__(self, settings: EcrSettings) -> None:
        self.settings = settings
        self.region = settings.region
        self._started = False
        #: The run's subscribers to every client this target makes (cassettes, reference).
        self.subscribers: list[Subscriber] = []
        #: Attempts per request; cassettes record one attempt, never a retried one.
        self.max_attempts = settings.max_attempts

    @property
    def endpoint_url(self) -> str | None:
        return None

    def start(self) -> None:
        if not self._started:
            self._start()
            self._started = True

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._stop()

    @abstractmethod
    def _start(self) -> None: ...

    def _stop(self) -> None:
        return None

    def credentials(self) -> dict[str, str]:
        return dict(FAKE_CREDENTIALS)

    def implements(self, operation: str) -> bool | None:
        """Whether the target implements ``operation``; ``None`` when it cannot tell."""
        return None

    def describe(self) -> str:
        return f"{self.name} ({self.endpoint_url or 'in-process'}, {self.region})"

    def client(self, *, parameter_validation: bool = True, **config: Any) -> BaseClient:
        """A boto3 ECR client for this target."""
        client = self.service_client("ecr", parameter_validation=parameter_validation, **config)
        Tap(client, self.subscribers)
        sender = self.sender()
        if isinstance(self, MotoTarget):
            # Before botocore's built-in handlers (moto's stubber, when a user's mock_aws is
            # active): the run's clients are always answered by the run's registry.
            client.meta.events.register_first("before-send.ecr", sender)
        elif sender is not None:
            # After the tap: a replayed answer never reaches the network.
            client.meta.events.register("before-send.ecr", sender)
        return client

    def sender(self) -> Any:
        """The bounded HTTP sender of a target the plugin talks HTTP to (see
        :mod:`pytest_ecr.transport`); ``None`` where botocore sends (AWS, in-process)."""
        return None

    def session(self) -> Any:
        """The boto3 session clients of this target come from."""
        return boto3.session.Session()

    def service_client(self, service: str, **config: Any) -> BaseClient:
        """A client of ``service`` resolved as the target's ECR clients are: the same
        session, credentials, Region, endpoint resolution, retries and timeouts."""
        kwargs: dict[str, Any] = dict(self.credentials())
        endpoint = self.endpoint_url
        if endpoint and service == "ecr":
            kwargs["endpoint_url"] = endpoint
        settings = self.settings
        options: dict[str, Any] = {
            "region_name": self.region,
            "retries": {"mode": "standard", "total_max_attempts": self.max_attempts},
            "connect_timeout": settings.connect_timeout,
            "read_timeout": settings.read_timeout,
            # Only our own endpoint counts: AWS_ENDPOINT_URL* in the environment, or an
            # endpoint_url in the profile, must not send requests elsewhere.
            "ignore_configured_endpoint_urls": True,
            **config,
        }
        client: BaseClient = self.session().client(service, config=Config(**options), **kwargs)
        return client


def _moto_implements(operation: str) -> bool:
    """Whether the installed moto implements ``operation``: a handler that only raises
    ``NotImplementedError`` (moto 5.2.5's GetDownloadUrlForLayer) does not count."""
    from .enforcement import moto_unsupported

    return operation not in moto_unsupported()


def _speaks_json(answer: Exchange) -> bool:
    """An answer in the protocol's form that is no "unknown operation" answer."""
    data, _ = answer.json_body()
    if not isinstance(data, dict) or answer.status in UNSUPPORTED_STATUSES:
        return False
    return error_code(str(data.get("__type") or "")) not in UNSUPPORTED_CODES


class _SupportTracker(Subscriber):
    """Learns from every answer of the run which operations a url target implements."""

    stage = "observe"

    def __init__(self, support: dict[str, bool]) -> None:
        self.support = support

    def on_response(self, exchange: Exchange) -> None:
        if exchange.answered_by is None and _speaks_json(exchange):
            self.support[exchange.operation] = True


class _Recorder(Subscriber):
    stage = "observe"

    def __init__(self, into: list[Exchange]) -> None:
        self.into = into

    def on_response(self, exchange: Exchange) -> None:
        self.into.append(exchange)


class MotoTarget(Target):
    """moto's ECR in this process, with state of the run's own: no server, no network,
    and no mock of moto's held open (see :mod:`pytest_ecr.inprocess`)."""

    name = "moto"

    def __init__(self, settings: EcrSettings) -> None:
        super().__init__(settings)
        self.registry: Any = None

    def _start(self) -> None:
        try:
            import moto  # noqa: F401
        except ImportError:
            raise TargetUnavailable(_MOTO_MISSING.format(target=self.name)) from None
        from .inprocess import PrivateRegistry, install_route

        enforcer = None
        if self.settings.enforce_model:
            from .enforcement import Enforcer

            enforcer = Enforcer()
        self.registry = PrivateRegistry(enforcer)
        install_route()

    def _stop(self) -> None:
        from .inprocess import remove_route

        remove_route()
        self.registry = None

    def sender(self) -> Any:
        return self.registry

    def activate(self) -> None:
        """Answer every ECR client of the process (while a test that uses ECR runs)."""
        if self.registry is not None:
            self.registry.activate()

    def deactivate(self) -> None:
        if self.registry is not None:
            self.registry.deactivate()

    def implements(self, operation: str) -> bool | None:
        return _moto_implements(operation)


class _HttpTarget(Target):
    """A target reached over plain HTTP(S) that the plugin does not trust to behave: its
    answers are read within bounds (:mod:`pytest_ecr.transport`)."""

    _sender: Any = None

    def sender(self) -> Any:
        if self._sender is None:
            from .transport import BoundedSender

            self._sender = BoundedSender(self.settings.connect_timeout, self.settings.read_timeout)
        return self._sender


class MotoServerTarget(_HttpTarget):
    """A moto server on 127.0.0.1 with a port the OS chooses, in a process of its own (see
    :mod:`pytest_ecr.motoserver`), for the run."""

    name = "moto-server"

    def __init__(self, settings: EcrSettings) -> None:
        super().__init__(settings)
        self._server: Any = None
        self._url: str | None = None

    @property
    def endpoint_url(self) -> str | None:
        return self._url

    def _start(self) -> None:
        try:
            import moto.server  # noqa: F401
        except ImportError:
            raise TargetUnavailable(_MOTO_MISSING.format(target=self.name)) from None
        command = [sys.executable, "-m", "pytest_ecr.motoserver"]
        if self.settings.enforce_model:
            command.append("--enforce")
        self._server = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        ready, _, _ = select.select([self._server.stdout], [], [], 60)
        line = self._server.stdout.readline() if ready and self._server.stdout else ""
        if not line.strip():
            self._stop()
            raise TargetUnavailable("moto-server: the moto server did not start within 60 s")
        host, port = line.split()
        self._url = f"http://{host}:{port}"

    def _stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            if server.stdin is not None:
                server.stdin.close()  # the server stops when its input closes
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            if server.stdout is not None:
                server.stdout.close()

    def implements(self, operation: str) -> bool | None:
        return _moto_implements(operation)


class UrlTarget(_HttpTarget):
    """Any running ECR-compatible endpoint (LocalStack, ministack, ...).

    Whether it implements an operation is a property of the operation, established once:
    an answer in the protocol's form (JSON, whatever the status) says it does; an answer
    of the "unknown operation" kind says it does not; a bare 5xx page says nothing, and
    then a probe (the operation with an empty request) asks.
    """

    name = "url"

    def __init__(self, settings: EcrSettings) -> None:
        super().__init__(settings)
        self._support: dict[str, bool] = {}
        self.subscribers.append(_SupportTracker(self._support))

    def implements(self, operation: str) -> bool | None:
        return self._support.get(operation)

    def probe(self, operation: str) -> bool:
        """Ask the endpoint whether it knows ``operation``: an empty request answered in
        JSON (a validation error, say) means yes; a bare 5xx page or an unknown-operation
        error means no. Remembered for the rest of the run."""
        if operation in self._support:
            return self._support[operation]
        from botocore.exceptions import BotoCoreError, ClientError

        options: dict[str, Any] = {
            "region_name": self.region,
            "retries": {"mode": "standard", "total_max_attempts": 1},
            "connect_timeout": self.settings.connect_timeout,
            "read_timeout": self.settings.read_timeout,
            "parameter_validation": False,
            "ignore_configured_endpoint_urls": True,
        }
        probe = boto3.session.Session().client(
            "ecr", endpoint_url=self.endpoint_url, config=Config(**options), **self.credentials()
        )
        answered: list[Exchange] = []
        Tap(probe, [_Recorder(answered)])
        try:
            getattr(probe, xform_name(operation))()
        except (ClientError, BotoCoreError):
            pass
        finally:
            probe.close()
        known = bool(answered) and _speaks_json(answered[-1])
        self._support[operation] = known
        return known

    @property
    def endpoint_url(self) -> str | None:
        return self.settings.endpoint_url

    def _start(self) -> None:
        url = self.settings.endpoint_url
        assert url is not None  # resolve_settings guarantees it
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            with socket.create_connection((host, port), timeout=self.settings.connect_timeout):
                pass
        except OSError as exc:
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise TargetUnavailable(
                f"--ecr-endpoint-url: cannot reach {url} ({reason}); is the emulator running?"
            ) from None


class ReplayTarget(Target):
    """Recorded cassettes, with the network blocked (see :mod:`pytest_ecr.cassettes`)."""

    name = "replay"
    ENDPOINT = "https://replay.pytest-ecr.invalid"

    def __init__(self, settings: EcrSettings) -> None:
        super().__init__(settings)
        #: The target the cassettes were recorded against, and what it implemented (set
        #: from the cassettes' index).
        self.recorded_against: str | None = None
        self.recorded_implements: dict[str, bool | None] = {}

    def implements(self, operation: str) -> bool | None:
        return self.recorded_implements.get(operation)

    @property
    def endpoint_url(self) -> str | None:
        return self.ENDPOINT

    def _start(self) -> None:
        return None

    def describe(self) -> str:
        return f"replay (cassettes recorded against {self.recorded_against or '?'})"


class AwsTarget(Target):
    """Real AWS with the standard credential chain (opt-in)."""

    name = "aws"

    def __init__(self, settings: EcrSettings) -> None:
        super().__init__(settings)
        #: Who the credentials are (STS GetCallerIdentity), known once started.
        self.account: str | None = None
        self.identity_arn: str | None = None
        #: Where the identity check and the ECR requests went.
        self.endpoints: dict[str, str] = {}
        self._session: Any = None

    def session(self) -> Any:
        """One session for the whole run: the identity check and every ECR client use the
        same credentials."""
        if self._session is None:
            self._session = boto3.session.Session()
        return self._session

    def _start(self) -> None:
        session = self.session()
        if session.get_credentials() is None:
            raise TargetUnavailable(
                "--ecr-target=aws: no AWS credentials found in the standard chain "
                "(environment, shared files, SSO, instance metadata)"
            )
        # STS GetCallerIdentity needs no permissions ("No permissions are required to
        # perform this operation", the STS API reference), so it works for any identity.
        # It is asked through the same session, endpoint resolution (configured endpoint
        # URLs ignored, as the ECR clients ignore them) and Region as ECR.
        sts: Any = self.service_client("sts")
        ecr = self.service_client("ecr")
        endpoints = {"STS": str(sts.meta.endpoint_url), "ECR": str(ecr.meta.endpoint_url)}
        ecr.close()
        foreign = {name: url for name, url in endpoints.items() if not _is_aws(url)}
        partitions = {_partition(url) for url in endpoints.values()}
        if foreign or len(partitions) != 1:
            sts.close()
            raise TargetUnavailable(
                "--ecr-target=aws: the identity check and the ECR requests would not go to "
                f"the same AWS (STS {endpoints['STS']}, ECR {endpoints['ECR']}); "
                "nothing was sent to ECR"
            )
        self.endpoints = endpoints
        try:
            identity = sts.get_caller_identity()
        except Exception as exc:
            raise TargetUnavailable(
                f"--ecr-target=aws: cannot tell which AWS account the credentials belong to "
                f"(STS GetCallerIdentity: {exc}); nothing was sent to ECR"
            ) from None
        finally:
            sts.close()
        self.account = str(identity.get("Account") or "")
        self.identity_arn = str(identity.get("Arn") or "")
        allowed = self.settings.aws_accounts
        if allowed and self.account not in allowed:
            raise TargetUnavailable(
                f"--ecr-aws-account: the credentials belong to AWS account {self.account} "
                f"({self.identity_arn}), which is not in the allowed list "
                f"{', '.join(allowed)}; nothing was sent to ECR"
            )

    def credentials(self) -> dict[str, str]:
        return {}

    def describe(self) -> str:
        return f"aws (real AWS account {self.account or '?'}, {self.region})"

    def announcement(self) -> str:
        """The first line of a run against AWS: whose account, which Region, what it does."""
        registry = (
            "registry-wide settings may change and are restored"
            if self.settings.allow_registry_changes
            else "registry-wide settings are left alone"
        )
        return (
            f"pytest-ecr: REAL AWS: account {self.account} ({self.identity_arn}), region "
            f"{self.region}; test repositories are created and deleted under "
            f"{self.settings.name_prefix}/, {registry}"
        )


#: AWS's own service endpoints, by partition (botocore's endpoint rules: amazonaws.com,
#: amazonaws.com.cn, and the GovCloud and ISO partitions' domains).
_AWS_DOMAINS = {
    "aws": ("amazonaws.com", "api.aws"),
    "aws-cn": ("amazonaws.com.cn", "amazonwebservices.com.cn"),
    "aws-iso": ("c2s.ic.gov",),
    "aws-iso-b": ("sc2s.sgov.gov",),
}


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _partition(url: str) -> str | None:
    host = _host(url)
    matches = [
        (len(domain), partition)
        for partition, domains in _AWS_DOMAINS.items()
        for domain in domains
        if host == domain or host.endswith("." + domain)
    ]
    return max(matches)[1] if matches else None


def _is_aws(url: str) -> bool:
    """Whether an endpoint is one of AWS's own, over HTTPS."""
    return urlsplit(url).scheme == "https" and _partition(url) is not None


_TARGETS: dict[str, type[Target]] = {
    "moto": MotoTarget,
    "moto-server": MotoServerTarget,
    "url": UrlTarget,
    "aws": AwsTarget,
    "replay": ReplayTarget,
}


def make_target(settings: EcrSettings) -> Target:
    return _TARGETS[settings.target](settings)
