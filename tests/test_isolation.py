"""A user's own @mock_aws tests behave exactly as without the plugin, whatever order they
run in beside tests that use the ECR fixtures, and the code under test's own ECR clients
reach the fixtures' registry while such a test runs."""

from __future__ import annotations

import pytest

#: moto's own idiom: every test starts from an empty account.
USER_SUITE = """
import boto3
import pytest
from moto import mock_aws

@mock_aws
def test_moto_ecr_starts_empty():
    ecr = boto3.client("ecr", region_name="us-east-1")
    assert ecr.describe_repositories()["repositories"] == []
    ecr.create_repository(repositoryName="mine")

@mock_aws
def test_moto_ecr_again_starts_empty():
    ecr = boto3.client("ecr", region_name="us-east-1")
    assert ecr.describe_repositories()["repositories"] == []
    ecr.create_repository(repositoryName="mine")

@mock_aws
def test_moto_s3_starts_empty():
    s3 = boto3.client("s3", region_name="us-east-1")
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="mine")

@mock_aws
def test_moto_sees_no_fixture_repository():
    ecr = boto3.client("ecr", region_name="us-east-1")
    names = [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]
    assert not [n for n in names if n.startswith("pytest-ecr/")]

def test_fixture_repository(ecr_client, ecr_repository):
    names = [r["repositoryName"] for r in ecr_client.describe_repositories()["repositories"]]
    assert ecr_repository.name in names

def test_code_under_test_builds_its_own_client(ecr_image):
    # What almost every code base does: its own client, made in the test.
    ecr = boto3.client("ecr", region_name="us-east-1")
    found = ecr.describe_images(repositoryName=ecr_image.repository.name)["imageDetails"]
    assert [d["imageDigest"] for d in found] == [ecr_image.digest]

@mock_aws
def test_fixture_inside_users_own_mock(ecr_repository):
    ecr = boto3.client("ecr", region_name="us-east-1")
    names = [r["repositoryName"] for r in ecr.describe_repositories()["repositories"]]
    assert ecr_repository.name in names
"""

SHUFFLE = """
import os, random

def pytest_collection_modifyitems(items):
    random.Random(int(os.environ["ORDER_SEED"])).shuffle(items)
"""


@pytest.mark.parametrize("seed", range(6))
def test_users_mock_aws_tests_stay_isolated_in_any_order(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("ORDER_SEED", str(seed))
    pytester.makepyfile(test_user=USER_SUITE)
    pytester.makeconftest(SHUFFLE)
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=7)


def test_users_mock_aws_tests_stay_isolated_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("ORDER_SEED", "3")
    pytester.makepyfile(test_user=USER_SUITE)
    pytester.makeconftest(SHUFFLE)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=7)
