"""The HTML report as a person sees it: rendered by headless Chromium.

Chromium comes from Debian's ``chromium`` package, which ``.ci/run`` installs; where it
is not installed the test is skipped with that reason.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_ecr.report import render_html

from .test_report import sample

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium; .ci/run does it)",
)


def chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    result = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_matrix_is_in_the_rendered_page(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(sample()), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    rows = re.findall(r"<tr data-operation=\"([^\"]+)\"", dom)
    assert rows == ["GetSigningConfiguration", "ListImages", "PutImage"]
    assert re.search(r"<td class=\"fail\" data-aspect=\"errors\">", dom)
    summary = re.search(r"<p id=\"summary\"[^>]*>([^<]+)</p>", dom)
    assert summary is not None
    assert summary.group(1).startswith("1 pass, 1 fail, 1 deviation, 1 unsupported, 1 skipped")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,600", page.as_uri())
    assert shot.stat().st_size > 1000
