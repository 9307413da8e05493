"""Parallel runs against one endpoint: xdist workers of one run, and two runs at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_ecr.conformance import baseline_from_report
from pytest_ecr.run import EcrRun, registry_key
from pytest_ecr.settings import EcrSettings

from .conftest import client_of, repositories_under

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"

#: A neighbour: a run that holds repositories and images while another run works
#: against the same endpoint, then checks that it still has exactly what it made.
NEIGHBOUR = """
import pathlib, time

def test_neighbour(ecr_client, ecr_repository_factory, ecr_image_factory):
    repos = [ecr_repository_factory.create(f"neighbour{n}") for n in range(3)]
    digests = {r.name: ecr_image_factory.push(r, tags=["v1"], seed=r.name).digest for r in repos}
    pathlib.Path("ready").write_text("ready")
    deadline = time.monotonic() + 600
    while not pathlib.Path("done").exists():
        assert time.monotonic() < deadline, "the other run never finished"
        time.sleep(0.2)
    for repo in repos:
        images = ecr_client.list_images(repositoryName=repo.name)["imageIds"]
        assert [i["imageDigest"] for i in images] == [digests[repo.name]], repo.name
    run_root = repos[0].name.rsplit("/", 1)[0]
    mine = [
        r["repositoryName"]
        for page in ecr_client.get_paginator("describe_repositories").paginate()
        for r in page["repositories"]
        if r["repositoryName"].startswith(run_root + "/")
        and not r["repositoryName"].endswith("/heartbeat")
    ]
    assert sorted(mine) == sorted(digests)
"""


def _contracts(endpoint: str, report: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        str(CONTRACTS),
        "-p",
        "no:cacheprovider",
        f"--ecr-endpoint-url={endpoint}",
        f"--ecr-report-json={report}",
        "-q",
        *args,
    ]


def _outcomes(report: Path) -> dict[str, str]:
    outcomes: dict[str, str] = baseline_from_report(json.loads(report.read_text()))["outcomes"]
    return outcomes


@pytest.mark.slow
def test_contracts_under_xdist_beside_another_run_match_a_serial_run(
    pytester: pytest.Pytester, own_moto_server: str
) -> None:
    """``-n 4`` against one server gives every contract the outcome a serial run gives it,
    while a second run holds its own repositories on the same server; neither run sees
    or deletes the other's resources. The server is this test's own: the runs change it."""
    moto_server = own_moto_server
    serial = pytester.path / "serial.json"
    subprocess.run(
        _contracts(moto_server, serial), cwd=pytester.path, capture_output=True, timeout=900
    )
    pytester.makepyfile(test_neighbour=NEIGHBOUR)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    neighbour = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "test_neighbour.py",
            f"--ecr-endpoint-url={moto_server}",
        ],
        cwd=pytester.path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        ready = pytester.path / "ready"
        deadline = time.monotonic() + 300
        while not ready.exists():
            assert neighbour.poll() is None, neighbour.communicate()[0].decode()
            assert time.monotonic() < deadline, "the neighbour never got ready"
            time.sleep(0.1)
        parallel = pytester.path / "parallel.json"
        subprocess.run(
            _contracts(moto_server, parallel, "-n", "4"),
            cwd=pytester.path,
            capture_output=True,
            timeout=900,
        )
        (pytester.path / "done").write_text("done")
        output = neighbour.communicate(timeout=120)[0].decode()
    finally:
        neighbour.kill()
    assert neighbour.returncode == 0, output
    assert "1 passed" in output
    expected, got = _outcomes(serial), _outcomes(parallel)
    assert len(expected) > 500
    differences = {
        t: (expected.get(t), got.get(t))
        for t in expected.keys() | got.keys()
        if expected.get(t) != got.get(t)
    }
    assert differences == {}
    assert repositories_under(client_of(moto_server), "pytest-ecr") == []


@pytest.mark.parametrize(
    ("settings", "shared"),
    [
        (EcrSettings(target="url", endpoint_url="http://127.0.0.1:4566"), True),
        (EcrSettings(target="aws", allow_aws=True, region="eu-west-1"), True),
        (EcrSettings(target="moto"), False),
        (EcrSettings(target="moto-server"), False),
    ],
)
def test_runs_that_share_a_registry_share_its_setting_locks(
    settings: EcrSettings, shared: bool, tmp_path: Path
) -> None:
    """Registry-wide settings are locked per registry: two runs against one endpoint (or
    one AWS Region) take the same locks; a moto the run started is its own."""
    first, second = (EcrRun(settings, run_id, tmp_path) for run_id in ("rone", "rtwo"))
    assert (registry_key(first) == registry_key(second)) is shared
    other = EcrSettings(target="url", endpoint_url="http://127.0.0.1:4567")
    assert registry_key(EcrRun(other, "rone", tmp_path)) != registry_key(first)
