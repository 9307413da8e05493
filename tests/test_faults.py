"""Faulty targets: every fault gives a clear failure, or passes after botocore's retry
where retrying is right; never an INTERNALERROR, never a hang."""

from __future__ import annotations

import pytest

from .faultproxy import FAULTS, RETRIED, Fault, FaultProxy

TWO_CONTRACTS = """
import pytest

def describe(ecr_contract, name):
    answer = ecr_contract.call("DescribeRepositories", repositoryNames=[name])
    names = [r.get("repositoryName") for r in answer.get("repositories", [])]
    assert names == [name], "DescribeRepositories must describe the repository asked for"

@pytest.mark.ecr_contract("DescribeRepositories", "behavior")
def test_first(ecr_contract, ecr_repository):
    describe(ecr_contract, ecr_repository.name)

@pytest.mark.ecr_contract("DescribeRepositories", "behavior")
def test_second(ecr_contract, ecr_repository):
    describe(ecr_contract, ecr_repository.name)
"""

#: What the failure of the first contract says, for each fault that reaches it.
MESSAGES: dict[Fault, list[str]] = {
    "500": ["*expected success, got an error*HTTP 500 ServerException: injected 500*"],
    "503": ["*expected success, got an error*HTTP 503 ServiceUnavailable: injected 503*"],
    "throttle": ["*expected success, got an error*HTTP 400 ThrottlingException: Rate exceeded*"],
    "truncated": ["*the body is not JSON (*"],
    "html": ["*HTTP 502 with a non-JSON body (text/html)*502 Bad Gateway*"],
    "content-type": ["*header Content-Type*wrong media type*text/plain*"],
    "reset": ["*no answer*Connection was closed*"],
    "empty": [
        "*pytest-ecr: the target's answers*",
        "*note: DescribeRepositories: empty response body read as {}*",
    ],
    "slow": ["*no answer*Read timeout on endpoint URL*"],
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", FAULTS)
def test_a_faulty_answer_is_a_clear_failure_or_retried(
    pytester: pytest.Pytester, moto_server: str, fault: Fault
) -> None:
    attempts = 3
    pytester.makepyfile(test_user=TWO_CONTRACTS)
    # Only the slow fault needs a short read timeout; every other request (the fixtures'
    # own, on a loaded machine under -n 8) gets the default.
    timeout = ["--ecr-read-timeout=2"] if fault == "slow" else []
    with FaultProxy(moto_server, lifetime=120, slow_seconds=4.0) as proxy:
        # A retried fault meets every attempt of the first contract and the first attempt
        # of the second; any other fault meets only the first contract's one attempt.
        planned = [fault] * (attempts + 1 if fault in RETRIED else 1)
        proxy.plan("DescribeRepositories", *planned)
        result = pytester.runpytest_subprocess(
            f"--ecr-endpoint-url={proxy.url}",
            f"--ecr-max-attempts={attempts}",
            *timeout,
            "--ecr-name-prefix=faults",
            "-p",
            "no:randomly",
            timeout=120,
        )
        seen = proxy.faults_for("DescribeRepositories")
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    assert result.parseoutcomes() == {"failed": 1, "passed": 1}, output
    result.stdout.fnmatch_lines([*MESSAGES[fault], "FAILED test_user.py::test_first*"])
    # Every planned fault was met, then the second contract went through.
    assert seen == [*planned, None]


ONE_CONTRACT = """
import pytest

@pytest.mark.ecr_contract("DescribeRepositories", "behavior", tier="model", source="m")
def test_one(ecr_contract):
    ecr_contract.call("DescribeRepositories")
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fault", "message"),
    [
        # One byte every half second: each read is within the read timeout, the answer
        # never is.
        ("trickle", "*no answer*no complete answer within 2 s*"),
        # A body without end, as fast as it is read: stopped at the cap, not at the memory.
        ("endless", "*no answer*is larger than 67108864 bytes; the rest was not read*"),
    ],
)
def test_an_answer_without_end_is_cut_off(
    pytester: pytest.Pytester, moto_server: str, fault: Fault, message: str
) -> None:
    pytester.makepyfile(test_user=ONE_CONTRACT)
    with FaultProxy(moto_server, lifetime=60) as proxy:
        proxy.plan("DescribeRepositories", fault)
        result = pytester.runpytest_subprocess(
            f"--ecr-endpoint-url={proxy.url}",
            "--ecr-max-attempts=1",
            "--ecr-read-timeout=2",
            "--ecr-name-prefix=faults",
            "-p",
            "no:randomly",
            timeout=60,
        )
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    assert result.parseoutcomes() == {"failed": 1}, output[-3000:]
    result.stdout.fnmatch_lines([message])
    # What a failure prints is bounded too: no megabytes of the body in the output.
    assert len(output) < 200_000
