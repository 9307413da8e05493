"""What installing pytest-ecr costs a project, and what its fixtures cost a test.

    python bench/startup.py            # about 2 minutes on 2 cores; writes bench/startup.json
    python bench/startup.py --venvs    # also against fresh venvs with and without the wheel

1. **Plugin overhead** (``plugin``): wall time of ``pytest -q test_plain.py`` (one test
   that uses nothing of ECR) in a fresh interpreter, with the plugin loaded and with
   ``-p no:ecr``, in this venv; other plugins that are not pytest-ecr's business
   (hypothesis's, which comes with the ``suite`` extra only; xdist; randomly) are off in
   both. Median of interleaved runs. Target: under 50 ms added.
   With ``--venvs``, the same in two new venvs: pytest alone, and pytest with the
   wheel of this checkout and its ``moto`` extra (what a fixture user installs); the
   difference is split into the plugin's own part (``-p no:ecr`` in the same venv) and
   the dependencies' (pytest reads the entry points of every installed distribution).
2. **Fixture cost** (``fixtures``): 100 tests that each get a pushed image from
   ``ecr_image`` (in-process moto), against 100 tests that do the same work by hand under
   ``@mock_aws`` (create a repository; upload a config and a layer through
   Initiate/UploadLayerPart/Complete; PutImage a manifest; delete the repository), each
   minus 100 empty tests; milliseconds per test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUIET = ["-q", "-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider"]

PLAIN = "def test_plain():\n    assert 1 + 1 == 2\n"

EMPTY = """
import pytest

@pytest.mark.parametrize("n", range(100))
def test_empty(n):
    pass
"""

FIXTURES = """
import pytest

@pytest.mark.parametrize("n", range(100))
def test_image(n, ecr_image):
    assert ecr_image.digest.startswith("sha256:")
"""

BY_HAND = """
import hashlib
import json

import boto3
import pytest
from moto import mock_aws


def _upload(client, name, blob):
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    upload = client.initiate_layer_upload(repositoryName=name)["uploadId"]
    client.upload_layer_part(repositoryName=name, uploadId=upload, partFirstByte=0,
                             partLastByte=len(blob) - 1, layerPartBlob=blob)
    client.complete_layer_upload(repositoryName=name, uploadId=upload, layerDigests=[digest])
    return digest


@mock_aws
@pytest.mark.parametrize("n", range(100))
def test_image(n):
    client = boto3.client("ecr", region_name="us-east-1")
    name = f"bench/image-{n}"
    client.create_repository(repositoryName=name)
    layer = bytes([n % 256]) * 1024
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    layer_digest = _upload(client, name, layer)
    config_digest = _upload(client, name, config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": len(config), "digest": config_digest},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": len(layer), "digest": layer_digest}],
    }
    answer = client.put_image(repositoryName=name, imageManifest=json.dumps(manifest),
                              imageTag="v1")
    assert answer["image"]["imageId"]["imageDigest"].startswith("sha256:")
    client.delete_repository(repositoryName=name, force=True)
"""


def _run(python: str, directory: Path, *args: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    started = time.perf_counter()
    done = subprocess.run(
        [python, "-m", "pytest", *QUIET, *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench: pytest {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds


def _installed(python: str, module: str) -> bool:
    probe = f"import importlib.util,sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    return subprocess.run([python, "-c", probe], check=False).returncode == 0


def _overhead(python: str, directory: Path, rounds: int, *, ecr: bool = True) -> dict[str, float]:
    """Median seconds of the plain run with and without the plugin, interleaved."""
    off = ["-p", "no:hypothesispytest"] if _installed(python, "hypothesis") else []
    with_plugin: list[float] = []
    without: list[float] = []
    for _ in range(rounds):
        if ecr:
            with_plugin.append(_run(python, directory, *off, "test_plain.py"))
        without.append(
            _run(python, directory, *off, *(["-p", "no:ecr"] if ecr else []), "test_plain.py")
        )
    out = {"without_s": round(statistics.median(without), 4)}
    if ecr:
        out["with_s"] = round(statistics.median(with_plugin), 4)
        out["added_ms"] = round((out["with_s"] - out["without_s"]) * 1000, 1)
    return out


def _venv(where: Path, *packages: str) -> str:
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = str(where / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", *packages], check=True)
    return python


def bench_plugin(directory: Path, rounds: int, venvs: bool) -> dict[str, object]:
    (directory / "test_plain.py").write_text(PLAIN)
    result: dict[str, object] = {"this_venv": _overhead(sys.executable, directory, rounds)}
    if venvs:
        dist = directory / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
            check=True,
        )
        wheel = next(dist.glob("*.whl"))
        bare = _venv(directory / "bare", "pytest")
        with_ecr = _venv(directory / "ecr", f"{wheel}[moto]")
        plain = _overhead(bare, directory, rounds, ecr=False)
        installed = _overhead(with_ecr, directory, rounds)
        result["venvs"] = {
            "pytest_only_s": plain["without_s"],
            "with_pytest_ecr_s": installed["with_s"],
            "added_ms": round((installed["with_s"] - plain["without_s"]) * 1000, 1),
            # Of that: the plugin itself (loaded, against -p no:ecr in the same venv) and
            # the rest (pytest reading the entry points of moto's ~40 dependencies).
            "plugin_ms": installed["added_ms"],
            "dependencies_ms": round((installed["without_s"] - plain["without_s"]) * 1000, 1),
        }
    return result


def bench_fixtures(directory: Path, rounds: int) -> dict[str, float]:
    files = {"test_empty.py": EMPTY, "test_fixtures.py": FIXTURES, "test_by_hand.py": BY_HAND}
    for name, text in files.items():
        (directory / name).write_text(text)
    times: dict[str, list[float]] = {name: [] for name in files}
    for _ in range(rounds):
        for name in files:
            times[name].append(_run(sys.executable, directory, name))
    best = {name: min(values) for name, values in times.items()}
    empty = best["test_empty.py"]
    return {
        "empty_100_s": round(empty, 3),
        "ecr_image_ms_per_test": round((best["test_fixtures.py"] - empty) * 10, 2),
        "by_hand_mock_aws_ms_per_test": round((best["test_by_hand.py"] - empty) * 10, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--venvs", action="store_true", help="also measure in fresh venvs")
    parser.add_argument("--out", default=str(HERE / "startup.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        results = {
            "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
            "plugin": bench_plugin(directory, args.rounds, args.venvs),
            "fixtures": bench_fixtures(directory, max(3, args.rounds // 3)),
        }
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
