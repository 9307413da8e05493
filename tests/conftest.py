"""Helpers for the plugin's own tests."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from pytest_ecr.contract import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.targets import Target
from pytest_ecr.wire import RawBody

Answer = tuple[int, dict[str, str], bytes]


class CannedTarget(Target):
    """A target whose answers are written by the test, through botocore's before-send."""

    name = "canned"

    def __init__(self, implemented: bool | None = None) -> None:
        super().__init__(
            EcrSettings(target="url", endpoint_url="http://canned.invalid", max_attempts=1)
        )
        self.answer: Callable[[str, Any], Answer] = lambda op, body: ok({})
        self._implemented = implemented

    @property
    def endpoint_url(self) -> str | None:
        return "http://canned.invalid"

    def _start(self) -> None:
        return None

    def implements(self, operation: str) -> bool | None:
        return self._implemented

    def _respond(self, request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().split(".", 1)[1]
        body = json.loads(request.body) if request.body else {}
        status, headers, raw = self.answer(operation, body)
        return AWSResponse(request.url, status, headers, RawBody(raw))


def ok(data: Any, *, headers: dict[str, str] | None = None) -> Answer:
    base = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-1"}
    return 200, {**base, **(headers or {})}, json.dumps(data).encode()


def error(code: str, status: int = 400, message: str = "it went wrong", **extra: Any) -> Answer:
    base = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "req-1"}
    body = {"__type": code, "message": message, **extra}
    return status, base, json.dumps(body).encode()


@pytest.fixture
def canned() -> Iterator[tuple[CannedTarget, ContractClient]]:
    """A contract client whose target answers what ``target.answer`` returns."""
    target = CannedTarget()
    client = target.client(parameter_validation=False)
    client.meta.events.register("before-send.ecr", target._respond)
    contract = ContractClient(client, target)
    yield target, contract
    contract.close()
    client.close()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server for tests that run pytest-ecr against an outside endpoint."""
    from pytest_ecr.targets import MotoServerTarget

    server = MotoServerTarget(EcrSettings(target="moto-server"))
    server.start()
    assert server.endpoint_url is not None
    yield server.endpoint_url
    server.stop()


@pytest.fixture
def own_moto_server() -> Iterator[str]:
    """A moto server of the test's own, for tests whose runs change registry-wide state
    (the shared :func:`moto_server` must stay as every test found it)."""
    from pytest_ecr.targets import MotoServerTarget

    server = MotoServerTarget(EcrSettings(target="moto-server"))
    server.start()
    assert server.endpoint_url is not None
    yield server.endpoint_url
    server.stop()


def client_of(endpoint: str) -> Any:
    """A plain client of an endpoint, for looking at what a run left behind."""
    import boto3

    return boto3.client(
        "ecr",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def moto_server_client(moto_server: str) -> Any:
    """A plain client of :func:`moto_server`, for looking at what a run left behind."""
    return client_of(moto_server)


@pytest.fixture(autouse=True)
def _no_xdist_identity_for_children(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs a test starts (pytester, subprocesses) are not xdist workers of this run,
    whatever the environment they inherit says."""
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID"):
        monkeypatch.delenv(name, raising=False)


def repositories_under(client: Any, prefix: str) -> list[str]:
    names = []
    for page in client.get_paginator("describe_repositories").paginate():
        names += [r["repositoryName"] for r in page["repositories"]]
    return sorted(n for n in names if n.startswith(prefix + "/"))


@pytest.fixture(scope="session")
def aws_cli(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The AWS CLI (awscli, pip-installed into a venv of its own), cached in pytest's cache
    directory across sessions; tried once per session, and the test skips saying why when
    it cannot be installed. Workers of one run (-n) install it once, under a lock."""
    cache = getattr(request.config, "cache", None)
    home = cache.mkdir("pytest-ecr-awscli") if cache is not None else tmp_path_factory.mktemp("aws")
    venv, ready = home / "venv", home / "ready"
    python = venv / "bin" / "python"
    with (home / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ready.exists():
            shutil.rmtree(venv, ignore_errors=True)
            steps = [
                [sys.executable, "-m", "venv", str(venv)],
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "-q",
                    "--disable-pip-version-check",
                    "--retries",
                    "1",
                    "--timeout",
                    "20",
                    "awscli",
                ],
            ]
            for step in steps:
                try:
                    done = subprocess.run(step, capture_output=True, text=True, timeout=600)
                except subprocess.TimeoutExpired:
                    pytest.skip("the AWS CLI could not be pip-installed: pip took over 10 minutes")
                if done.returncode != 0:
                    why = (done.stderr.strip().splitlines() or ["no output"])[-1]
                    pytest.skip(f"the AWS CLI could not be pip-installed into a venv: {why}")
            ready.write_text("awscli\n")
    return [str(python), "-m", "awscli"]
