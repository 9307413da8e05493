"""Guard rails of the aws target, with moto standing in for AWS (STS and ECR)."""

from __future__ import annotations

import pytest

#: Loaded before the session starts: from here on every AWS request of the run is
#: answered by moto in this process, as the account in MOTO_ACCOUNT_ID.
STAND_IN = """
import os

# The stand-in's account, set in the run under test only: a moto server of the test
# process (the emulator some tests configure) answers as moto's default account.
os.environ["MOTO_ACCOUNT_ID"] = "210987654321"
import moto

_aws = moto.mock_aws()
_aws.start()
"""

USER_TESTS = """
import pathlib

import pytest

from pytest_ecr.suite import registry_policy


def test_repository(ecr_repository):
    pathlib.Path("ran").write_text(ecr_repository.name)


def test_registry_policy(ecr_client, ecr_registry, ecr_target):
    registry = ecr_client.describe_registry()["registryId"]
    with ecr_registry.changing("registry-policy"):
        ecr_client.put_registry_policy(policyText=registry_policy(registry, ecr_target.region))
        assert ecr_client.get_registry_policy()["policyText"]
    with pytest.raises(ecr_client.exceptions.RegistryPolicyNotFoundException):
        ecr_client.get_registry_policy()
"""

ACCOUNT = "210987654321"


@pytest.fixture
def aws(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    pytester.makeconftest(STAND_IN)
    pytester.makepyfile(test_user=USER_TESTS)
    return pytester


def test_an_account_off_the_allow_list_stops_the_run_before_any_ecr_request(
    aws: pytest.Pytester,
) -> None:
    result = aws.runpytest_subprocess(
        "--ecr-target=aws", "--ecr-allow-aws", "--ecr-aws-account=111111111111,222222222222"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(
        [
            f"*pytest-ecr: --ecr-aws-account: the credentials belong to AWS account {ACCOUNT} "
            f"(arn:aws:*::{ACCOUNT}:*), which is not in the allowed list 111111111111, "
            "222222222222; nothing was sent to ECR*"
        ]
    )
    assert not (aws.path / "ran").exists()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS"])
def test_an_emulator_configured_for_sts_cannot_vouch_for_the_account(
    aws: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, moto_server: str, variable: str
) -> None:
    """An emulator's endpoint in the environment would answer STS as its own account
    (123456789012) while ECR, which ignores those variables, talks to AWS: the identity
    check asks what ECR asks, so the real account (here the stand-in's) is the one held
    against the allow-list."""
    monkeypatch.setenv(variable, moto_server)
    result = aws.runpytest_subprocess(
        "--ecr-target=aws", "--ecr-allow-aws", "--ecr-aws-account=123456789012"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(
        [f"*--ecr-aws-account: the credentials belong to AWS account {ACCOUNT} *"]
    )
    assert not (aws.path / "ran").exists()


def test_the_first_line_names_the_account_and_region(aws: pytest.Pytester) -> None:
    result = aws.runpytest_subprocess(
        "--ecr-target=aws", "--ecr-allow-aws", f"--ecr-aws-account={ACCOUNT}", "-rs"
    )
    assert result.outlines[0] == (
        f"pytest-ecr: REAL AWS: account {ACCOUNT} (arn:aws:sts::{ACCOUNT}:user/moto), region "
        "us-east-1; test repositories are created and deleted under pytest-ecr/, "
        "registry-wide settings are left alone"
    )
    # Registry-wide changes need their own flag.
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED*pass --ecr-allow-registry-changes to run it*"])
    assert (aws.path / "ran").exists()


def test_registry_changes_need_their_own_flag_and_are_restored(aws: pytest.Pytester) -> None:
    result = aws.runpytest_subprocess(
        "--ecr-target=aws",
        "--ecr-allow-aws",
        "--ecr-allow-registry-changes",
        "--ecr-region",
        "eu-west-1",
    )
    assert result.outlines[0].endswith(
        "region eu-west-1; test repositories are created and deleted under pytest-ecr/, "
        "registry-wide settings may change and are restored"
    )
    result.assert_outcomes(passed=2)


def test_without_opt_in_the_aws_target_does_not_start(aws: pytest.Pytester) -> None:
    result = aws.runpytest_subprocess("--ecr-target=aws")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: pytest-ecr: --ecr-target: the aws target creates*"])
    assert not (aws.path / "ran").exists()
