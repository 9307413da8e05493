"""The fixtures as a downstream project uses them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import repositories_under

ROUND_TRIP = """
import hashlib
import re

import pytest

NAME = re.compile(r"[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*")


@pytest.mark.ecr_image(tags=["v1", "v2"], layers=3, layer_size=2048)
def test_pushed_image_round_trips(ecr_client, ecr_image):
    repo = ecr_image.repository
    got = ecr_client.batch_get_image(
        repositoryName=repo.name, imageIds=[{"imageDigest": ecr_image.digest}]
    )
    assert got["failures"] == []
    assert {i["imageManifest"] for i in got["images"]} == {ecr_image.manifest}
    assert {i["imageId"]["imageDigest"] for i in got["images"]} == {ecr_image.digest}
    assert "sha256:" + hashlib.sha256(ecr_image.manifest.encode()).hexdigest() == ecr_image.digest
    for digest, data in ecr_image.blobs.items():
        assert "sha256:" + hashlib.sha256(data).hexdigest() == digest
    layers = ecr_client.batch_check_layer_availability(
        repositoryName=repo.name, layerDigests=list(ecr_image.layer_digests)
    )["layers"]
    assert {l["layerDigest"]: l["layerSize"] for l in layers} == {
        d: len(ecr_image.blobs[d]) for d in ecr_image.layer_digests
    }
    (detail,) = ecr_client.describe_images(repositoryName=repo.name)["imageDetails"]
    assert sorted(detail["imageTags"]) == ["v1", "v2"]
    assert detail["imageSizeInBytes"] > 0
    assert ecr_image.uri == (
        f"{repo.registry_id}.dkr.ecr.us-east-1.amazonaws.com/{repo.name}@{ecr_image.digest}"
    )


@pytest.mark.ecr_image(platforms=["linux/amd64", "linux/arm64"], manifest_format="oci",
                       tags=["multi"])
def test_multi_platform_image(ecr_client, ecr_image):
    details = ecr_client.describe_images(repositoryName=ecr_image.repository.name)
    digests = {d["imageDigest"] for d in details["imageDetails"]}
    assert digests == {ecr_image.digest, *(c.digest for c in ecr_image.children)}
    assert [c.platform for c in ecr_image.children] == ["linux/amd64", "linux/arm64"]


@pytest.mark.ecr_image(tags=[])
def test_untagged_image(ecr_client, ecr_image):
    (detail,) = ecr_client.describe_images(
        repositoryName=ecr_image.repository.name)["imageDetails"]
    assert detail["imageDigest"] == ecr_image.digest
    assert not detail.get("imageTags")


@pytest.mark.ecr_repository(tag_mutability="IMMUTABLE", tags={"team": "a"})
def test_repository_options(ecr_client, ecr_repository, ecr_settings):
    assert NAME.fullmatch(ecr_repository.name)
    assert ecr_repository.name.startswith(ecr_settings.name_prefix + "/")
    assert "test-repository-options" in ecr_repository.name
    (described,) = ecr_client.describe_repositories(
        repositoryNames=[ecr_repository.name])["repositories"]
    assert described["imageTagMutability"] == "IMMUTABLE"
    tags = ecr_client.list_tags_for_resource(resourceArn=ecr_repository.arn)["tags"]
    assert {t["Key"]: t["Value"] for t in tags}["team"] == "a"
    assert "pytest-ecr:run" in {t["Key"] for t in tags}


def test_many_repositories_have_distinct_names(ecr_repository_factory):
    names = {ecr_repository_factory.create("same").name for _ in range(5)}
    assert len(names) == 5


def test_fifty_images_of_three_layers(ecr_client, ecr_image_factory, ecr_repository):
    for n in range(50):
        ecr_image_factory.push(ecr_repository, tags=[f"t{n}"], layers=3, layer_size=512, seed=n)
    pages = ecr_client.get_paginator("list_images").paginate(
        repositoryName=ecr_repository.name)
    assert sum(len(p["imageIds"]) for p in pages) == 50
"""


@pytest.mark.parametrize("target", ["moto", "moto-server"])
def test_fixtures_round_trip(pytester: pytest.Pytester, target: str) -> None:
    pytester.makepyfile(test_user=ROUND_TRIP)
    result = pytester.runpytest_subprocess(f"--ecr-target={target}")
    result.assert_outcomes(passed=6)


def test_fixtures_inside_the_users_own_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
from moto import mock_aws

def test_mine(ecr_client, ecr_repository):
    with mock_aws():
        names = [r["repositoryName"] for r in ecr_client.describe_repositories()["repositories"]]
        assert ecr_repository.name in names
    # Leaving the inner mock keeps the session's registry.
    assert ecr_client.describe_repositories(repositoryNames=[ecr_repository.name])
"""
    )
    result = pytester.runpytest_subprocess("--ecr-target=moto")
    result.assert_outcomes(passed=1)


CLEANUP = """
import pytest

@pytest.fixture
def broken(ecr_repository):
    raise RuntimeError("setup fails after the repository exists")

def test_fails(ecr_repository, ecr_image):
    assert False, "a failing test"

def test_setup_error(broken):
    pass

def test_factory(ecr_repository_factory, ecr_image_factory):
    repo = ecr_repository_factory.create("kept-for-the-session")
    ecr_image_factory.push(repo)
"""


def test_failures_and_setup_errors_leave_nothing(
    pytester: pytest.Pytester, moto_server: str, moto_server_client: Any
) -> None:
    pytester.makepyfile(test_user=CLEANUP)
    result = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-name-prefix=cleanup1"
    )
    result.assert_outcomes(passed=1, failed=1, errors=1)
    assert repositories_under(moto_server_client, "cleanup1") == []


def _start_pytest(
    path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        # A run started in the background (CI under nohup, a job control-less shell)
        # inherits SIGINT ignored, and Python then never turns it into Ctrl-C: the run
        # under test gets the default back, as a terminal would give it.
        preexec_fn=_default_signals,
    )


def _default_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _wait_for(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout}s")
        time.sleep(0.05)


#: A run that holds still at one point (``KILL_POINT``) until it is signalled: in a
#: fixture's setup, in the middle of a push (before its second layer part), in the
#: test itself, or in a fixture's teardown. ``ready`` appears when it holds still.
HOLDS = """
import os, pathlib, time
import pytest

POINT = os.environ["KILL_POINT"]

def hold(point):
    if point == POINT:
        pathlib.Path("ready").write_text(point)
        time.sleep(120)

@pytest.fixture
def hold_in_push(ecr_client):
    parts = []
    def on_part(**_):
        parts.append(1)
        if len(parts) == 2:
            hold("push")
    ecr_client.meta.events.register("before-call.ecr.UploadLayerPart", on_part)
    yield
    ecr_client.meta.events.unregister("before-call.ecr.UploadLayerPart", on_part)

@pytest.fixture
def hold_in_teardown(ecr_repository):
    yield
    hold("teardown")

@pytest.fixture
def hold_in_setup(ecr_repository, ecr_image):
    hold("setup")

@pytest.mark.ecr_image(layers=3)
def test_holds(
    hold_in_push, ecr_repository_factory, hold_in_teardown, ecr_image, hold_in_setup
):
    ecr_repository_factory.create("session-scoped")
    hold("body")
"""

POINTS = ["setup", "push", "body", "teardown"]


def _held_run(
    pytester: pytest.Pytester, moto_server: str, prefix: str, point: str
) -> subprocess.Popen[bytes]:
    pytester.makepyfile(test_user=HOLDS)
    return _start_pytest(
        pytester.path,
        f"--ecr-endpoint-url={moto_server}",
        f"--ecr-name-prefix={prefix}",
        env={"KILL_POINT": point},
    )


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("point", POINTS)
def test_ctrl_c_cleans_up_without_the_sweeper(
    pytester: pytest.Pytester,
    moto_server: str,
    moto_server_client: Any,
    point: str,
    signum: signal.Signals,
) -> None:
    """Ctrl-C, and SIGTERM (what `timeout` and CI cancellation send), leave nothing."""
    prefix = f"{signum.name.lower()}-{point}"
    with _held_run(pytester, moto_server, prefix, point) as proc:
        try:
            _wait_for(pytester.path / "ready")
            assert repositories_under(moto_server_client, prefix)
            proc.send_signal(signum)
            output = proc.communicate(timeout=60)[0].decode()
        finally:
            proc.kill()
    assert "KeyboardInterrupt" in output
    assert "INTERNALERROR" not in output
    assert repositories_under(moto_server_client, prefix) == []


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_leaves_what_sweep_removes(
    pytester: pytest.Pytester, moto_server: str, moto_server_client: Any, point: str
) -> None:
    client = moto_server_client
    prefix = f"killed-{point}"
    # Not the plugin's: no marker tag, or not under the prefix. The sweep keeps them.
    client.create_repository(repositoryName=f"{prefix}/by-hand")
    client.create_repository(repositoryName=f"someone-else-{point}")
    with _held_run(pytester, moto_server, prefix, point) as proc:
        try:
            _wait_for(pytester.path / "ready")
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)
        finally:
            proc.kill()
    left = [name for name in repositories_under(client, prefix) if name != f"{prefix}/by-hand"]
    # The run's heartbeat, the test's repository, and by the body the session-scoped one.
    assert len(left) == (3 if point in ("body", "teardown") else 2)
    assert any(name.endswith("/heartbeat") for name in left)

    sweep = [
        sys.executable,
        "-m",
        "pytest_ecr.cli",
        "sweep",
        f"--ecr-endpoint-url={moto_server}",
        f"--ecr-name-prefix={prefix}",
        "--older-than=0",
    ]
    # The run's heartbeat is fresh: a sweep spares it as a run still in progress.
    spared = subprocess.run(sweep, capture_output=True, text=True, check=True)
    assert f"0 repositories deleted under {prefix}/" in spared.stdout
    assert len(repositories_under(client, prefix)) == len(left) + 1
    # Known to be dead: swept although its last beat is fresh.
    sweep.append("--ignore-heartbeats")
    dry = subprocess.run([*sweep, "--dry-run"], capture_output=True, text=True, check=True)
    assert f"{len(left)} repositories would delete under {prefix}/" in dry.stdout
    assert len(repositories_under(client, prefix)) == len(left) + 1
    done = subprocess.run(sweep, capture_output=True, text=True, check=True)
    assert f"{len(left)} repositories deleted under {prefix}/" in done.stdout
    assert repositories_under(client, prefix) == [f"{prefix}/by-hand"]
    names = [r["repositoryName"] for r in client.describe_repositories()["repositories"]]
    assert f"someone-else-{point}" in names


def test_sweep_refuses_a_target_that_does_not_outlive_a_run() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest_ecr.cli", "sweep"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "give --ecr-endpoint-url URL" in result.stderr


@pytest.mark.slow
def test_xdist_runs_against_one_server_match_a_serial_run(
    pytester: pytest.Pytester, moto_server: str, moto_server_client: Any
) -> None:
    pytester.makepyfile(test_user=ROUND_TRIP)
    serial = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-name-prefix=serial"
    )
    parallel = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-name-prefix=parallel", "-n", "4"
    )
    assert serial.parseoutcomes() == parallel.parseoutcomes() == {"passed": 6}
    assert repositories_under(moto_server_client, "parallel") == []
