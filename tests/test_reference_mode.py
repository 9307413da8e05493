"""Differential mode end to end: record a reference, then compare live runs with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .faultproxy import FaultProxy

USER_TESTS = """
def test_describe(ecr_client, ecr_repository):
    ecr_client.describe_repositories(repositoryNames=[ecr_repository.name])
    ecr_client.list_images(repositoryName=ecr_repository.name)
"""


@pytest.fixture
def reference(pytester: pytest.Pytester, moto_server: str) -> Path:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-record-mode=all", "--ecr-cassette-dir=ref"
    )
    result.assert_outcomes(passed=1)
    return pytester.path / "ref"


def _compare(pytester: pytest.Pytester, endpoint: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={endpoint}", "--ecr-reference=ref", *args
    )


def test_the_same_target_shows_no_differences(
    pytester: pytest.Pytester, moto_server: str, reference: Path
) -> None:
    result = _compare(pytester, moto_server, "--ecr-report-json=live.json")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "reference: no differences from ref (recorded against url)",
            # The matrix, last, counts the comparisons.
            "reference comparisons (test x operation): 4 pass; agreement 100.0%",
        ]
    )
    report = json.loads((pytester.path / "live.json").read_text())
    assert report["reference"]["differences"] == 0
    compared = [t for t in report["tests"] if t["aspect"] == "reference"]
    assert {t["operation"] for t in compared} == {
        "CreateRepository",
        "DescribeRepositories",
        "ListImages",
        "DeleteRepository",
    }


def test_a_different_answer_is_listed_with_its_path_and_fails_the_run(
    pytester: pytest.Pytester, moto_server: str, reference: Path
) -> None:
    with FaultProxy(moto_server) as proxy:
        proxy.plan("DescribeRepositories", "content-type")
        result = _compare(pytester, proxy.url, "--ecr-report-json=live.json")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "reference: 1 differences from ref (recorded against url), 0 known",
            "  test_user.py::test_describe::reference[DescribeRepositories] call 2: wire: "
            'media type at header Content-Type: reference "application/x-amz-json-1.1", '
            'live "text/plain"',
        ]
    )
    # Side by side with a run that agrees.
    same = _compare(pytester, moto_server, "--ecr-report-json=same.json")
    assert same.ret == pytest.ExitCode.OK
    compared = subprocess.run(
        [sys.executable, "-m", "pytest_ecr.cli", "compare", "live.json", "same.json"],
        cwd=pytester.path,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = compared.stdout.splitlines()
    at = lines.index("differences from the reference (1): reference | url | url")
    assert lines[at + 1] == (
        "test_user.py::test_describe::reference[DescribeRepositories] call 2 header "
        "Content-Type: wire: media type"
    )
    assert lines[at + 2] == '    "application/x-amz-json-1.1" | "text/plain" | ='


def test_known_deviations_are_shown_never_hidden_and_stale_ones_are_named(
    pytester: pytest.Pytester, moto_server: str, reference: Path
) -> None:
    known = pytester.path / "known.json"
    known.write_text(
        json.dumps(
            {
                "format": "pytest-ecr-reference-deviations",
                "target": "proxied moto",
                "deviations": [
                    {
                        "operation": "DescribeRepositories",
                        "path": "header Content-Type",
                        "layer": "wire",
                        "reason": "the proxy rewrites the media type",
                        "link": "https://example.org/issue/1",
                    },
                    {"operation": "ListImages", "path": "$.nextToken", "reason": "gone"},
                ],
            }
        )
    )
    with FaultProxy(moto_server) as proxy:
        proxy.plan("DescribeRepositories", "content-type")
        result = _compare(
            pytester, proxy.url, "--ecr-reference-deviations=known.json", "--ecr-report-json=r.json"
        )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "reference: no differences from ref (recorded against url) but the 1 known ones",
            "reference: stale known deviation (matches nothing): ListImages * $.nextToken",
            "reference comparisons (test x operation): 3 pass, 1 deviation; agreement 75.0%",
        ]
    )
    report = json.loads((pytester.path / "r.json").read_text())
    (entry,) = [t for t in report["tests"] if t["outcome"] == "deviation"]
    assert entry["reason"] == "the proxy rewrites the media type"
    assert entry["violations"][0]["known"] == "DescribeRepositories wire header Content-Type"
    assert report["reference"]["stale_deviations"] == ["ListImages * $.nextToken"]


def test_a_reference_recorded_under_another_model_is_stale(
    pytester: pytest.Pytester, moto_server: str, reference: Path
) -> None:
    index = reference / "cassettes.json"
    data = json.loads(index.read_text())
    data["model_checksums"]["ListImages"] = "0" * 64
    data["botocore"] = "1.0.0"
    index.write_text(json.dumps(data))
    result = _compare(pytester, moto_server, "--ecr-report-json=r.json")
    result.stdout.fnmatch_lines(
        [
            "reference: stale for ListImages: the installed botocore model of ListImages "
            "differs from the one the reference was recorded with (botocore 1.0.0)"
        ]
    )
    report = json.loads((pytester.path / "r.json").read_text())
    (stale,) = [t for t in report["tests"] if t.get("operation") == "ListImages"]
    assert stale["outcome"] == "skipped"
    assert stale["reason"].startswith("stale reference: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--ecr-reference=nowhere"],
            "ERROR: pytest-ecr: --ecr-reference: nowhere/cassettes.json: cannot read it (*); "
            "record a reference with --ecr-record-mode=all --ecr-cassette-dir DIR against *",
        ),
        (
            ["--ecr-reference=ref", "--ecr-reference-deviations=missing.json"],
            "ERROR: pytest-ecr: missing.json: cannot read it*",
        ),
    ],
)
def test_a_bad_reference_stops_the_run_naming_it(
    pytester: pytest.Pytester, moto_server: str, reference: Path, args: list[str], message: str
) -> None:
    result = pytester.runpytest_subprocess(f"--ecr-endpoint-url={moto_server}", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    # Found before any test runs, on one line.
    result.stderr.fnmatch_lines([message])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
