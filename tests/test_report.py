from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_ecr.cli import main
from pytest_ecr.conformance import (
    BaselineError,
    Matrix,
    Result,
    baseline_from_report,
    compare_baseline,
    load_baseline,
)
from pytest_ecr.report import (
    ReportError,
    compare_terminal,
    load_report,
    render_html,
    render_terminal,
    write_json,
)

META = {
    "target": "moto",
    "endpoint": None,
    "region": "us-east-1",
    "botocore": "x",
    "pytest_ecr": "0.1.0",
    "created": "2026-01-01T00:00:00+00:00",
}


def sample(target: str = "moto") -> dict[str, Any]:
    matrix = Matrix()
    matrix.add(Result("c/test_a.py::test_ok", "PutImage", "behavior", "pass"))
    matrix.add(
        Result(
            "c/test_a.py::test_bad",
            "PutImage",
            "errors",
            "fail",
            "wrong code",
            (
                {
                    "path": "$.__type",
                    "expected": "one of ['X']",
                    "actual": "'Y'",
                    "message": "wrong error code",
                },
            ),
            {"operation": "PutImage", "body": {"imageTag": "<v1>"}, "status": 400},
        )
    )
    matrix.add(Result("c/test_a.py::test_dev", "PutImage", "errors", "deviation", "known"))
    matrix.add(Result("c/test_b.py::test_u", "GetSigningConfiguration", "shape", "unsupported"))
    matrix.add(Result("c/test_b.py::test_s", "ListImages", "behavior", "skipped", "why"))
    return matrix.to_json({**META, "target": target})


def test_json_report_counts_and_scores() -> None:
    report = sample()
    assert report["format"] == "pytest-ecr-report"
    assert report["version"] == 1
    summary = dict(report["summary"])
    evidence = summary.pop("evidence")
    assert summary == {
        "pass": 1,
        "fail": 1,
        "unconfirmed": 0,
        "deviation": 1,
        "blocked": 0,
        "unsupported": 1,
        "skipped": 1,
        "error": 0,
        "score": 0.25,
    }
    # Results that name no evidence rest on reasoning alone.
    assert evidence["inferred"] == {"tests": 5, "failures": 1}
    assert evidence["aws-verified"] == {"tests": 0, "failures": 0}
    put = report["operations"]["PutImage"]
    assert put["aspects"]["errors"] == {"outcome": "fail", "counts": {"deviation": 1, "fail": 1}}
    assert put["score"] == pytest.approx(1 / 3)
    bad = next(t for t in report["tests"] if t["nodeid"].endswith("test_bad"))
    assert bad["violations"][0]["path"] == "$.__type"


def test_replacing_keeps_one_outcome_per_test() -> None:
    matrix = Matrix()
    matrix.add(Result("t::a", "PutImage", "behavior", "pass"))
    matrix.replace(Result("t::a", "PutImage", "behavior", "error", "teardown failed"))
    assert [r.outcome for r in matrix.results] == ["error"]


def test_terminal_rendering() -> None:
    lines = render_terminal(sample())
    assert lines[0] == "target: moto"
    assert any(
        line.startswith("PutImage") and "FAIL 1/2" in line and "ok 1" in line for line in lines
    )
    assert lines[-2] == (
        "3 operations, 1 pass, 1 fail, 1 deviation, 1 unsupported, 1 skipped; conformance 25.0%"
    )
    assert lines[-1] == "failures by evidence (failed/tests): inferred 1/5"


def test_html_is_self_contained_and_opens_failures() -> None:
    page = render_html(sample())
    assert "<script" not in page
    assert "http" not in page.split("<body>", 1)[0].replace("http-equiv", "")
    assert "<details><summary>FAIL 1/2</summary>" in page
    assert "$.__type" in page
    assert "&lt;v1&gt;" in page, "request bodies are escaped"


def test_compare_side_by_side() -> None:
    lines = compare_terminal([sample("moto"), sample("moto-server")])
    assert lines[0].split() == ["operation", "moto", "moto-server"]
    assert lines[1].split() == ["GetSigningConfiguration", "unsupported", "unsupported"]
    assert lines[-1].split() == ["overall", "25.0%", "25.0%"]


def test_report_files_round_trip_and_bad_ones_are_named(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_json(path, sample())
    assert load_report(path) == json.loads(path.read_text())
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(ReportError, match=r"x\.json: not a pytest-ecr-report file"):
        load_report(tmp_path / "x.json")
    with pytest.raises(ReportError, match=r"nope\.json: cannot read it"):
        load_report(tmp_path / "nope.json")


def test_baseline_names_the_test_and_both_outcomes(tmp_path: Path) -> None:
    report = sample()
    baseline = baseline_from_report(report)
    assert compare_baseline(baseline, report) == []
    baseline["outcomes"]["c/test_a.py::test_bad"] = "pass"
    baseline["outcomes"]["c/test_a.py::test_dev"] = "fail"
    del baseline["outcomes"]["c/test_a.py::test_ok"]
    assert compare_baseline(baseline, report) == [
        "c/test_a.py::test_bad: baseline pass, now fail",
        "c/test_a.py::test_dev: baseline fail, now deviation",
        "c/test_a.py::test_ok: new test, outcome pass (not in the baseline)",
    ]
    (tmp_path / "b.json").write_text('{"format": "pytest-ecr-baseline", "version": 9}')
    with pytest.raises(BaselineError, match="pytest-ecr-baseline version 9, expected 1"):
        load_baseline(tmp_path / "b.json")


def test_compare_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_json(tmp_path / "a.json", sample("moto"))
    write_json(tmp_path / "b.json", sample("moto-server"))
    assert (
        main(
            [
                "compare",
                str(tmp_path / "a.json"),
                str(tmp_path / "b.json"),
                "--html",
                str(tmp_path / "c.html"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "moto-server" in out
    assert "<table id='compare'>" in (tmp_path / "c.html").read_text()
    assert main(["compare", str(tmp_path / "missing.json")]) == 2
    assert "missing.json: cannot read it" in capsys.readouterr().err


BASELINED = """
import pytest

@pytest.mark.ecr_contract("DescribeRepositories", "shape")
def test_shape(ecr_contract):
    ecr_contract.call("DescribeRepositories")
"""


def test_baseline_run_fails_on_a_changed_outcome(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=BASELINED)
    pytester.makefile(
        ".json",
        baseline=json.dumps(
            {
                "format": "pytest-ecr-baseline",
                "version": 1,
                "target": "moto",
                "outcomes": {"test_user.py::test_shape": "fail"},
            }
        ),
    )
    result = pytester.runpytest_subprocess(
        "--ecr-baseline=baseline.json", "--ecr-report-json=r.json", "--ecr-report-html=r.html"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "baseline: 1 outcomes differ from baseline.json",
            "  test_user.py::test_shape: baseline fail, now pass (fixed: update the baseline)",
        ]
    )
    assert load_report(pytester.path / "r.json")["summary"]["pass"] == 1
    assert (pytester.path / "r.html").read_text().startswith("<!doctype html>")
    pytester.makefile(
        ".json",
        baseline=json.dumps(
            {
                "format": "pytest-ecr-baseline",
                "version": 1,
                "target": "moto",
                "outcomes": {"test_user.py::test_shape": "pass"},
            }
        ),
    )
    result = pytester.runpytest_subprocess("--ecr-baseline=baseline.json")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["baseline: every outcome as recorded"])


def test_failures_are_counted_by_the_evidence_they_rest_on() -> None:
    """An emulator's author sees which findings are certain: failures per tier, and an
    inferred contract's failure as unconfirmed, never mixed with the certain ones."""
    matrix = Matrix()
    verified = {"tier": "aws-verified", "source": "owner/repo#1"}
    matrix.add(Result("t::a", "PutImage", "errors", "fail", evidence=verified))
    matrix.add(Result("t::b", "PutImage", "errors", "pass", evidence=verified))
    matrix.add(Result("t::c", "PutImage", "behavior", "unconfirmed", evidence={"tier": "inferred"}))
    report = matrix.to_json(META)
    assert report["summary"]["fail"] == 1
    assert report["summary"]["unconfirmed"] == 1
    assert report["summary"]["evidence"]["aws-verified"] == {"tests": 2, "failures": 1}
    assert report["summary"]["evidence"]["inferred"] == {"tests": 1, "failures": 1}
    assert report["operations"]["PutImage"]["aspects"]["behavior"]["outcome"] == "unconfirmed"
    (test,) = [t for t in report["tests"] if t["nodeid"] == "t::a"]
    assert test["evidence"] == verified
    lines = render_terminal(report)
    assert "FAIL 1/2 unconf 1 " in next(line for line in lines if line.startswith("PutImage"))
    assert lines[-1] == "failures by evidence (failed/tests): aws-verified 1/2, inferred 1/1"
    page = render_html(report)
    assert "class='unconfirmed'" in page
    assert "evidence: aws-verified · owner/repo#1" in page
