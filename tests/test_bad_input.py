"""Bad input gives one clear message naming what was wrong, never a traceback.

(Bad option values and an unreachable endpoint: tests/test_plugin.py; a non-JSON
body from the target: tests/test_faults.py.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ONE_CALL = """
def test_lists(ecr_client):
    ecr_client.describe_repositories()
"""

NOBODY = 65534


def _clean(result: pytest.RunResult) -> None:
    output = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in output
    assert "Traceback" not in output


def test_a_cassette_dir_that_is_a_file_stops_the_run(
    pytester: pytest.Pytester, moto_server: str
) -> None:
    pytester.makepyfile(test_user=ONE_CALL)
    (pytester.path / "taken").write_text("a file, not a directory")
    result = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}",
        "--ecr-record-mode=all",
        "--ecr-cassette-dir=taken/cassettes",
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stdout.fnmatch_lines(
        ["*pytest-ecr: --ecr-cassette-dir: cannot write *taken/cassettes/cassettes.json (*)*"]
    )
    _clean(result)


@pytest.fixture
def unprivileged_dir() -> Iterator[Path]:
    """A directory that an unprivileged user may work in (pytester's is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="pytest-ecr-perm-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path)


def test_a_cassette_dir_without_write_permission_stops_the_run(
    unprivileged_dir: Path, moto_server: str
) -> None:
    """Run as an unprivileged user when the tests run as root (root writes anywhere)."""
    (unprivileged_dir / "test_user.py").write_text(ONE_CALL)
    readonly = unprivileged_dir / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        f"--ecr-endpoint-url={moto_server}",
        "--ecr-record-mode=all",
        f"--ecr-cassette-dir={readonly}",
    ]
    as_root = os.geteuid() == 0
    if as_root:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop privileges")
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    env = {**os.environ, "HOME": str(unprivileged_dir)}
    result = subprocess.run(
        command, cwd=unprivileged_dir, env=env, capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    if as_root and "Permission denied" in output and "cassettes.json" not in output:
        pytest.skip(f"the checkout or venv is not readable by an unprivileged user: {output}")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, output
    assert (
        f"pytest-ecr: --ecr-cassette-dir: cannot write {readonly}/cassettes.json "
        "(Permission denied); choose a directory this user can write with --ecr-cassette-dir"
    ) in result.stdout
    assert "Traceback" not in output
    assert not any(readonly.iterdir())


def _record(pytester: pytest.Pytester, moto_server: str) -> Path:
    pytester.makepyfile(test_user=ONE_CALL)
    result = pytester.runpytest_subprocess(
        f"--ecr-endpoint-url={moto_server}", "--ecr-record-mode=all", "--ecr-cassette-dir=tapes"
    )
    result.assert_outcomes(passed=1)
    return pytester.path / "tapes"


def test_a_malformed_cassette_fails_its_test_naming_the_file(
    pytester: pytest.Pytester, moto_server: str
) -> None:
    tapes = _record(pytester, moto_server)
    (cassette,) = tapes.glob("test_user/*.yaml")
    cassette.write_text(cassette.read_text()[:200])  # cut short, mid-document
    result = pytester.runpytest_subprocess("--ecr-target=replay", "--ecr-cassette-dir=tapes")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{cassette.name}: not a YAML cassette (*"])
    assert "INTERNALERROR" not in result.stdout.str()


def test_a_malformed_cassette_index_stops_the_run(
    pytester: pytest.Pytester, moto_server: str
) -> None:
    tapes = _record(pytester, moto_server)
    (tapes / "cassettes.json").write_text("{not json")
    result = pytester.runpytest_subprocess("--ecr-target=replay", "--ecr-cassette-dir=tapes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    # Found before any test is collected, on one line.
    result.stderr.fnmatch_lines(["ERROR: pytest-ecr: tapes/cassettes.json: not JSON (*"])
    _clean(result)
