"""All of pytest-ecr's benchmark figures in one run: ``python bench/run.py``.

Writes ``bench/results.json`` and prints a Markdown table (the one in the README).
Each figure is a ratio of two times measured in this run, since absolute times vary
between machines; ``bench/README.md`` explains each one. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes"
CONTRACTS = ROOT / "contracts"
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402

from pytest_ecr.cassettes import (  # noqa: E402
    Engine,
    cassette_path,
    read_cassette,
    recording_meta,
)
from pytest_ecr.model import load_model  # noqa: E402
from pytest_ecr.scrub import Scrubber  # noqa: E402
from pytest_ecr.wire import CURRENT_SCOPE, Exchange, RawBody, Tap  # noqa: E402

FAKE = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
_DIGESTED = re.compile(r"<sha256:[0-9a-f]{64}; \d+ characters>")


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    """The best of ``repeat`` timings of ``fn``, in seconds (the least disturbed one)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_client(endpoint: str = "https://ecr.invalid") -> Any:
    return boto3.session.Session().client(
        "ecr",
        region_name="us-east-1",
        endpoint_url=endpoint,
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=False),
        **FAKE,
    )


# -- the recorded calls --------------------------------------------------------------


def recorded_calls() -> list[tuple[str, Exchange]]:
    """Every recorded call whose request can be sent again as recorded (``(scope,
    interaction)``): requests with strings over 1 KiB are stored as digests, so they
    cannot be rebuilt and are left out."""
    calls = []
    for path in sorted(CASSETTES.rglob("*.yaml")):
        # cassette_path(): <root>/<module>/<test>.yaml, and _session.yaml for the session.
        scope = "session" if path.name == "_session.yaml" else f"{path.parent.name}.py::{path.stem}"
        _, interactions = read_cassette(path)
        calls += [(scope, i) for i in interactions if not _DIGESTED.search(i.canonical)]
    return calls


def params_of(interaction: Exchange) -> dict[str, Any]:
    """The request parameters: an awsJson body is the input structure's members by name;
    blobs travel base64-encoded, so they are decoded back to bytes."""
    params = json.loads(interaction.canonical)
    shape = load_model().input_shape(interaction.operation)
    for name, member in getattr(shape, "members", {}).items():
        if member.type_name == "blob" and isinstance(params.get(name), str):
            params[name] = base64.b64decode(params[name])
    return params


def answer_with(interaction_of: Callable[[], Exchange]) -> Callable[..., AWSResponse]:
    def respond(request: Any, **_: Any) -> AWSResponse:
        i = interaction_of()
        return AWSResponse(request.url, i.status, i.headers, RawBody(i.body))

    return respond


# -- 1 and 3: replay against the floor, and against vcrpy ------------------------------


def floor_per_call(calls: list[tuple[str, Exchange]]) -> float:
    """Bare botocore, answered from the recorded body by a before-send handler."""
    client = bare_client()
    current: list[Exchange] = []
    client.meta.events.register("before-send.ecr", answer_with(lambda: current[0]))
    prepared = [(i, i.operation, params_of(i)) for _, i in calls]

    def run() -> None:
        for interaction, op, params in prepared:
            current[:] = [interaction]
            try:  # noqa: SIM105 - suppress() would cost the floor a context per call
                client._make_api_call(op, params)
            except botocore.exceptions.ClientError:
                pass

    return best(run) / len(prepared)


def replay_per_call(calls: list[tuple[str, Exchange]]) -> float:
    """The same calls through pytest-ecr's replay engine (reading each cassette, matching,
    per-test queues): a new engine per pass, as in a new run; best of three passes."""
    prepared = [(scope, i.operation, params_of(i)) for scope, i in calls]

    def one_pass() -> float:
        client = bare_client()
        engine = Engine(
            root=CASSETTES,
            mode="none",
            scrubber=Scrubber(),
            meta=recording_meta("replay"),
            replay_only=True,
        )
        Tap(client, [engine])
        gc.collect()
        start = time.perf_counter()
        for scope, op, params in prepared:
            token = CURRENT_SCOPE.set(scope)
            try:
                client._make_api_call(op, params)
            except botocore.exceptions.ClientError:
                pass
            finally:
                CURRENT_SCOPE.reset(token)
        return (time.perf_counter() - start) / len(prepared)

    return min(one_pass() for _ in range(3))


def vcrpy_per_call(calls: list[tuple[str, Exchange]]) -> float:
    """vcrpy's own playback of the same cassette files (matched on method and URI, in
    order, as vcrpy plays a cassette's interactions)."""
    import vcr

    client = bare_client()
    by_scope: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for scope, i in calls:
        by_scope.setdefault(scope, []).append((i.operation, params_of(i)))
    recorder = vcr.VCR(record_mode="none", match_on=["method", "uri"])
    cassette_of = {scope: cassette_path(CASSETTES, scope) for scope in by_scope}
    count = sum(len(v) for v in by_scope.values())

    def run() -> None:
        for scope, requests in by_scope.items():
            with recorder.use_cassette(str(cassette_of[scope]), allow_playback_repeats=False):
                for op, params in requests:
                    try:  # noqa: SIM105 - as cheap as the floor's own loop
                        client._make_api_call(op, params)
                    except botocore.exceptions.ClientError:
                        pass

    return best(run, repeat=1) / count


# -- 2: the whole suite, replayed and live -----------------------------------------------


def timed(*args: str, check: bool = True) -> float:
    """Wall time of ``python args...`` in a fresh interpreter, from the checkout."""
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, check=check)
    return time.perf_counter() - start


def suite_seconds(*args: str) -> float:
    """Wall time of ``pytest contracts`` with ``args`` (contracts that fail still count)."""
    pytest_args = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", *args]
    return timed("-m", "pytest", str(CONTRACTS), *pytest_args, check=False)


# -- 4: validation overhead --------------------------------------------------------------


@contextmanager
def moto_with_images(count: int) -> Iterator[tuple[Any, str]]:
    """In-process moto with one repository of ``count`` images (tiny manifests)."""
    import moto

    with moto.mock_aws():
        client = boto3.client("ecr", region_name="us-east-1", **FAKE)
        name = f"bench/images-{count}"
        client.create_repository(repositoryName=name)
        for n in range(count):
            manifest = json.dumps(
                {
                    "schemaVersion": 2,
                    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                    "config": {
                        "mediaType": "application/vnd.docker.container.image.v1+json",
                        "size": 2,
                        "digest": "sha256:" + f"{n:064x}",
                    },
                    "layers": [],
                }
            )
            client.put_image(repositoryName=name, imageManifest=manifest, imageTag=f"t{n}")
        yield client, name


def validation_overhead(count: int) -> dict[str, float]:
    from pytest_ecr.contract import ContractClient
    from pytest_ecr.settings import EcrSettings
    from pytest_ecr.targets import MotoTarget

    with moto_with_images(count) as (client, name):
        bare = best(lambda: client.describe_images(repositoryName=name, maxResults=1000), 5)
        target = MotoTarget(EcrSettings())
        contract_client = target.client(parameter_validation=False)
        contract = ContractClient(contract_client, target)
        answer = contract.call("DescribeImages", repositoryName=name, maxResults=1000)
        assert len(answer["imageDetails"]) == count, len(answer["imageDetails"])
        checked = best(
            lambda: contract.call("DescribeImages", repositoryName=name, maxResults=1000), 5
        )
    return {"bare_ms": bare * 1000, "contract_ms": checked * 1000, "overhead": checked / bare - 1}


# -- 5: start-up ---------------------------------------------------------------------------


def startup() -> dict[str, float]:
    botocore_only = min(
        timed(
            "-c",
            "import botocore.session; botocore.session.get_session().get_service_model('ecr')",
        )
        for _ in range(3)
    )
    schemas = min(
        timed(
            "-c",
            "from pytest_ecr import schema\n"
            "from pytest_ecr.model import load_model\n"
            "for op in load_model().operation_names:\n"
            "    schema.validator_for(op, 'input'); schema.validator_for(op, 'output')",
        )
        for _ in range(3)
    )
    collect = min(
        timed("-m", "pytest", str(CONTRACTS), "--collect-only", "-q", "-p", "no:cacheprovider")
        for _ in range(3)
    )
    return {"botocore_s": botocore_only, "schemas_s": schemas, "collect_s": collect}


# -- 6: fixture throughput -------------------------------------------------------------------


def push_rates(endpoint: str, images: int, layers: int, size: int) -> dict[str, float]:
    from pytest_ecr.images import Pusher, build_image
    from pytest_ecr.resources import ImageFactory, Ledger, Namer, RepositoryFactory

    client = bare_client(endpoint)
    ledger = Ledger()
    repos = RepositoryFactory(client, Namer(prefix="bench"), ledger, "us-east-1")
    factory = ImageFactory(client, ledger)
    repo = repos.create(f"push-{layers}x{size}")
    start = time.perf_counter()
    for n in range(images):
        factory.push(repo, tags=[f"f{n}"], layers=layers, layer_size=size, seed=f"f-{size}-{n}")
    ours = images / (time.perf_counter() - start)
    # The bare boto3 sequence: the same kind of images, built and pushed by the Pusher's
    # calls alone (check, initiate, upload parts, complete, put), no ledger, no records.
    start = time.perf_counter()
    for n in range(images):
        image = build_image(seed=f"b-{size}-{n}", layers=layers, layer_size=size)
        pusher = Pusher(client, repo.name)
        pusher.push_blobs(image.blobs)
        client.put_image(
            repositoryName=repo.name,
            imageManifest=image.manifest.decode(),
            imageManifestMediaType=image.media_type,
            imageTag=f"b{n}",
        )
    bare = images / (time.perf_counter() - start)
    ledger.close()
    return {"images": images, "ours_per_s": ours, "bare_per_s": bare, "ratio": bare / ours}


@contextmanager
def moto_server() -> Iterator[str]:
    from pytest_ecr.settings import EcrSettings
    from pytest_ecr.targets import MotoServerTarget

    server = MotoServerTarget(EcrSettings(target="moto-server"))
    server.start()
    try:
        assert server.endpoint_url
        yield server.endpoint_url
    finally:
        server.stop()


# -- the table -------------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    """The README's table of the figures in ``results``."""
    r = results
    floor, vcrpy = r["replay_vs_floor"], r["replay_vs_vcrpy"]
    rows = [
        (
            "1 replay vs floor, per call",
            f"{floor['replay_ms']:.2f} ms vs {floor['floor_ms']:.2f} ms "
            f"({floor['calls']} recorded calls)",
            f"{floor['ratio']:.2f}x",
            "at most 1.5x",
        ),
        (
            "3 replay vs vcrpy playback, per call",
            f"{vcrpy['replay_ms']:.2f} ms vs {vcrpy['vcrpy_ms']:.2f} ms",
            f"{vcrpy['speedup']:.1f}x faster",
            "at least 3x",
        ),
    ]
    if "suite" in r:
        suite = r["suite"]
        rows.append(
            (
                "2 whole suite: replay vs moto vs moto-server",
                f"{suite['replay_s']:.1f} s, {suite['moto_s']:.1f} s, "
                f"{suite['moto_server_s']:.1f} s",
                f"replay {suite['moto_s'] / suite['replay_s']:.2f}x faster than in-process moto",
                "faster than moto",
            ),
        )
    for count in ("1", "1000"):
        v = r["validation"][count]
        rows.append(
            (
                f"4 validation, DescribeImages of {count} image{'s' if count != '1' else ''}",
                f"{v['contract_ms']:.1f} ms vs {v['bare_ms']:.1f} ms bare",
                f"+{v['overhead']:.0%}",
                "at most +15%",
            ),
        )
    st = r["startup"]
    rows.append(
        (
            "5 start-up",
            f"collect {st['collect_s']:.2f} s; schemas {st['schemas_s']:.2f} s; "
            f"botocore alone {st['botocore_s']:.2f} s",
            f"collect = {st['collect_s'] / st['botocore_s']:.1f}x botocore",
            "collect under 2 s",
        ),
    )
    for size, f in r["fixtures"].items():
        rows.append(
            (
                f"6 pushes through the factory, {size} layers",
                f"{f['ours_per_s']:.1f} vs {f['bare_per_s']:.1f} images/s bare",
                f"{f['ratio']:.2f}x the bare time",
                "",
            ),
        )
    if "parallel" in r:
        p = r["parallel"]
        rows.append(
            (
                "7 suite on moto-server, serial vs -n 2",
                f"{p['serial_s']:.1f} s vs {p['n2_s']:.1f} s",
                f"{p['speedup']:.2f}x",
                "",
            ),
        )
    m = r["machine"]
    lines = [
        f"Measured on {m['cpus']} cores, Python {m['python']}, botocore {m['botocore']}, "
        f"moto {m.get('moto', '?')}, vcrpy {m.get('vcrpy', '?')} ({m['platform']}).",
        "",
        "| figure | times | ratio | target |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    return "\n".join(lines)


# -- the run -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the whole-suite runs (2, 7)")
    parser.add_argument(
        "--table", action="store_true", help="print the table of bench/results.json and stop"
    )
    args = parser.parse_args()
    if args.table:
        print(markdown(json.loads((ROOT / "bench" / "results.json").read_text())))
        return 0
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "botocore": botocore.__version__,
        }
    }
    try:
        import moto
        import vcr

        results["machine"].update(moto=moto.__version__, vcrpy=vcr.__version__)
    except ImportError:
        pass

    calls = recorded_calls()
    floor = floor_per_call(calls)
    replay = replay_per_call(calls)
    vcrpy = vcrpy_per_call(calls)
    results["replay_vs_floor"] = {
        "calls": len(calls),
        "floor_ms": floor * 1000,
        "replay_ms": replay * 1000,
        "ratio": replay / floor,
    }
    results["replay_vs_vcrpy"] = {
        "vcrpy_ms": vcrpy * 1000,
        "replay_ms": replay * 1000,
        "speedup": vcrpy / replay,
    }
    print(json.dumps(results, indent=1), flush=True)

    results["validation"] = {str(n): validation_overhead(n) for n in (1, 1000)}
    results["startup"] = startup()
    print(json.dumps(results, indent=1), flush=True)

    with moto_server() as endpoint:
        results["fixtures"] = {
            "1x1KiB": push_rates(endpoint, 50, 1, 1024),
            "3x5MiB": push_rates(endpoint, 3, 3, 5 * 1024 * 1024),
        }
    if not args.quick:
        suite = {
            "replay_s": suite_seconds("--ecr-target=replay"),
            "moto_s": suite_seconds("--ecr-target=moto"),
            "moto_server_s": suite_seconds("--ecr-target=moto-server"),
        }
        suite["replay_per_call_ms"] = suite["replay_s"] / len(calls) * 1000
        results["suite"] = suite
        results["parallel"] = {
            "serial_s": suite["moto_server_s"],
            "n2_s": suite_seconds("--ecr-target=moto-server", "-n", "2"),
        }
        results["parallel"]["speedup"] = (
            results["parallel"]["serial_s"] / results["parallel"]["n2_s"]
        )
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(markdown(results))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
