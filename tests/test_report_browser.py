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


MEASURE = """
<script>
document.querySelectorAll("details").forEach(function (d) { d.open = true; });
document.title = "width=" + document.documentElement.scrollWidth;
</script>
"""


def test_an_opened_cell_pushes_no_column_off_screen(tmp_path: Path) -> None:
    """Every cell opened at once: the page is no wider than the window (the details float
    over the table instead of widening a column), and the legend says what cells mean."""
    page = tmp_path / "report.html"
    html = render_html(sample()).replace("</body>", MEASURE + "</body>")
    page.write_text(html, encoding="utf-8")
    dom = chromium(
        tmp_path,
        "--window-size=1200,800",
        "--virtual-time-budget=2000",
        "--dump-dom",
        page.as_uri(),
    )
    width = re.search(r"<title>width=(\d+)</title>", dom)
    assert width is not None, dom[:500]
    assert int(width.group(1)) <= 1200
    assert 'id="legend"' in dom
    assert "unconf k/N" in dom
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-opened.png"
    chromium(
        tmp_path,
        f"--screenshot={shot}",
        "--window-size=1200,800",
        "--virtual-time-budget=2000",
        page.as_uri(),
    )
    assert shot.stat().st_size > 1000


def test_the_compare_page_marks_where_reports_differ(tmp_path: Path) -> None:
    from pytest_ecr.report import compare_html

    one, two = sample(), sample("moto-server")
    two["operations"]["PutImage"]["score"] = 1.0
    page = tmp_path / "compare.html"
    page.write_text(compare_html([one, two]), encoding="utf-8")
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    marked = re.findall(r"<td class=\"differs\">([^<]+)</td>", dom)
    assert marked == ["33%", "100%"]
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "compare.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,600", page.as_uri())
    assert shot.stat().st_size > 1000
