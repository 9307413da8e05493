"""Replay over HTTP (pytest_ecr.serve) against in-process replay, in one run:
``python bench/serve.py``. Writes ``bench/serve.json`` and prints a Markdown table.

The calls are ``bench/run.py``'s: every recorded call of the shipped cassettes whose
request can be sent again as recorded, each made with its recorded parameters by a bare
botocore client (one attempt per call), in cassette order, each in its test's scope.

- *in-process*: ``bench/run.py``'s ``replay_per_call``, pytest-ecr's replay engine on
  the client's own botocore events (a new engine per pass, best of three);
- *endpoint, this process*: the same client pointed at a :class:`ReplayServer` (a new one
  per pass, so every cassette is read again; scoped to each call's test, as in pytest);
  client and server share this interpreter (and its GIL), as when a test's own client
  talks to it;
- *endpoint, another process*: ``python -m pytest_ecr.serve --cassette-dir cassettes``
  (unscoped, as ``pytest-ecr serve`` runs), as an outside program meets it;
- *mismatch*: how long a request the cassettes lack takes to be answered (the 400, with
  the first difference and the sending process looked up in ``/proc``), median of 20.

Absolute times vary between machines: compare figures of one run. Nothing here is a test.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import botocore  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from pytest_ecr.serve import ReplayServer  # noqa: E402
from pytest_ecr.wire import Exchange  # noqa: E402


def _bench_run() -> Any:
    """``bench/run.py``, whose calls and in-process measurement this compares against."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN = _bench_run()
CASSETTES: Path = RUN.CASSETTES
Prepared = list[tuple[str, str, dict[str, Any]]]


def prepared_calls(calls: list[tuple[str, Exchange]]) -> Prepared:
    return [(scope, i.operation, RUN.params_of(i)) for scope, i in calls]


def through(client: Any, prepared: Prepared, scope: list[str]) -> tuple[float, int]:
    """Seconds per call of ``prepared`` through ``client``, and how many failed with a
    ReplayMismatch (each call is set in its test's scope first)."""
    mismatches = 0
    gc.collect()
    start = time.perf_counter()
    for nodeid, operation, params in prepared:
        scope[0] = nodeid
        try:
            client._make_api_call(operation, params)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ReplayMismatch":
                mismatches += 1
    return (time.perf_counter() - start) / len(prepared), mismatches


def endpoint_here(prepared: Prepared) -> tuple[float, int]:
    """A scoped ReplayServer in this process; best of three passes, a new server each."""
    results = []
    for _ in range(3):
        scope = ["session"]
        with ReplayServer(CASSETTES, scope=lambda scope=scope: scope[0]) as server:
            client = RUN.bare_client(server.url)
            results.append(through(client, prepared, scope))
            client.close()
    return min(results)


@contextmanager
def serve_process() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_ecr.serve", "--cassette-dir", str(CASSETTES)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        found = re.search(r"on (http://\S+)", process.stdout.readline())
        assert found, "pytest-ecr serve did not start"
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(10)


def endpoint_elsewhere(prepared: Prepared) -> tuple[float, int]:
    """``pytest-ecr serve`` in another process; best of three passes, a new one each."""
    results = []
    for _ in range(3):
        with serve_process() as url:
            client = RUN.bare_client(url)
            results.append(through(client, prepared, ["session"]))
            client.close()
    return min(results)


def mismatch_ms() -> float:
    scope = "contracts/test_describe_repositories.py::test_listing_matches_the_model"
    with ReplayServer(CASSETTES, scope=lambda: scope) as server:
        client = RUN.bare_client(server.url)
        times = []
        for n in range(21):
            start = time.perf_counter()
            with suppress(ClientError):
                client.describe_repositories(repositoryNames=[f"not-recorded-{n}"])
            times.append(time.perf_counter() - start)
        client.close()
    return statistics.median(times[1:]) * 1000  # the first also builds the pool


def main() -> int:
    calls = RUN.recorded_calls()
    prepared = prepared_calls(calls)
    in_process = RUN.replay_per_call(calls)
    here, here_mismatches = endpoint_here(prepared)
    elsewhere, elsewhere_mismatches = endpoint_elsewhere(prepared)
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "botocore": botocore.__version__,
        },
        "calls": len(calls),
        "in_process_ms": in_process * 1000,
        "endpoint_same_process_ms": here * 1000,
        "endpoint_same_process_ratio": here / in_process,
        "endpoint_same_process_mismatches": here_mismatches,
        "endpoint_other_process_ms": elsewhere * 1000,
        "endpoint_other_process_ratio": elsewhere / in_process,
        "endpoint_other_process_mismatches": elsewhere_mismatches,
        "mismatch_answer_ms": mismatch_ms(),
    }
    out = ROOT / "bench" / "serve.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    r = results
    print(f"{r['calls']} recorded calls, per call (best of three passes):\n")
    print("| replay | per call | vs in-process | mismatches |")
    print("| --- | --- | --- | --- |")
    print(f"| in-process (Engine + Tap) | {r['in_process_ms']:.3f} ms | 1x | - |")
    print(
        f"| endpoint, this process (scoped) | {r['endpoint_same_process_ms']:.3f} ms | "
        f"{r['endpoint_same_process_ratio']:.1f}x | {r['endpoint_same_process_mismatches']} |"
    )
    print(
        f"| endpoint, another process (pytest-ecr serve) | "
        f"{r['endpoint_other_process_ms']:.3f} ms | {r['endpoint_other_process_ratio']:.1f}x | "
        f"{r['endpoint_other_process_mismatches']} |"
    )
    print(f"\na request the cassettes lack is answered in {r['mismatch_answer_ms']:.1f} ms")
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
