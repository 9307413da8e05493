"""The plugin as a user runs it: installed by its entry point, no conftest needed."""

from __future__ import annotations

import socket

import pytest

USER_TESTS = """
import pytest

@pytest.mark.ecr_contract("CreateRepository", "behavior")
def test_create(ecr_contract):
    created = ecr_contract.call("CreateRepository", repositoryName="user-repo")
    assert created["repository"]["repositoryName"] == "user-repo"
    ecr_contract.call("DeleteRepository", repositoryName="user-repo")

@pytest.mark.ecr_contract("DescribeRepositories", "errors")
def test_missing(ecr_contract):
    ecr_contract.expect_error("DescribeRepositories", "RepositoryNotFoundException",
                              repositoryNames=["nope"])

@pytest.mark.ecr_contract("GetSigningConfiguration", "shape")
def test_unsupported(ecr_contract):
    ecr_contract.call("GetSigningConfiguration")

def test_plain_client(ecr_client):
    assert ecr_client.describe_repositories()["repositories"] == []
"""


@pytest.mark.parametrize("target", ["moto", "moto-server"])
def test_user_project_runs_against_target(pytester: pytest.Pytester, target: str) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(f"--ecr-target={target}", "-v")
    assert result.parseoutcomes() == {"passed": 3, "unsupported": 1}
    result.stdout.fnmatch_lines(
        [
            f"ecr: target={target} (--ecr-target)*",
            "*test_unsupported UNSUPPORTED*",
            "*ECR conformance*",
            f"target: {target}",
            "CreateRepository * ok 1*100%",
            "GetSigningConfiguration*unsup 1 *0%",
            "3 operations, 2 pass, 1 unsupported; conformance 66.7%",
            "*3 passed, 1 unsupported*",
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str()


def test_help_lists_the_ecr_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(
        [
            "ECR contracts and fixtures (pytest-ecr):",
            "*--ecr-target=TARGET*",
            "*--ecr-endpoint-url=ENDPOINT_URL*",
            "*--ecr-region=REGION*",
            "*--ecr-strict*",
            "*ecr_target (string)*",
        ]
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "ini", "message"),
    [
        (["--ecr-target=localstack"], "", "*argument --ecr-target: invalid choice: 'localstack'*"),
        (
            [],
            "ecr_target = localstack",
            "ERROR: pytest-ecr: ini ecr_target: unknown target 'localstack'*",
        ),
        (
            ["--ecr-endpoint-url=localhost:4566"],
            "",
            "ERROR: pytest-ecr: --ecr-endpoint-url: 'localhost:4566' is not an endpoint URL*",
        ),
        (
            ["--ecr-target=aws"],
            "",
            "ERROR: pytest-ecr: --ecr-target: the aws target creates and deletes*",
        ),
        (
            ["--ecr-aws-account=12345,123456789012"],
            "",
            "ERROR: pytest-ecr: --ecr-aws-account: '12345' is not an AWS account id (12 digits*",
        ),
    ],
)
def test_bad_settings_give_one_clear_line(
    pytester: pytest.Pytester, args: list[str], ini: str, message: str
) -> None:
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_unreachable_endpoint_stops_the_run_with_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    url = f"http://127.0.0.1:{_closed_port()}"
    result = pytester.runpytest_subprocess(f"--ecr-endpoint-url={url}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: pytest-ecr: --ecr-endpoint-url: cannot reach {url} (*); is the emulator running?"]
    )
    assert "INTERNALERROR" not in result.stdout.str()


def test_unknown_operation_in_marker_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_bad="""
import pytest

@pytest.mark.ecr_contract("DescribeRepos", "shape")
def test_x():
    pass
"""
    )
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: pytest-ecr: test_bad.py::test_x: ecr_contract operation 'DescribeRepos' is not "
            "an operation of the installed botocore ECR model"
        ]
    )


def test_failures_and_suite_errors_land_in_the_matrix(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import pytest

pytestmark = pytest.mark.ecr_contract("CreateRepository")

@pytest.mark.ecr_contract(aspect="validation", tier="model", source="the model")
def test_suite_bug(ecr_contract):
    ecr_contract.call("CreateRepository", repositoryName="Not Valid")

@pytest.mark.ecr_contract(aspect="errors")
def test_wrong_expectation(ecr_contract):
    ecr_contract.expect_error("CreateRepository", "RepositoryAlreadyExistsException",
                              repositoryName="fresh")
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*SuiteError: the suite's own CreateRepository request breaks the model*",
            "*$.repositoryName: does not match the model's pattern*",
            "*ContractViolation: CreateRepository: the target's answer breaks the contract*",
            # A contract that names no evidence rests on reasoning: its failure is a lead.
            "CreateRepository unconf 1 ERR 1 *0%",
            "failures by evidence (failed/tests): model 1/1, inferred 1/1",
        ]
    )


def test_unrelated_runs_do_not_start_a_target(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("--ecr-target=moto-server")
    result.assert_outcomes(passed=1)
    assert "ECR conformance" not in result.stdout.str()


DEVIATING = """
import pytest

pytestmark = pytest.mark.ecr_contract("DescribeRepositories", tier="model", source="model")

@pytest.mark.ecr_contract(aspect="errors")
def test_known(ecr_contract):
    ecr_contract.expect_error("DescribeRepositories", "RepositoryNotFoundException",
                              repositoryNames=["exists"])

@pytest.mark.ecr_contract(aspect="shape")
def test_fixed(ecr_contract):
    ecr_contract.call("DescribeRepositories")
"""


def _deviations(pytester: pytest.Pytester, entries: list[dict[str, object]]) -> None:
    import json

    # What test_known's failure is: an error expected, a success answered.
    expected = [{"path": "status", "message": "expected an error, got success"}]
    entries = [{"expect": expected, **entry} for entry in entries]
    pytester.makefile(".json", deviations=json.dumps({"version": 1, "deviations": entries}))


def test_a_listed_test_failing_for_another_reason_is_a_failure(
    pytester: pytest.Pytester,
) -> None:
    """A known deviation is a statement about what goes wrong: the same test failing for
    a reason its entry does not expect (a new bug of the target, or of the suite) is a
    failure, with its traceback, never hidden as the deviation."""
    pytester.makepyfile(
        test_user=DEVIATING
        + """
@pytest.fixture(autouse=True)
def existing(ecr_client):
    ecr_client.create_repository(repositoryName="exists")
    yield
    ecr_client.delete_repository(repositoryName="exists")
"""
    )
    _deviations(
        pytester,
        [
            {
                "targets": ["moto"],
                "test": "test_user.py::test_known",
                "reason": "listed for another failure",
                "expect": [{"path": "$.__type", "message": "wrong error code"}],
            }
        ],
    )
    result = pytester.runpytest_subprocess("--ecr-deviations=deviations.json", "-k", "test_known")
    assert result.parseoutcomes() == {"failed": 1, "deselected": 1}
    result.stdout.fnmatch_lines(
        [
            "*def test_known(ecr_contract):*",
            "*ContractViolation: DescribeRepositories*",
            "*a failure the known deviation does not explain*",
            "*lists this test (listed for another failure), but what went wrong is not*",
        ]
    )


def test_known_deviation_is_reported_and_a_fixed_one_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user=DEVIATING
        + """
@pytest.fixture(autouse=True)
def existing(ecr_client):
    ecr_client.create_repository(repositoryName="exists")
    yield
    ecr_client.delete_repository(repositoryName="exists")
"""
    )
    _deviations(
        pytester,
        [
            {
                "targets": ["moto"],
                "test": "test_user.py::test_known",
                "reason": "the repository exists, so no error",
            },
            {"targets": ["moto"], "test": "test_user.py::test_fixed", "reason": "was broken once"},
            {"targets": ["moto"], "test": "test_user.py::test_gone", "reason": "renamed since"},
            {"targets": ["moto-server"], "test": "test_user.py::test_known", "reason": "elsewhere"},
        ],
    )
    result = pytester.runpytest_subprocess("--ecr-deviations=deviations.json", "-rfxX")
    assert result.parseoutcomes() == {"failed": 1, "xfailed": 1}
    result.stdout.fnmatch_lines(
        [
            "[[]XPASS(strict)[]] known deviation: was broken once (it no longer happens*",
            "stale deviations (1): entries that match no test of this run",
            "  test_user.py::test_gone",
            "*FAILED test_user.py::test_fixed - *[[]XPASS(strict)[]] known deviation*",
            "*XFAIL test_user.py::test_known - known deviation: the repository exists, so no error",
            # The matrix comes last, after pytest's own summary.
            "DescribeRepositories FAIL 1 dev 1 *0%",
        ]
    )


def test_a_known_deviation_keeps_its_details_without_a_traceback(
    pytester: pytest.Pytester,
) -> None:
    """Its report carries the violation (in the JSON report) but no formatted traceback,
    unless --runxfail asks for the failure as it is."""
    import json

    pytester.makepyfile(
        test_user=DEVIATING
        + """
@pytest.fixture(autouse=True)
def existing(ecr_client):
    ecr_client.create_repository(repositoryName="exists")
    yield
    ecr_client.delete_repository(repositoryName="exists")
"""
    )
    _deviations(
        pytester,
        [{"targets": ["moto"], "test": "test_user.py::test_known", "reason": "it exists"}],
    )
    args = ["--ecr-deviations=deviations.json", "-k", "test_known", "--ecr-report-json=r.json"]
    short = pytester.runpytest_subprocess(*args)
    assert short.parseoutcomes() == {"xfailed": 1, "deselected": 1}
    (test,) = json.loads((pytester.path / "r.json").read_text())["tests"]
    assert test["outcome"] == "deviation"
    assert test["violations"][0]["message"] == "expected an error, got success"
    full = pytester.runpytest_subprocess(*args, "--runxfail")
    assert full.parseoutcomes() == {"failed": 1, "deselected": 1}
    full.stdout.fnmatch_lines(
        ["*def test_known(ecr_contract):*", "E *ContractViolation: DescribeRepositories*"]
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"version": 2, "deviations": []}', "pytest-ecr-deviations version 2, expected 1"),
        (
            '{"version": 1, "deviations": [{"test": "x::y", "targets": ["moto"]}]}',
            'deviations[0]: "reason" must say why (x::y)',
        ),
    ],
)
def test_bad_deviations_file_names_it(
    pytester: pytest.Pytester, content: str, message: str
) -> None:
    pytester.makefile(".json", deviations=content)
    pytester.makepyfile(test_user=DEVIATING)
    result = pytester.runpytest_subprocess("--ecr-deviations=deviations.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: pytest-ecr: --ecr-deviations: deviations.json: {message}" in result.stderr.str()


def test_missing_deviations_file_names_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=DEVIATING)
    result = pytester.runpytest_subprocess("--ecr-deviations=nope.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: pytest-ecr: --ecr-deviations: nope.json: cannot read it*"])


def test_declared_trigger_that_is_never_expected_is_a_suite_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_user="""
import pytest

@pytest.mark.ecr_contract("DescribeRepositories", "errors", triggers="RepositoryNotFoundException")
def test_forgot(ecr_contract):
    ecr_contract.call("DescribeRepositories")
"""
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*declares triggers='RepositoryNotFoundException' but never expects that error*",
            "DescribeRepositories ERR 1 *0%",
        ]
    )
