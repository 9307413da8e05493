"""Safety promises: registry settings after a kill, the sweeper's limits, teardown errors,
retries of CreateRepository, and registry identity for locks."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pytest_ecr.resources import MARKER_TAG, Ledger, Namer, RepositoryFactory
from pytest_ecr.run import EcrRun, registry_key
from pytest_ecr.settings import EcrSettings
from pytest_ecr.sweeper import HEARTBEAT_TAG, sweep

from .conftest import client_of

ROOT = Path(__file__).resolve().parent.parent

# -- registry-wide settings after a kill ------------------------------------------------

HOLDS_A_CHANGE = """
import json, pathlib, time

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "killed",
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
    "Action": ["ecr:ReplicateImage"],
    "Resource": "arn:aws:ecr:us-east-1:123456789012:repository/*"}]})

def test_changes_and_holds(ecr_client, ecr_registry):
    with ecr_registry.changing("registry-policy"):
        ecr_client.put_registry_policy(policyText=POLICY)
        pathlib.Path("ready").write_text("ready")
        time.sleep(120)

def test_later_run(ecr_registry):
    pass
"""


def _run_until_ready(path: Path, endpoint: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-k",
            "changes_and_holds",
            f"--ecr-endpoint-url={endpoint}",
        ],
        cwd=path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not (path / "ready").exists():
        assert proc.poll() is None, proc.communicate()[0].decode()
        assert time.monotonic() < deadline, "the run never got to its change"
        time.sleep(0.05)
    return proc


@pytest.mark.slow
@pytest.mark.parametrize("restorer", ["next run", "sweep"])
def test_a_setting_a_killed_run_changed_is_restored(
    pytester: pytest.Pytester, own_moto_server: str, restorer: str
) -> None:
    """SIGKILL in the middle of a registry-wide change leaves the change and its journal
    entry; the next run against the registry, or ``pytest-ecr sweep``, puts the recorded
    value back and says so."""
    client = client_of(own_moto_server)
    before = _registry_policy(client)  # moto's servers in one process share their data
    pytester.makepyfile(test_user=HOLDS_A_CHANGE)
    proc = _run_until_ready(pytester.path, own_moto_server)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert "killed" in client.get_registry_policy()["policyText"]  # left changed

    if restorer == "next run":
        result = pytester.runpytest_subprocess(
            "-k", "later_run", f"--ecr-endpoint-url={own_moto_server}", "-p", "no:randomly"
        )
        output = result.stdout.str()
    else:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest_ecr.cli",
                "sweep",
                f"--ecr-endpoint-url={own_moto_server}",
                "--older-than=0",
                "--ignore-heartbeats",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        output = done.stdout
    assert "restored the registry's registry-policy, left changed by run" in output
    assert _registry_policy(client) == before


def _registry_policy(client: Any) -> str | None:
    try:
        return str(client.get_registry_policy()["policyText"])
    except client.exceptions.RegistryPolicyNotFoundException:
        return None


# -- a teardown error is never a known deviation -----------------------------------------

DEVIATING_WITH_A_BAD_TEARDOWN = """
import pytest

@pytest.fixture
def leaves_something():
    yield
    raise RuntimeError("could not remove what the test made")

@pytest.mark.ecr_contract("DescribeRepositories", "behavior", tier="model", source="m")
def test_known(ecr_contract, leaves_something):
    assert False, "the listed failure"
"""


def test_a_teardown_error_of_a_listed_test_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=DEVIATING_WITH_A_BAD_TEARDOWN)
    pytester.makefile(
        ".json",
        deviations='{"format": "pytest-ecr-deviations", "version": 1, "deviations": ['
        '{"targets": ["moto"], "test": "test_user.py::test_known", "reason": "listed",'
        ' "expect": [{"raises": "AssertionError", "match": "the listed failure"}]}]}',
    )
    result = pytester.runpytest_subprocess("--ecr-deviations=deviations.json")
    assert result.parseoutcomes() == {"xfailed": 1, "errors": 1}
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_known*", "*could not remove*"])


# -- the sweeper --------------------------------------------------------------------------


class _Registry:
    """Just enough of an ECR client for :func:`sweep`: repositories with tags."""

    class exceptions:
        RepositoryNotFoundException = type("RepositoryNotFoundException", (Exception,), {})

    def __init__(self, repos: dict[str, dict[str, str]], fail: set[str] = frozenset()) -> None:
        self.repos = repos
        self.fail = set(fail)
        self.deleted: list[str] = []
        self.created = datetime.now(timezone.utc) - timedelta(hours=5)

    def get_paginator(self, _: str) -> Any:
        listed = [
            {
                "repositoryName": name,
                "repositoryArn": f"arn:{name}",
                "registryId": "123456789012",
                "createdAt": self.created,
            }
            for name in self.repos
        ]
        return type("P", (), {"paginate": lambda self: [{"repositories": listed}]})()

    def list_tags_for_resource(self, resourceArn: str) -> dict[str, Any]:
        tags = self.repos[resourceArn.removeprefix("arn:")]
        return {"tags": [{"Key": k, "Value": v} for k, v in tags.items()]}

    def delete_repository(self, repositoryName: str, **_: Any) -> None:
        if repositoryName in self.fail:
            raise RuntimeError("AccessDenied")
        self.deleted.append(repositoryName)


def test_sweep_takes_only_the_run_it_is_given() -> None:
    registry = _Registry({"p/ra/main/x-0": {MARKER_TAG: "ra"}, "p/rb/main/y-0": {MARKER_TAG: "rb"}})
    found = sweep(registry, prefix="p", run_id="rb")
    assert [leftover.name for leftover in found] == ["p/rb/main/y-0"]
    assert registry.deleted == ["p/rb/main/y-0"]


def test_a_failed_delete_does_not_stop_the_sweep() -> None:
    repos = {f"p/ra/main/r-{n}": {MARKER_TAG: "ra"} for n in range(3)}
    registry = _Registry(repos, fail={"p/ra/main/r-1"})
    found = sweep(registry, prefix="p")
    assert registry.deleted == ["p/ra/main/r-0", "p/ra/main/r-2"]
    (failed,) = [leftover for leftover in found if leftover.problem]
    assert failed.name == "p/ra/main/r-1"
    assert "AccessDenied" in failed.problem


def test_a_run_with_a_fresh_heartbeat_is_spared() -> None:
    now = str(int(time.time()))
    registry = _Registry(
        {
            "p/ra/main/heartbeat": {MARKER_TAG: "ra", HEARTBEAT_TAG: now},
            "p/ra/main/x-0": {MARKER_TAG: "ra"},
            "p/rb/main/heartbeat": {MARKER_TAG: "rb", HEARTBEAT_TAG: "1000"},
            "p/rb/main/y-0": {MARKER_TAG: "rb"},
        }
    )
    found = sweep(registry, prefix="p", older_than=3600)
    assert {leftover.run_id for leftover in found} == {"rb"}
    assert {
        leftover.run_id for leftover in sweep(registry, prefix="p", ignore_heartbeats=True)
    } == {
        "ra",
        "rb",
    }


@pytest.mark.parametrize("value", [float("nan"), -1.0, float("inf")])
def test_sweep_refuses_an_age_that_is_no_age(value: float) -> None:
    with pytest.raises(ValueError, match="older_than"):
        sweep(_Registry({}), prefix="p", older_than=value)


@pytest.mark.parametrize("value", ["nan", "-5", "inf", "soon"])
def test_sweep_command_refuses_an_age_that_is_no_age(value: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_ecr.cli",
            "sweep",
            "--ecr-endpoint-url=http://127.0.0.1:9",
            f"--older-than={value}",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "--older-than" in result.stderr
    assert "Traceback" not in result.stderr


# -- CreateRepository under retries -------------------------------------------------------


class _Retried:
    """A registry whose CreateRepository succeeded once already (the answer was lost)."""

    def __init__(self, owner: str) -> None:
        self.owner = owner

    def create_repository(self, **params: Any) -> Any:
        error = {"Error": {"Code": "RepositoryAlreadyExistsException", "Message": "exists"}}
        raise ClientError(error, "CreateRepository")

    def describe_repositories(self, repositoryNames: list[str]) -> Any:
        name = repositoryNames[0]
        return {
            "repositories": [
                {
                    "repositoryName": name,
                    "repositoryArn": f"arn:aws:ecr:us-east-1:123456789012:repository/{name}",
                    "repositoryUri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}",
                    "registryId": "123456789012",
                }
            ]
        }

    def list_tags_for_resource(self, resourceArn: str) -> Any:
        return {"tags": [{"Key": MARKER_TAG, "Value": self.owner}]}


def test_a_retried_create_of_our_own_name_is_our_repository() -> None:
    namer = Namer(prefix="p", run_id="rmine")
    factory = RepositoryFactory(_Retried("rmine"), namer, Ledger(), "us-east-1")  # type: ignore[arg-type]
    repository = factory.create("retried")
    assert repository.name.startswith("p/rmine/main/retried-")


def test_a_name_someone_else_holds_is_still_an_error() -> None:
    namer = Namer(prefix="p", run_id="rmine")
    factory = RepositoryFactory(_Retried("rother"), namer, Ledger(), "us-east-1")  # type: ignore[arg-type]
    with pytest.raises(ClientError, match="RepositoryAlreadyExists"):
        factory.create("retried")


# -- one registry, however it is spelt ---------------------------------------------------


def test_localhost_and_its_address_are_one_registry(tmp_path: Path) -> None:
    def key(url: str) -> str:
        return registry_key(EcrRun(EcrSettings(target="url", endpoint_url=url), "r1", tmp_path))

    assert key("http://localhost:4566") == key("http://127.0.0.1:4566")
    assert key("http://localhost:4566") != key("http://127.0.0.1:4567")
    run = EcrRun(EcrSettings(target="url", endpoint_url="http://127.0.0.1:4566"), "r1", tmp_path)
    assert registry_key(run, "111111111111") != registry_key(run, "222222222222")


# -- recording ----------------------------------------------------------------------------

LEAKY_FIRST_CALLS = """
import pytest

def test_first_calls_carry_the_account(ecr_client):
    # Before any answer with a registryId: the token's proxyEndpoint, an error message.
    ecr_client.get_authorization_token()
    with pytest.raises(ecr_client.exceptions.RepositoryNotFoundException):
        ecr_client.describe_repositories(repositoryNames=["pytest-ecr/no-such-repository"])
"""


def test_the_account_is_scrubbed_from_the_first_answer(
    pytester: pytest.Pytester, own_moto_server: str
) -> None:
    """--ecr-scrub-account-id knows the account before the first request, so the first
    answers (GetAuthorizationToken's proxyEndpoint, an error message) never carry it."""
    account = client_of(own_moto_server).describe_registry()["registryId"]
    pytester.makepyfile(test_user=LEAKY_FIRST_CALLS)
    result = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={own_moto_server}",
        "--ecr-record-mode=all",
        "--ecr-cassette-dir=cassettes",
        "--ecr-scrub-account-id",
        "-p",
        "no:randomly",
    )
    result.assert_outcomes(passed=1)
    written = list((pytester.path / "cassettes").rglob("*.yaml"))
    assert written
    for path in written:
        text = path.read_text()
        assert account not in text, path
    assert "000000000000.dkr.ecr" in "".join(p.read_text() for p in written)


RECORDED_THREE_CALLS = """
import os

def test_three_calls(ecr_client):
    ecr_client.describe_registry()
    if os.environ.get("FAIL_EARLY"):
        raise AssertionError("failed after one call")
    ecr_client.describe_repositories()
    ecr_client.get_registry_scanning_configuration()
"""


def test_a_failed_recording_never_replaces_a_good_cassette(
    pytester: pytest.Pytester, own_moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test that fails part-way records only the calls before its failure: that never
    replaces the complete cassette of an earlier recording, and a run that writes no
    cassette leaves the index as it was."""
    pytester.makepyfile(test_user=RECORDED_THREE_CALLS)
    args = [
        f"--ecr-endpoint-url={own_moto_server}",
        "--ecr-cassette-dir=cassettes",
        "-p",
        "no:randomly",
    ]
    pytester.runpytest_subprocess(*args, "--ecr-record-mode=all").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_user" / "test_three_calls.yaml"
    index = pytester.path / "cassettes" / "cassettes.json"
    complete, recorded_index = cassette.read_text(), index.read_text()
    assert complete.count('"X-Amz-Target"') == 3

    monkeypatch.setenv("FAIL_EARLY", "1")
    result = pytester.runpytest_subprocess(*args, "--ecr-record-mode=all")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*kept as it was*did not finish cleanly*"])
    assert cassette.read_text() == complete

    monkeypatch.delenv("FAIL_EARLY")
    # A `once` run that records nothing (against another target, even) keeps the index:
    # replay goes on classifying answers by what the recorded target implements.
    once = pytester.runpytest_subprocess(
        "--ecr-target=moto-server",
        "--ecr-cassette-dir=cassettes",
        "--ecr-record-mode=once",
        "-p",
        "no:randomly",
    )
    once.assert_outcomes(passed=1)
    assert index.read_text() == recorded_index


# -- readers of a registry-wide setting take its lock -----------------------------------

HOLDS_A_BROKEN_SCANNING_CONFIGURATION = """
import pathlib, time

import boto3
from botocore.config import Config

def test_holds(ecr_registry, ecr_target):
    client = boto3.client(
        "ecr", endpoint_url=ecr_target.endpoint_url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(parameter_validation=False),
    )
    with ecr_registry.changing("scanning"):
        client.put_registry_scanning_configuration(scanType="NOT_A_MODELED_VALUE", rules=[])
        pathlib.Path("ready").write_text("ready")
        deadline = time.monotonic() + 120
        while not pathlib.Path("release").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
"""


@pytest.mark.slow
def test_a_reader_of_a_registry_setting_waits_for_the_run_changing_it(
    pytester: pytest.Pytester, own_moto_server: str
) -> None:
    """Issue 18.6: GetRegistryScanningConfiguration's contract read the setting while
    another worker held it changed (to a value no registry should answer), and failed.
    Here one run holds the scanning configuration changed; a second run's reader
    contract must wait for the lock, and then see the restored setting."""
    pytester.makepyfile(test_holder=HOLDS_A_BROKEN_SCANNING_CONFIGURATION)
    endpoint = f"--ecr-endpoint-url={own_moto_server}"
    base = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly"]
    holder = subprocess.Popen(
        [*base, "test_holder.py", endpoint],
        cwd=pytester.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    reader: subprocess.Popen[bytes] | None = None
    try:
        deadline = time.monotonic() + 60
        while not (pytester.path / "ready").exists():
            assert holder.poll() is None, holder.communicate()[0].decode()
            assert time.monotonic() < deadline, "the holder never changed the setting"
            time.sleep(0.05)
        contract = (
            ROOT / "contracts" / "test_get_registry_scanning_configuration.py"
        ).as_posix() + "::test_configuration_of_the_registry"
        reader = subprocess.Popen(
            [*base, "-v", contract, endpoint, "--ecr-run-id=reader"],
            cwd=pytester.path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert reader.stdout is not None
        seen = b""
        while b"test_configuration_of_the_registry" not in seen:
            byte = reader.stdout.read(1)
            assert byte, seen.decode()
            seen += byte
        time.sleep(3)  # the reader is in its test now, and must be waiting
        assert reader.poll() is None, (seen + reader.communicate()[0]).decode()
    finally:
        (pytester.path / "release").write_text("release")
        holder.communicate(timeout=120)
    out = seen + reader.communicate(timeout=120)[0]
    assert holder.returncode == 0
    assert reader.returncode == 0, out.decode()
    assert b"1 passed" in out
