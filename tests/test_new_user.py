"""What a new user trips over: each test is one of the things that broke when the plugin
was first tried from a fresh clone and from the wheel in a project of its own."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAIN = "def test_plain():\n    assert 1 + 1 == 2\n"
USES_ECR = "def test_ecr(ecr_client):\n    ecr_client.describe_repositories()\n"


def _clean(result: pytest.RunResult) -> str:
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    assert "Traceback" not in output
    return output


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest_ecr.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env,
    )


# -- 1, 15: a project that does not use ECR pays (almost) nothing ------------------------

NOTHING_LOADED = """
import sys

def test_plain():
    assert "botocore" not in sys.modules
    assert "pytest_ecr.model" not in sys.modules
"""

NOTHING_LOADED_AT_THE_END = """
import sys
from pathlib import Path

def pytest_unconfigure(config):
    heavy = sorted(m for m in ("botocore", "boto3", "pytest_ecr.model", "pytest_ecr.targets")
                   if m in sys.modules)
    Path("loaded.json").write_text(__import__("json").dumps(heavy))
"""


@pytest.mark.parametrize(
    "env",
    [
        {"AWS_PROFILE": "nonexistent"},
        {"AWS_CONFIG_FILE": "config-that-is-broken"},
        {"AWS_DEFAULT_REGION": "EU-WEST-1"},
        {"AWS_REGION": "us-east1"},
        {"AWS_ENDPOINT_URL_ECR": "http://[::1"},
        {"AWS_ENDPOINT_URL_ECR": "localhost:4566"},
    ],
    ids=lambda env: "=".join(next(iter(env.items()))),
)
def test_a_run_that_does_not_use_ecr_ignores_the_aws_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    """Issue 19.1 and 19.15: neither a broken AWS profile nor a malformed AWS_* variable
    stops a run whose tests never ask for ECR, and such a run loads no botocore."""
    (pytester.path / "config-that-is-broken").write_text("[default\nregion = \x00\n")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_plain=NOTHING_LOADED)
    pytester.makeconftest(NOTHING_LOADED_AT_THE_END)
    result = pytester.runpytest_subprocess("-p", "no:hypothesispytest", "-p", "no:randomly")
    _clean(result)
    assert result.parseoutcomes() == {"passed": 1}
    assert json.loads((pytester.path / "loaded.json").read_text()) == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"AWS_DEFAULT_REGION": "EU-WEST-1"},
            "*pytest-ecr: env AWS_DEFAULT_REGION: 'EU-WEST-1' is not an AWS Region; "
            "did you mean eu-west-1?",
        ),
        ({"AWS_REGION": "zz-nowhere-9"}, "*pytest-ecr: env AWS_REGION: 'zz-nowhere-9' is not*"),
    ],
)
def test_a_bad_aws_variable_stops_the_run_when_a_test_asks_for_ecr(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(test_ecr=USES_ECR)
    result = pytester.runpytest_subprocess()
    output = _clean(result)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert any(
        __import__("fnmatch").fnmatch(line.strip("! "), message) for line in output.splitlines()
    ), output


def test_aws_endpoint_url_ecr_does_not_switch_the_target(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 19.9: the variable belongs to the shell; only --ecr-target=url uses it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", f"http://127.0.0.1:{_closed_port()}")
    pytester.makepyfile(test_ecr=USES_ECR)
    result = pytester.runpytest_subprocess()
    _clean(result)
    result.stdout.fnmatch_lines(["ecr: target=moto (default), endpoint=in-process*"])
    assert result.parseoutcomes() == {"passed": 1}


# -- 2: start-up errors under pytest-xdist ------------------------------------------------


@pytest.mark.parametrize("how", ["pytest", "pytest-ecr run"])
@pytest.mark.parametrize("problem", ["unreachable", "empty cassette dir"])
def test_start_up_errors_under_xdist_are_one_line(
    pytester: pytest.Pytester, how: str, problem: str
) -> None:
    pytester.makepyfile(test_ecr=USES_ECR)
    (pytester.path / "empty").mkdir()
    if problem == "unreachable":
        option = f"--ecr-endpoint-url=http://127.0.0.1:{_closed_port()}"
        says = "*pytest-ecr: --ecr-endpoint-url: cannot reach*is the emulator running?*"
    else:
        option = "--ecr-target=replay"
        says = "*pytest-ecr: *cassettes.json: cannot read it*record cassettes first*"
    if how == "pytest":
        result = pytester.runpytest_subprocess("-n", "2", option, "--ecr-cassette-dir=empty")
        code, output = int(result.ret), _clean(result)
    else:
        done = _cli(pytester.path, "run", "-n", "2", option, "--ecr-cassette-dir", "empty")
        code, output = done.returncode, done.stdout + done.stderr
        assert "INTERNALERROR" not in output
        assert "Traceback" not in output
    assert code == pytest.ExitCode.USAGE_ERROR, output
    assert [line for line in output.splitlines() if __import__("fnmatch").fnmatch(line, says)]


# -- 3, 11: pytest-ecr run in a project of its own ------------------------------------------

PROJECT = """
[tool.pytest.ini_options]
addopts = "-p no:cacheprovider --strict-markers"
testpaths = ["tests"]
"""


def test_run_keeps_its_own_rootdir_inside_a_project(tmp_path: Path) -> None:
    """Issue 19.3 and 19.11: from inside a project with a pyproject.toml, the ids keep
    their ``contracts/`` prefix (so the suite's deviations apply), and an id the run
    printed selects that test again."""
    (tmp_path / "pyproject.toml").write_text(PROJECT)
    (tmp_path / "tests").mkdir()
    done = _cli(
        tmp_path,
        "run",
        "contracts/test_describe_registry.py",
        "--ecr-report-json",
        "r.json",
        "-p",
        "no:randomly",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"rootdir: {tmp_path}" not in done.stdout
    ids = [t["nodeid"] for t in json.loads((tmp_path / "r.json").read_text())["tests"]]
    assert ids
    assert all(i.startswith("contracts/test_describe_registry.py::") for i in ids)
    again = _cli(tmp_path, "run", ids[0], "-p", "no:randomly", "-q")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "1 passed" in again.stdout


def test_run_help_lists_the_options_and_sweep_help_only_its_own() -> None:
    run = _cli(ROOT, "run", "--help")
    assert run.returncode == 0
    for option in ("--ecr-target", "--ecr-baseline", "--ecr-cassette-dir", "--ecr-report-json"):
        assert option in run.stdout
    sweep = _cli(ROOT, "sweep", "--help")
    assert sweep.returncode == 0
    assert "--older-than" in sweep.stdout
    assert "--ecr-baseline" not in sweep.stdout
    assert "--ecr-report-html" not in sweep.stdout


# -- 4: recording from run ----------------------------------------------------------------


def test_recording_from_run_needs_a_cassette_dir_and_says_where_it_wrote(
    tmp_path: Path, moto_server: str
) -> None:
    refused = _cli(tmp_path, "run", f"--ecr-endpoint-url={moto_server}", "--ecr-record-mode=all")
    assert refused.returncode == 2  # the command line is wrong, as argparse says
    assert "--ecr-record-mode needs --ecr-cassette-dir DIR" in refused.stderr
    done = _cli(
        tmp_path,
        "run",
        "contracts/test_describe_registry.py",
        f"--ecr-endpoint-url={moto_server}",
        "--ecr-record-mode=all",
        "--ecr-cassette-dir",
        "tapes",
        "-p",
        "no:randomly",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cassettes: " in done.stdout
    assert " written under tapes" in done.stdout
    assert list((tmp_path / "tapes").rglob("*.yaml"))


# -- 6: cassettes of tests with the same file name -----------------------------------------


def test_test_files_of_the_same_name_keep_their_own_cassettes(
    pytester: pytest.Pytester, moto_server: str
) -> None:
    for folder, repository in (("a", "alpha"), ("b", "beta")):
        (pytester.path / folder).mkdir()
        (pytester.path / folder / "test_same.py").write_text(
            "def test_x(ecr_client):\n"
            f"    ecr_client.create_repository(repositoryName='{repository}')\n"
            f"    ecr_client.delete_repository(repositoryName='{repository}')\n"
        )
    recorded = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}",
        "--ecr-record-mode=all",
        "--ecr-cassette-dir=tapes",
        "-p",
        "no:randomly",
        "--import-mode=importlib",
    )
    assert recorded.parseoutcomes() == {"passed": 2}
    files = sorted(
        p.relative_to(pytester.path / "tapes") for p in (pytester.path).glob("tapes/**/*.yaml")
    )
    assert [str(f) for f in files] == ["a/test_same/test_x.yaml", "b/test_same/test_x.yaml"]
    replayed = pytester.runpytest_subprocess(
        "--ecr-target=replay",
        "--ecr-cassette-dir=tapes",
        "-p",
        "no:randomly",
        "--import-mode=importlib",
    )
    _clean(replayed)
    assert replayed.parseoutcomes() == {"passed": 2}


def test_a_replay_mismatch_without_a_cassette_file_says_so(
    pytester: pytest.Pytester, moto_server: str
) -> None:
    pytester.makepyfile(test_one=USES_ECR)
    recorded = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-record-mode=all", "--ecr-cassette-dir=tapes"
    )
    assert recorded.parseoutcomes() == {"passed": 1}
    pytester.makepyfile(
        test_two="def test_new(ecr_client):\n"
        "    ecr_client.describe_repositories(repositoryNames=['other'])\n"
    )
    replayed = pytester.runpytest_subprocess(
        "--ecr-target=replay", "--ecr-cassette-dir=tapes", "-p", "no:randomly"
    )
    assert replayed.parseoutcomes() == {"passed": 1, "failed": 1}
    replayed.stdout.fnmatch_lines(
        [
            "*test_two.py::test_new: no recorded interaction for DescribeRepositories*"
            "there is no cassette at tapes/test_two/test_new.yaml: a new test*"
        ]
    )


# -- 7: an endpoint that is not ECR --------------------------------------------------------


class _Page(BaseHTTPRequestHandler):
    def _page(self) -> None:
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _page

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_endpoint_that_is_not_ecr_stops_the_run_with_one_line(
    pytester: pytest.Pytester, web_server: str
) -> None:
    pytester.makepyfile(test_ecr=USES_ECR)
    result = pytester.runpytest_subprocess(f"--ecr-endpoint-url={web_server}")
    _clean(result)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: pytest-ecr: --ecr-endpoint-url: {web_server} does not answer as an ECR "
            "endpoint (AWS JSON 1.1) to GetAuthorizationToken: HTTP 200 text/html: *It works*"
        ]
    )
    assert "passed" not in result.stdout.str()
    assert "failed" not in result.stdout.str()


# -- 8, 9: bad paths and files, found before any test runs ---------------------------------

BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--ecr-baseline=missing.json"], "*--ecr-baseline*missing.json*"),
        (["--ecr-baseline=binary.json"], "*--ecr-baseline*binary.json*"),
        (["--ecr-baseline=list.json"], "*--ecr-baseline*list.json*"),
        (["--ecr-report-json=adir"], "*--ecr-report-json: adir: is a directory; give a file name"),
        (["--ecr-report-html=afile/r.html"], "*--ecr-report-html: afile/r.html: *afile*"),
        (["--ecr-deviations=binary.json"], "*binary.json*"),
        (
            ["--ecr-reference=ref.json", "--ecr-reference-deviations=binary.json"],
            "*binary.json*",
        ),
        (["--ecr-target=replay", "--ecr-cassette-dir=tapes"], "*tapes/cassettes.json*"),
        (["--ecr-examples=-5"], "*--ecr-examples: *-5*"),
        (["--ecr-examples=0"], "*--ecr-examples: *0*"),
        (["--ecr-region=--"], "*--ecr-region: '--' is not an AWS Region*"),
        (["--ecr-region=a-"], "*--ecr-region: 'a-' is not an AWS Region*"),
        (["--ecr-read-timeout=1e12"], "*--ecr-read-timeout: '1e12' must be more than 0*"),
        (["--ecr-max-attempts=99999999999999999999"], "*--ecr-max-attempts: *from 1 to 20*"),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else None,
)
def test_bad_files_and_values_stop_the_run_before_any_test(
    pytester: pytest.Pytester, args: list[str], says: str
) -> None:
    (pytester.path / "binary.json").write_bytes(BINARY)
    (pytester.path / "list.json").write_text("[1, 2]")
    (pytester.path / "adir").mkdir()
    (pytester.path / "afile").write_text("")
    (pytester.path / "ref.json").write_text("{}")
    (pytester.path / "tapes").mkdir()
    (pytester.path / "tapes" / "cassettes.json").write_bytes(BINARY)
    pytester.makepyfile(test_ecr=USES_ECR)
    result = pytester.runpytest_subprocess(*args)
    _clean(result)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "passed" not in result.stdout.str()
    errors = [line for line in result.stderr.str().splitlines() if line.startswith("ERROR: ")]
    assert len(errors) == 1, result.stderr.str()
    assert __import__("fnmatch").fnmatch(errors[0], says), errors[0]


# -- 10: marker arguments ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("marker", "says"),
    [
        (
            'ecr_image(manifest_format="OCI")',
            "ecr_image: manifest_format='OCI' is not one of 'docker', 'oci'*",
        ),
        ('ecr_image(tags="v1")', "ecr_image: tags='v1' *"),
        ("ecr_image(layers=-1)", "ecr_image: layers=-1 must be*"),
        ('ecr_repository(tag_mutability="immutable")', "ecr_repository: tag_mutability=*"),
        ("ecr_repository(colour=1)", "ecr_repository: *colour*"),
    ],
)
def test_bad_marker_arguments_fail_the_setup_with_one_line(
    pytester: pytest.Pytester, marker: str, says: str
) -> None:
    pytester.makepyfile(
        test_marked=f"""
import pytest

@pytest.mark.{marker}
def test_marked(ecr_image):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    _clean(result)
    assert result.parseoutcomes() == {"errors": 1}
    result.stdout.fnmatch_lines([f"@pytest.mark.{says}"])


# -- 12, 13: the matrix, last and within 100 columns; baselines counted right -------------


def test_the_matrix_comes_last_and_fits_100_columns(pytester: pytest.Pytester) -> None:
    done = _cli(pytester.path, "run", "contracts/test_put_image.py", "-p", "no:randomly")
    lines = done.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if "ECR conformance" in line)
    matrix = [line for line in lines[start + 1 : -1] if line]  # up to pytest's last line
    assert matrix[0] == "target: moto"
    assert all(len(line) <= 100 for line in matrix), max(matrix, key=len)
    assert lines[-1].startswith("=")
    assert "passed" in lines[-1] or "failed" in lines[-1]
    # No per-test XFAIL lines after the matrix (-rx lists them, on request).
    assert not [line for line in lines[start:] if line.startswith("XFAIL")]


def test_the_baseline_difference_count_matches_what_is_listed(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_user="""
import pytest

@pytest.mark.ecr_contract("DescribeRepositories", "behavior", tier="model", source="m")
@pytest.mark.parametrize("n", range(60))
def test_listed(ecr_contract, n):
    ecr_contract.call("DescribeRepositories")
"""
    )
    outcomes = {f"test_user.py::test_listed[{n}]": "fail" for n in range(60)}
    (pytester.path / "base.json").write_text(
        json.dumps(
            {"format": "pytest-ecr-baseline", "version": 1, "target": "moto", "outcomes": outcomes}
        )
    )
    result = pytester.runpytest_subprocess("--ecr-baseline=base.json", "-p", "no:randomly")
    output = _clean(result)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["baseline: 60 outcomes differ from base.json", "*... and * more*"])
    shown = [line for line in output.splitlines() if "test_user.py::test_listed[" in line]
    more = int(output.split("... and ")[1].split()[0])
    assert len(shown) + more == 60


def test_the_report_names_where_the_answers_came_from(
    pytester: pytest.Pytester, moto_server: str
) -> None:
    pytester.makepyfile(test_one=USES_ECR)
    live = pytester.runpytest_subprocess("--ecr-report-json=moto.json")
    assert live.parseoutcomes() == {"passed": 1}
    assert json.loads((pytester.path / "moto.json").read_text())["endpoint"] == "in-process"
    pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-record-mode=all", "--ecr-cassette-dir=tapes"
    )
    replayed = pytester.runpytest_subprocess(
        "--ecr-target=replay", "--ecr-cassette-dir=tapes", "--ecr-report-json=replay.json"
    )
    replayed.stdout.fnmatch_lines(["ecr: target=replay*endpoint=cassettes in tapes*"])
    assert "endpoint=AWS" not in replayed.stdout.str()
    assert json.loads((pytester.path / "replay.json").read_text())["endpoint"] == "cassettes"
