"""Offline for everything a test runs: the code under test's own clients and other
processes (the AWS CLI) are recorded against a live target and replayed with the network
blocked, as the README's record/replay section shows."""

from __future__ import annotations

import json
import time

import pytest

OWN_CLIENT = """
import boto3

def deploy(uri):
    # What almost every code base does: a client of its own, made where it is needed.
    ecr = boto3.client("ecr", region_name="us-east-1")
    repository, digest = uri.split("/", 1)[1].split("@")
    found = ecr.describe_images(repositoryName=repository, imageIds=[{"imageDigest": digest}])
    return found["imageDetails"][0]["imageDigest"]

def test_my_deployer(ecr_image):
    assert deploy(ecr_image.uri) == ecr_image.digest
"""


def test_code_that_makes_its_own_client_is_recorded_and_replayed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user=OWN_CLIENT)
    recorded = pytester.runpytest_subprocess(
        "--ecr-target=moto-server", "--ecr-record-mode=all", "--ecr-cassette-dir=cassettes"
    )
    recorded.assert_outcomes(passed=1)
    cassette = (pytester.path / "cassettes" / "test_user" / "test_my_deployer.yaml").read_text()
    assert "DescribeImages" in cassette  # the code under test's own call is in it
    replayed = pytester.runpytest_subprocess("--ecr-target=replay", "--ecr-cassette-dir=cassettes")
    replayed.assert_outcomes(passed=1)


CLI = """
import json, os, subprocess

AWS = json.loads(os.environ["AWS_CLI"])

def aws(*args):
    done = subprocess.run([*AWS, "ecr", *args, "--output", "json"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)

def test_the_cli(ecr_image_factory, ecr_repository, ecr_endpoint):
    for n in range(3):
        ecr_image_factory.push(ecr_repository, tags=[f"v{n}"], seed=f"cli-{n}")
    name = ecr_repository.name
    described = aws("describe-images", "--repository-name", name)
    got = aws("batch-get-image", "--repository-name", name, "--image-ids", "imageTag=v1")
    first = aws("list-images", "--repository-name", name, "--max-items", "2")
    rest = aws("list-images", "--repository-name", name, "--max-items", "2",
               "--starting-token", first["NextToken"])
    with open("answers.json", "w") as handle:
        json.dump({
            "digests": sorted(d["imageDigest"] for d in described["imageDetails"]),
            "manifest": got["images"][0]["imageManifest"],
            "listed": sorted(i["imageTag"] for i in first["imageIds"] + rest["imageIds"]),
        }, handle, sort_keys=True)
"""


@pytest.mark.slow
def test_the_aws_cli_in_a_test_is_recorded_and_replayed_offline(
    pytester: pytest.Pytester, aws_cli: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CLI", json.dumps(aws_cli))
    pytester.makepyfile(test_user=CLI)
    recorded = pytester.runpytest_subprocess(
        "--ecr-target=moto-server", "--ecr-record-mode=all", "--ecr-cassette-dir=cassettes"
    )
    recorded.assert_outcomes(passed=1)
    live = json.loads((pytester.path / "answers.json").read_text())
    assert len(live["digests"]) == 3
    assert live["listed"] == ["v0", "v1", "v2"]
    replayed = pytester.runpytest_subprocess("--ecr-target=replay", "--ecr-cassette-dir=cassettes")
    replayed.assert_outcomes(passed=1)
    assert json.loads((pytester.path / "answers.json").read_text()) == live


UNRECORDED = """
import subprocess, sys, time

def test_a_call_the_cassette_lacks(ecr_endpoint):
    code = ("import boto3; boto3.client('ecr').describe_repositories("
            "repositoryNames=['never-recorded'])")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0
    assert time.monotonic() - started < 30
    print("STDERR", done.stderr.strip().splitlines()[-1])
"""


def test_a_call_of_another_process_the_cassette_lacks_fails_at_once(
    pytester: pytest.Pytester,
) -> None:
    """Answered at once (no retries against an unresolvable host), naming the test, the
    operation and the first differing field."""
    pytester.makepyfile(
        test_user="def test_a_call_the_cassette_lacks(ecr_client, ecr_endpoint):\n"
        "    ecr_client.describe_registry()\n"
    )
    pytester.runpytest_subprocess(
        "--ecr-target=moto-server", "--ecr-record-mode=all", "--ecr-cassette-dir=cassettes"
    ).assert_outcomes(passed=1)
    pytester.makepyfile(test_user=UNRECORDED)
    started = time.monotonic()
    result = pytester.runpytest_subprocess(
        "--ecr-target=replay", "--ecr-cassette-dir=cassettes", "-s"
    )
    result.assert_outcomes(passed=1)
    assert time.monotonic() - started < 60
    result.stdout.fnmatch_lines(
        ["*ReplayMismatch*test_user.py::test_a_call_the_cassette_lacks*DescribeRepositories*"]
    )
