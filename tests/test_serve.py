"""The cassettes over HTTP (pytest_ecr.serve): recorded through the proxy, replayed by the
endpoint, for boto3, the AWS CLI and any process; mismatches, secrets, ``pytest-ecr serve``."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from pytest_ecr.cassettes import INDEX, cassette_path, read_cassette, write_cassette
from pytest_ecr.scrub import FAKE_TOKEN, Scrubber
from pytest_ecr.serve import MAX_BODY, RecordingProxy, ReplayServer, serve_main
from pytest_ecr.wire import JSON_CONTENT_TYPE, TARGET_PREFIX, Exchange

ROOT = Path(__file__).resolve().parent.parent
REGION = "us-east-1"
FAKE = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
HAS_PROC_NET = Path("/proc/net/tcp").exists()


def client_of(url: str, **credentials: Any) -> Any:
    """A plain boto3 client of ``url``, one attempt per call (no retries)."""
    return boto3.session.Session().client(
        "ecr",
        region_name=REGION,
        endpoint_url=url,
        config=Config(retries={"total_max_attempts": 1}),
        **(credentials or FAKE),
    )


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    for name in ("werkzeug", "moto.moto_server.werkzeug_app", "flask.app"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Scope:
    """What the endpoints call for the running test's id (set by the test, as the plugin
    sets it per test)."""

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid

    def __call__(self) -> str:
        return self.nodeid


def manifest(n: int) -> str:
    def digest(what: str) -> str:
        return "sha256:" + hashlib.sha256(f"{what}{n}".encode()).hexdigest()

    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "size": 100 + n,
                "digest": digest("config"),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 200 + n,
                    "digest": digest("layer"),
                }
            ],
        }
    )


def outcome(call: Callable[[], dict[str, Any]]) -> Any:
    """An answer as a test compares it: without the transport's metadata, or the error."""
    try:
        answer = call()
    except ClientError as exc:
        return ("error", exc.response["Error"]["Code"], exc.response["Error"]["Message"])
    answer.pop("ResponseMetadata", None)
    return answer


# -- record through the proxy, replay from the endpoint ----------------------------------


def a_session(client: Any, scope: Scope, repo: str) -> list[Any]:
    """Calls of two tests: a repeated request with changing answers, an upload whose
    request carries an id from an earlier answer and a blob stored as its digest, an
    error, a token."""
    scope.nodeid = "tests/test_deploy.py::test_first"
    blob = bytes(range(256)) * 12  # base64: over 1 KiB, so stored as its digest
    results = [
        outcome(lambda: client.create_repository(repositoryName=repo)),
        outcome(lambda: client.describe_images(repositoryName=repo)),
        outcome(
            lambda: client.put_image(repositoryName=repo, imageManifest=manifest(1), imageTag="v1")
        ),
        outcome(lambda: client.describe_images(repositoryName=repo)),  # same request, new answer
    ]
    scope.nodeid = "tests/test_deploy.py::test_second"
    upload = client.initiate_layer_upload(repositoryName=repo)
    results += [
        {k: v for k, v in upload.items() if k != "ResponseMetadata"},
        outcome(
            lambda: client.upload_layer_part(
                repositoryName=repo,
                uploadId=upload["uploadId"],
                partFirstByte=0,
                partLastByte=len(blob) - 1,
                layerPartBlob=blob,
            )
        ),
        outcome(lambda: client.describe_repositories(repositoryNames=[repo + "-missing"])),
        outcome(lambda: client.get_authorization_token()),
        outcome(lambda: client.delete_repository(repositoryName=repo, force=True)),
    ]
    return results


def test_recorded_through_the_proxy_replays_the_same_answers(moto_url: str, tmp_path: Path) -> None:
    repo = f"serve-test/{uuid.uuid4().hex[:8]}"
    scope = Scope("session")
    proxy = RecordingProxy(
        moto_url, tmp_path, scope=scope, scrubber=Scrubber(), credentials=None, region=REGION
    )
    with proxy:
        live = a_session(client_of(proxy.url), scope, repo)
    written = [proxy.finish(s) for s in ("tests/test_deploy.py::test_first", scope.nodeid)]
    assert written == [
        cassette_path(tmp_path, "tests/test_deploy.py::test_first"),
        cassette_path(tmp_path, "tests/test_deploy.py::test_second"),
    ]
    assert (tmp_path / INDEX).is_file()
    first = read_cassette(written[0])[1]
    assert [i.operation for i in first] == [
        "CreateRepository",
        "DescribeImages",
        "PutImage",
        "DescribeImages",
    ]
    assert live[1]["imageDetails"] == []
    assert len(live[3]["imageDetails"]) == 1
    assert live[6][1] == "RepositoryNotFoundException"
    # The one answer a cassette never holds as it came: the token.
    live[7]["authorizationData"][0]["authorizationToken"] = FAKE_TOKEN

    with ReplayServer(tmp_path, scope=scope) as replay:
        replayed = a_session(client_of(replay.url), scope, repo)
    assert replayed == live
    assert replay.mismatches == []
    assert replay.answered == 9


def written_cassette(root: Path, scope: str, *calls: tuple[str, Any, Any]) -> Path:
    """A cassette of ``(operation, request, answer)`` calls."""
    path = cassette_path(root, scope)
    interactions = [
        Exchange(
            operation,
            canonical=json.dumps(request, sort_keys=True, separators=(",", ":")),
            status=200,
            headers={"Content-Type": JSON_CONTENT_TYPE},
            body=json.dumps(answer),
        )
        for operation, request, answer in calls
    ]
    write_cassette(path, interactions, {"target": "canned", "endpoint": "https://ecr.invalid"})
    return path


def test_a_test_replays_its_own_cassette_in_order_then_the_pool(tmp_path: Path) -> None:
    written_cassette(
        tmp_path,
        "tests/test_a.py::test_one",
        ("DescribeRepositories", {}, {"repositories": [], "nextToken": "first"}),
        ("DescribeRepositories", {}, {"repositories": [], "nextToken": "second"}),
    )
    written_cassette(
        tmp_path,
        "tests/test_b.py::test_two",
        ("ListImages", {"repositoryName": "shared"}, {"imageIds": [{"imageTag": "pool"}]}),
    )
    with ReplayServer(tmp_path, scope=Scope("tests/test_a.py::test_one")) as replay:
        client = client_of(replay.url)
        assert client.describe_repositories()["nextToken"] == "first"
        assert client.describe_repositories()["nextToken"] == "second"
        # A request its cassette never had: any other cassette of the run.
        for _ in range(2):
            images = client.list_images(repositoryName="shared")["imageIds"]
            assert images == [{"imageTag": "pool"}]
        with pytest.raises(
            ClientError, match=r"more often than its cassette .* recorded it \(2 times\)"
        ) as raised:
            client.describe_repositories()
        assert raised.value.response["Error"]["Code"] == "ReplayMismatch"
        assert "tests/test_a.py::test_one: DescribeRepositories" in replay.mismatches[0]
        # finish(): the scope replays from the start again.
        replay.finish("tests/test_a.py::test_one")
        assert client.describe_repositories()["nextToken"] == "first"

    with ReplayServer(tmp_path) as everything:  # unscoped: each once, then the last again
        client = client_of(everything.url)
        tokens = [client.describe_repositories()["nextToken"] for _ in range(3)]
        assert tokens == ["first", "second", "second"]
        assert client.list_images(repositoryName="shared")["imageIds"] == [{"imageTag": "pool"}]
        assert everything.mismatches == []


SEND = """
import json, sys, time, urllib.error, urllib.request
request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST", headers={
    "X-Amz-Target": sys.argv[3], "Content-Type": "application/x-amz-json-1.1",
    "Authorization": "AWS4-HMAC-SHA256 Credential=x/20240101/us-east-1/ecr/aws4_request"})
start = time.perf_counter()
try:
    with urllib.request.urlopen(request, timeout=30) as answer:
        status, body = answer.status, answer.read()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read()
print(json.dumps({"status": status, "seconds": time.perf_counter() - start,
                  "body": json.loads(body)}))
"""


def send_from_another_process(url: str, body: Any, target: str) -> tuple[int, dict[str, Any]]:
    """POST ``body`` with ``X-Amz-Target: target`` from a new process, urllib, no retries."""
    process = subprocess.Popen(
        [sys.executable, "-c", SEND, url, json.dumps(body), target],
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    return process.pid, json.loads(out)


def test_a_request_the_cassette_lacks_fails_at_once_naming_who_sent_what(tmp_path: Path) -> None:
    scope = "tests/test_deploy.py::test_rollout"
    written_cassette(
        tmp_path,
        scope,
        ("DescribeRepositories", {"repositoryNames": ["app"]}, {"repositories": []}),
        ("DescribeRepositories", {"repositoryNames": ["app", "db"], "maxResults": 5}, {}),
    )
    with ReplayServer(tmp_path, scope=Scope(scope)) as replay:
        pid, result = send_from_another_process(
            replay.url, {"repositoryNames": ["api"]}, f"{TARGET_PREFIX}.DescribeRepositories"
        )
    assert result["status"] == 400
    assert result["seconds"] < 1.0
    assert result["body"]["__type"] == "ReplayMismatch"
    message = result["body"]["message"]
    assert replay.mismatches == [message]
    assert message.startswith(f"{scope}: DescribeRepositories: no recorded interaction")
    # The closest recorded request of the operation is the one compared against.
    assert "first difference from the recorded DescribeRepositories: " in message
    assert "$.repositoryNames[0]: recorded 'app', sent 'api'" in message
    if HAS_PROC_NET:
        assert f"sent by pid {pid} (" in message
    else:
        assert "sent by unknown" in message


def test_an_operation_never_recorded_and_a_request_that_is_not_ecr(tmp_path: Path) -> None:
    written_cassette(tmp_path, "tests/test_a.py::test_one", ("ListImages", {}, {}))
    with ReplayServer(tmp_path, scope=Scope("tests/test_a.py::test_one")) as replay:
        with pytest.raises(ClientError, match="no cassette has a DescribeRegistry call"):
            client_of(replay.url).describe_registry()
        _, result = send_from_another_process(replay.url, {}, "SomethingElse_2020.ListImages")
        assert result["status"] == 400
        assert "not an ECR request" in result["body"]["message"]
        assert len(replay.mismatches) == 2


def raw_request(url: str, head: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


def test_the_endpoints_bound_requests_and_listen_on_loopback_only(tmp_path: Path) -> None:
    with ReplayServer(tmp_path) as replay:
        answer = raw_request(
            replay.url,
            f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {TARGET_PREFIX}.ListImages\r\n"
            f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode(),
        )
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert b"RequestEntityTooLarge" in answer
        # Asked first (Expect: 100-continue): refused before the body is sent.
        answer = raw_request(
            replay.url,
            f"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: {TARGET_PREFIX}.ListImages\r\n"
            f"Expect: 100-continue\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n".encode(),
        )
        assert answer.startswith(b"HTTP/1.1 413 ")
        assert raw_request(replay.url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")[
            :13
        ] == (b"HTTP/1.1 405 ")
    for host in ("0.0.0.0", "192.0.2.1", "example.com"):
        with pytest.raises(ValueError, match="not a loopback address"):
            ReplayServer(tmp_path, host=host)
        with pytest.raises(ValueError, match="not a loopback address"):
            RecordingProxy(
                "http://127.0.0.1:1",
                tmp_path,
                scope=Scope("s"),
                scrubber=Scrubber(),
                credentials=None,
                region=REGION,
                host=host,
            )


def test_an_unreachable_upstream_is_a_502_and_is_not_recorded(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    scope = Scope("tests/test_a.py::test_one")
    with (
        RecordingProxy(
            f"http://127.0.0.1:{port}",
            tmp_path,
            scope=scope,
            scrubber=Scrubber(),
            credentials=None,
            region=REGION,
        ) as proxy,
        pytest.raises(ClientError) as raised,
    ):
        client_of(proxy.url).list_images(repositoryName="app")
    assert raised.value.response["Error"]["Code"] == "RecordingProxyError"
    assert proxy.errors
    assert proxy.finish(scope.nodeid) is None
    assert not cassette_path(tmp_path, scope.nodeid).exists()


# -- secrets --------------------------------------------------------------------------------

CLIENT_KEY = "AKIACLIENTSECRET0001"
CLIENT_SECRET = "client-secret-access-key-planted"
CLIENT_TOKEN = "CLIENT-SESSION-TOKEN-planted"
PROXY_KEY = "AKIAPROXYCREDENTIAL1"
PROXY_SECRET = "proxy-secret-access-key"
PROXY_TOKEN = "PROXY-SESSION-TOKEN-planted"
UPSTREAM_TOKEN = base64.b64encode(b"AWS:planted-registry-password").decode()
URL_SIGNATURE = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
URL_KEY = "AKIAUPSTREAMSECRET01"
URL_TOKEN = "UPSTREAM-URL-TOKEN-planted"
MESSAGE_KEY = "AKIAUPSTREAMSECRET02"
PRESIGNED = (
    "https://bucket.s3.amazonaws.com/layer?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    f"&X-Amz-Credential={URL_KEY}%2F20240101%2Fus-east-1%2Fs3%2Faws4_request"
    f"&X-Amz-Security-Token={URL_TOKEN}&X-Amz-Signature={URL_SIGNATURE}"
)
UPSTREAM_ANSWERS: dict[str, tuple[int, Any]] = {
    "GetAuthorizationToken": (
        200,
        {
            "authorizationData": [
                {
                    "authorizationToken": UPSTREAM_TOKEN,
                    "expiresAt": 1700000000,
                    "proxyEndpoint": "https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
                }
            ]
        },
    ),
    "GetDownloadUrlForLayer": (
        200,
        {"downloadUrl": PRESIGNED, "layerDigest": "sha256:" + "a" * 64},
    ),
    "DescribeRepositories": (
        400,
        {"__type": "RepositoryNotFoundException", "message": f"not found for {MESSAGE_KEY}"},
    ),
}


class Upstream:
    """A stand-in for AWS that keeps what it was sent and answers planted secrets."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                upstream.received.append((dict(self.headers.items()), body))
                operation = self.headers["X-Amz-Target"].split(".", 1)[1]
                status, answer = UPSTREAM_ANSWERS[operation]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", JSON_CONTENT_TYPE)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("x-amzn-RequestId", "upstream-1")
                self.send_header("Set-Cookie", f"session={CLIENT_TOKEN}")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Upstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def signature_is_valid(headers: dict[str, str], body: bytes, url: str) -> bool:
    """Recompute a received request's SigV4 signature with the proxy's credentials."""
    authorization = headers["Authorization"]
    signed = re.search(r"SignedHeaders=([^,]+)", authorization)
    signature = re.search(r"Signature=([0-9a-f]+)", authorization)
    assert signed
    assert signature
    by_name = {k.lower(): v for k, v in headers.items()}
    request = AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={name: by_name[name] for name in signed.group(1).split(";")},
    )
    request.context["timestamp"] = by_name["x-amz-date"]
    auth = SigV4Auth(Credentials(PROXY_KEY, PROXY_SECRET, PROXY_TOKEN), "ecr", REGION)
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    return bool(expected == signature.group(1))


def test_no_secret_reaches_the_cassette_and_the_client_s_never_leave(tmp_path: Path) -> None:
    scope = Scope("tests/test_deploy.py::test_pull")
    sent_authorizations: list[str] = []
    with (
        Upstream() as upstream,
        RecordingProxy(
            upstream.url,
            tmp_path,
            scope=scope,
            scrubber=Scrubber(),
            credentials=(PROXY_KEY, PROXY_SECRET, PROXY_TOKEN),
            region=REGION,
        ) as proxy,
    ):
        client = client_of(
            proxy.url,
            aws_access_key_id=CLIENT_KEY,
            aws_secret_access_key=CLIENT_SECRET,
            aws_session_token=CLIENT_TOKEN,
        )

        def keep_authorization(request: Any, **_: Any) -> None:
            sent_authorizations.append(request.headers["Authorization"].decode())

        client.meta.events.register("before-send.ecr", keep_authorization)
        token = client.get_authorization_token()
        url = client.get_download_url_for_layer(
            repositoryName="app", layerDigest="sha256:" + "a" * 64
        )
        with pytest.raises(ClientError):
            client.describe_repositories(repositoryNames=[CLIENT_KEY.lower(), CLIENT_KEY])
        path = proxy.finish(scope.nodeid)
    # The client gets the answers as they came; the proxy scrubs only what it writes.
    assert token["authorizationData"][0]["authorizationToken"] == UPSTREAM_TOKEN
    assert url["downloadUrl"] == PRESIGNED

    client_signatures = [re.findall(r"Signature=([0-9a-f]+)", a)[0] for a in sent_authorizations]
    assert len(client_signatures) == 3
    # What went upstream: the proxy's credentials, a valid signature, none of the client's.
    assert len(upstream.received) == 3
    for headers, body in upstream.received:
        text = json.dumps(headers)
        assert CLIENT_TOKEN not in text
        assert CLIENT_KEY not in text
        assert not any(s in text for s in client_signatures)
        credential = f"AWS4-HMAC-SHA256 Credential={PROXY_KEY}/"
        assert headers["Authorization"].startswith(credential)
        assert f"/{REGION}/ecr/aws4_request" in headers["Authorization"]
        assert headers["X-Amz-Security-Token"] == PROXY_TOKEN
        assert signature_is_valid(headers, body, upstream.url)

    assert path is not None
    text = path.read_text(encoding="utf-8")
    for secret in (
        CLIENT_KEY,
        CLIENT_SECRET,
        CLIENT_TOKEN,
        *client_signatures,
        PROXY_KEY,
        PROXY_SECRET,
        PROXY_TOKEN,
        UPSTREAM_TOKEN,
        URL_SIGNATURE,
        URL_KEY,
        URL_TOKEN,
        MESSAGE_KEY,
        '"Authorization"',
        '"X-Amz-Security-Token"',
        "X-Amz-Security-Token=" + URL_TOKEN,
    ):
        assert secret not in text, secret
    interactions = read_cassette(path)[1]
    assert [i.operation for i in interactions] == [
        "GetAuthorizationToken",
        "GetDownloadUrlForLayer",
        "DescribeRepositories",
    ]
    assert json.loads(interactions[0].body)["authorizationData"][0]["authorizationToken"] == (
        FAKE_TOKEN
    )
    assert sorted(interactions[0].headers) == ["Content-Type", "x-amzn-RequestId"]


# -- the AWS CLI ------------------------------------------------------------------------------


def aws(cli: list[str], endpoint: str, home: Path, *args: str) -> str:
    """``aws ARGS`` against ``endpoint`` with fake credentials and no configuration; any
    connection other than to loopback goes to a closed port (the network unused)."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "AWS_ENDPOINT_URL_ECR": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_DEFAULT_OUTPUT": "json",
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    done = subprocess.run(
        [*cli, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_the_aws_cli_replays_what_it_recorded(aws_cli: list[str], tmp_path: Path) -> None:
    from moto.server import ThreadedMotoServer

    repo = f"serve-cli/{uuid.uuid4().hex[:8]}"
    commands = [
        ("ecr", "describe-images", "--repository-name", repo),
        ("ecr", "batch-get-image", "--repository-name", repo, "--image-ids", "imageTag=v1"),
        ("ecr", "list-images", "--repository-name", repo, "--max-items", "2"),
    ]

    def run(endpoint: str) -> list[str]:
        """The commands, then the next page of list-images (the CLI's own paging: moto
        answers ListImages in one page, and the CLI stops at --max-items, printing the
        NextToken to go on from)."""
        outputs = [aws(aws_cli, endpoint, tmp_path, *command) for command in commands]
        token = json.loads(outputs[-1])["NextToken"]
        next_page = (*commands[-1], "--starting-token", token)
        return [*outputs, aws(aws_cli, endpoint, tmp_path, *next_page)]

    scope = Scope("tests/test_deploy.py::test_the_cli")
    cassettes = tmp_path / "cassettes"
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        direct = client_of(f"http://{host}:{port}")
        direct.create_repository(repositoryName=repo)
        for n in (1, 2, 3):
            direct.put_image(repositoryName=repo, imageManifest=manifest(n), imageTag=f"v{n}")
        with RecordingProxy(
            f"http://{host}:{port}",
            cassettes,
            scope=scope,
            scrubber=Scrubber(),
            credentials=None,
            region=REGION,
        ) as proxy:
            live = run(proxy.url)
        proxy.finish(scope.nodeid)
        direct.delete_repository(repositoryName=repo, force=True)
    finally:
        moto.stop()  # nothing answers there any more

    recorded = read_cassette(cassette_path(cassettes, scope.nodeid))[1]
    operations = [i.operation for i in recorded]
    # The two ListImages requests are the same: replayed in order, each once.
    assert operations == ["DescribeImages", "BatchGetImage", "ListImages", "ListImages"]
    assert len(json.loads(live[0])["imageDetails"]) == 3
    assert len(json.loads(live[2])["imageIds"]) == 2
    assert len(json.loads(live[3])["imageIds"]) == 1

    with ReplayServer(cassettes, scope=scope) as replay:
        replayed = run(replay.url)
    assert replayed == live
    assert replay.mismatches == []


# -- pytest-ecr serve ------------------------------------------------------------------------


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "file"
    path.write_text("")
    return path


def _no_index(tmp_path: Path) -> Path:
    written_cassette(tmp_path, "tests/test_a.py::test_one", ("ListImages", {}, {}))
    return tmp_path


def _bad_cassette(tmp_path: Path) -> Path:
    (tmp_path / INDEX).write_text(json.dumps({"target": "moto-server"}))
    (tmp_path / "test_a").mkdir()
    (tmp_path / "test_a" / "test_one.yaml").write_text("interactions: 3\n")
    return tmp_path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda tmp: tmp / "missing", "no such directory"),
        (_a_file, "not a directory"),
        (_no_index, "no cassettes.json"),
        (_bad_cassette, "not a cassette"),
    ],
    ids=["missing", "a-file", "no-index", "bad-cassette"],
)
def test_serve_on_a_bad_directory_says_so_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Path],
    says: str,
) -> None:
    root = make(tmp_path)
    assert serve_main(["--cassette-dir", str(root)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("pytest-ecr serve: ")
    assert says in err


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_serve_answers_from_a_directory_until_stopped(tmp_path: Path, stop: int) -> None:
    written_cassette(
        tmp_path,
        "tests/test_a.py::test_one",
        ("DescribeRepositories", {}, {"repositories": [{"repositoryName": "app"}]}),
    )
    (tmp_path / INDEX).write_text(json.dumps({"target": "moto-server"}))
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_ecr.serve", "--cassette-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(
            rf"serving {re.escape(str(tmp_path))} on (http://127\.0\.0\.1:\d+) "
            r"\(set AWS_ENDPOINT_URL_ECR to it\)\n",
            line,
        )
        assert found, line
        client = client_of(found.group(1))
        assert client.describe_repositories()["repositories"] == [{"repositoryName": "app"}]
        with pytest.raises(ClientError, match="ReplayMismatch"):
            client.list_images(repositoryName="app")
        process.send_signal(stop)
        _, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "ListImages: no recorded interaction" in err  # each mismatch, on stderr
