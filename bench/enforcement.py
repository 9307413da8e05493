"""Per-call cost of model enforcement on in-process moto: ``python bench/enforcement.py``.

Plain ``moto.mock_aws()`` against the same mock with
:func:`pytest_ecr.enforcement.enforce_in_process`, in one run, one process, one
backend: the same client makes the same calls with enforcement off and on, in
alternating rounds so that drift (the CPU's clock, the garbage collector) hits both
sides alike. Each figure is the median over rounds of the mean time per call.

Cases:

- ``DescribeRepositories``: no parameters, 20 repositories (one page either way).
- ``DescribeImages maxResults=1000``: a repository of 1000 images; both sides answer
  all 1000, so the difference is the whole cost of enforcement (validation, reading
  moto's answer to see it fits one page).
- ``DescribeImages`` (no ``maxResults``): plain moto answers 1000 images, enforced
  answers the documented default page of 100 and a ``nextToken``; moto lists all 1000
  either way.

One more row is not a per-call figure and not held to the target: reading all 1000
images, by one plain call against boto3's paginator under enforcement (10 pages of
100). Each page is cut from a whole listing that moto makes again, so a full walk costs
about as many moto listings as it has pages.

The images are pushed under enforcement, so each has its real digest (moto alone gives
every layer-less manifest the same one).

Writes ``bench/enforcement.json`` and prints a table. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
import botocore  # noqa: E402
import moto  # noqa: E402

from pytest_ecr.enforcement import Enforcer, enforce_in_process  # noqa: E402

FAKE = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
TARGET = 1.10


def manifest(i: int) -> str:
    """A small, distinct OCI image manifest (moto accepts any manifest JSON)."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": f"sha256:{i:064x}",
                "size": 2,
            },
            "layers": [],
        }
    )


def per_call(fn: Callable[[], Any], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def compare(
    fn: Callable[[], Any], enforcer: Enforcer, calls: int, rounds: int
) -> tuple[float, float]:
    """Median per-call time (seconds) without and with enforcement."""
    fn()
    with enforce_in_process(enforcer):
        fn()
    plain: list[float] = []
    enforced: list[float] = []
    for index in range(rounds):
        # Alternate which side goes first, so neither always follows the other.
        order = (False, True) if index % 2 == 0 else (True, False)
        for on in order:
            if on:
                with enforce_in_process(enforcer):
                    enforced.append(per_call(fn, calls))
            else:
                plain.append(per_call(fn, calls))
    return statistics.median(plain), statistics.median(enforced)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls and rounds")
    parser.add_argument("--out", default=str(ROOT / "bench" / "enforcement.json"))
    args = parser.parse_args()
    small_calls, big_calls, rounds = (100, 2, 3) if args.quick else (500, 5, 9)

    enforcer = Enforcer()
    rows: list[dict[str, Any]] = []
    with moto.mock_aws():
        client = boto3.client("ecr", region_name="us-east-1", **FAKE)
        for n in range(19):
            client.create_repository(repositoryName=f"bench/other-{n:02d}")
        client.create_repository(repositoryName="bench/images")
        with enforce_in_process(enforcer):
            for i in range(1000):
                client.put_image(repositoryName="bench/images", imageManifest=manifest(i))

        cases: list[tuple[str, Callable[[], Any], int]] = [
            ("DescribeRepositories", lambda: client.describe_repositories(), small_calls),
            (
                "DescribeImages maxResults=1000 (1000 images)",
                lambda: client.describe_images(repositoryName="bench/images", maxResults=1000),
                big_calls,
            ),
            (
                "DescribeImages default page (1000 images)",
                lambda: client.describe_images(repositoryName="bench/images"),
                big_calls,
            ),
        ]
        for name, fn, calls in cases:
            plain, enforced = compare(fn, enforcer, calls, rounds)
            rows.append(
                {
                    "case": name,
                    "plain_ms": round(plain * 1000, 3),
                    "enforced_ms": round(enforced * 1000, 3),
                    "ratio": round(enforced / plain, 3),
                    "calls_per_round": calls,
                    "rounds": rounds,
                }
            )

        # Informational: every image, one plain call against the paginator's walk.
        def walk() -> int:
            pages = client.get_paginator("describe_images").paginate(repositoryName="bench/images")
            return sum(len(page["imageDetails"]) for page in pages)

        plain_all = statistics.median(
            per_call(lambda: client.describe_images(repositoryName="bench/images"), 1)
            for _ in range(rounds)
        )
        with enforce_in_process(enforcer):
            assert walk() == 1000
            walked = statistics.median(per_call(walk, 1) for _ in range(rounds))
        listing = {
            "case": "all 1000 images: one plain call vs paginator walk (10 pages)",
            "plain_ms": round(plain_all * 1000, 3),
            "enforced_ms": round(walked * 1000, 3),
            "ratio": round(walked / plain_all, 3),
        }

    width = max(len(r["case"]) for r in rows)
    print(f"| {'case':<{width}} | plain ms/call | enforced ms/call | ratio |")
    print(f"| {'-' * width} | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['case']:<{width}} | {r['plain_ms']:.3f} | {r['enforced_ms']:.3f} "
            f"| {r['ratio']:.3f} |"
        )
    print(
        f"\n(not per call) {listing['case']}: plain {listing['plain_ms']:.1f} ms, "
        f"enforced {listing['enforced_ms']:.1f} ms, {listing['ratio']:.1f}x"
    )
    result = {
        "target_ratio": TARGET,
        "met": all(r["ratio"] <= TARGET for r in rows),
        "rows": rows,
        "listing": listing,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "botocore": botocore.__version__,
            "moto": moto.__version__,
        },
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"target: at most {TARGET:.2f}x per call; met: {result['met']}")


if __name__ == "__main__":
    main()
