"""Cassettes: the matcher, scrubbing, replay errors, and the traps of recording botocore."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_ecr.cassettes import (
    CassetteError,
    Engine,
    NetworkBlocked,
    ReplayMismatch,
    SocketGuard,
    cassette_path,
    read_cassette,
    recording_meta,
    write_cassette,
)
from pytest_ecr.scrub import FAKE_TOKEN, Scrubber
from pytest_ecr.wire import Exchange, Tap, canonical_body, in_scope

from .conftest import CannedTarget, ok

ROOT = Path(__file__).resolve().parent.parent


def test_matching_ignores_key_order_and_whitespace() -> None:
    """vcrpy's body matcher normalises only application/json; ECR sends
    application/x-amz-json-1.1, so the matcher parses the JSON itself."""
    assert canonical_body(b'{"b": 1, "a": [1, 2]}') == canonical_body(b'{"a":[1,2],\n"b":1}')
    assert canonical_body(b"") == canonical_body(b"{}")


def test_large_strings_are_stored_as_their_digest() -> None:
    body = json.dumps({"layerPartBlob": "A" * 5000, "uploadId": "u"}).encode()
    stored = canonical_body(body)
    assert len(stored) < 200
    assert "<sha256:" in stored
    assert stored != canonical_body(
        json.dumps({"layerPartBlob": "B" * 5000, "uploadId": "u"}).encode()
    )


def engine(
    tmp_path: Path, mode: str = "all", replay_only: bool = False, account: str | None = None
) -> Engine:
    return Engine(
        root=tmp_path,
        mode=mode,
        scrubber=Scrubber(account),  # type: ignore[arg-type]
        meta=recording_meta("canned"),
        replay_only=replay_only,
    )


def canned_client(recorder: Engine, answer: Any = None) -> Any:
    """A client whose calls the engine records (answered by ``answer``) or replays (with no
    answer at all: a call the cassettes miss would go to an endpoint that does not exist)."""
    target = CannedTarget()
    target.subscribers.append(recorder)
    client = target.client(parameter_validation=False)
    if answer is not None:
        client.meta.events.register("before-send.ecr", target._respond)
        target.answer = answer
    return client


def test_every_call_is_told_apart_even_with_the_same_body(tmp_path: Path) -> None:
    """With vcrpy's default matchers every ECR call is the same (POST /): a replay could
    answer GetRegistryPolicy with DescribeRegistry's answer. The operation is part of
    the key here."""
    rec = engine(tmp_path)
    answers = {
        "DescribeRegistry": {"registryId": "123456789012"},
        "GetRegistryPolicy": {"registryId": "123456789012", "policyText": "{}"},
    }
    client = canned_client(rec, lambda op, body: ok(answers[op]))
    with in_scope("tests/x.py::test_two"):
        client.describe_registry()
        client.get_registry_policy()
    rec.finish("tests/x.py::test_two")
    play = engine(tmp_path, replay_only=True)
    client = canned_client(play)
    with in_scope("tests/x.py::test_two"):
        assert client.get_registry_policy()["policyText"] == "{}"
        assert "policyText" not in client.describe_registry()
        with pytest.raises(ReplayMismatch, match="called more often than its cassette"):
            client.describe_registry()
        with pytest.raises(ReplayMismatch) as info:
            client.describe_repositories(repositoryNames=["other"])
    message = str(info.value)
    assert "tests/x.py::test_two: no recorded interaction for DescribeRepositories" in message


def test_mismatch_names_the_first_differing_field(tmp_path: Path) -> None:
    rec = engine(tmp_path)
    client = canned_client(rec, lambda op, body: ok({"repositories": []}))
    with in_scope("t.py::test_diff"):
        client.describe_repositories(repositoryNames=["recorded-name"])
    rec.finish("t.py::test_diff")
    play = engine(tmp_path, replay_only=True)
    client = canned_client(play)
    with in_scope("t.py::test_diff"), pytest.raises(ReplayMismatch) as info:
        client.describe_repositories(repositoryNames=["another-name"])
    assert (
        "first difference from the recorded DescribeRepositories: $.repositoryNames[0]: "
        "recorded 'recorded-name', sent 'another-name'"
    ) in str(info.value)


SECRETS = {
    "access key": "AKIAABCDEFGHIJKLMNOP",
    "session key": "ASIAABCDEFGHIJKLMNOP",
    "token": "QVdTOnRoaXMtaXMtYS1yZWFsLWxvb2tpbmctcGFzc3dvcmQtMTIzNDU2Nzg5MA==",
    "signature": "0123456789abcdef0123456789abcdef",
    "account": "210987654321",
}


def test_planted_secrets_never_reach_the_file(tmp_path: Path) -> None:
    def answer(op: str, body: Any) -> Any:
        if op == "GetAuthorizationToken":
            return ok(
                {
                    "authorizationData": [
                        {"authorizationToken": SECRETS["token"], "proxyEndpoint": "https://x"}
                    ]
                }
            )
        if op == "GetDownloadUrlForLayer":
            return ok(
                {
                    "layerDigest": "sha256:" + "0" * 64,
                    "downloadUrl": "https://bucket.s3.amazonaws.com/layer?X-Amz-Algorithm=AWS4"
                    f"&X-Amz-Credential={SECRETS['access key']}%2F20260101"
                    f"&X-Amz-Signature={SECRETS['signature']}"
                    f"&X-Amz-Security-Token={SECRETS['token']}",
                }
            )
        return ok(
            {
                "repositories": [
                    {
                        "repositoryName": f"leak-{SECRETS['session key']}",
                        "registryId": SECRETS["account"],
                    }
                ]
            }
        )

    rec = engine(tmp_path, account=SECRETS["account"])
    target = CannedTarget()
    target.subscribers.append(rec)
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "ecr",
        region_name="us-east-1",
        endpoint_url="http://canned.invalid",
        aws_access_key_id=SECRETS["access key"],
        aws_secret_access_key="secret",
        aws_session_token=SECRETS["token"],
        config=Config(retries={"total_max_attempts": 1}, parameter_validation=False),
    )
    Tap(client, [rec])
    target.answer = answer
    client.meta.events.register("before-send.ecr", target._respond)
    with in_scope("t.py::test_secrets"):
        client.get_authorization_token()
        client.get_download_url_for_layer(repositoryName="r", layerDigest="sha256:" + "0" * 64)
        client.describe_repositories(registryId=SECRETS["account"])
    rec.finish("t.py::test_secrets")
    text = cassette_path(tmp_path, "t.py::test_secrets").read_text()
    for name, secret in SECRETS.items():
        assert secret not in text, name
    for header in ("Authorization", "X-Amz-Security-Token", "X-Amz-Date", "User-Agent"):
        assert f"{header}:" not in text
    assert "000000000000" in text
    assert "!!binary" not in text, "headers are stored as text"


def test_a_malformed_or_truncated_cassette_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "m" / "broken.yaml"
    bad.parent.mkdir()
    bad.write_text("interactions: [\n  - {request: ")
    with pytest.raises(CassetteError, match=r"broken\.yaml: not a YAML cassette"):
        read_cassette(bad)
    bad.write_text(yaml.safe_dump({"interactions": [{"request": {}}], "version": 1}))
    with pytest.raises(CassetteError, match=r"broken\.yaml: an interaction is not a recorded"):
        read_cassette(bad)
    bad.write_text(yaml.safe_dump({"interactions": [], "version": 2}))
    with pytest.raises(CassetteError, match=r"broken\.yaml: cassette version 2"):
        read_cassette(bad)


def test_an_older_botocore_recording_is_named(tmp_path: Path) -> None:
    rec = engine(tmp_path)
    rec.meta = {**rec.meta, "botocore": "1.0.0"}
    client = canned_client(rec, lambda op, body: ok({"repositories": []}))
    with in_scope("t.py::test_old"):
        client.describe_repositories()
    rec.finish("t.py::test_old")
    play = engine(tmp_path, replay_only=True)
    client = canned_client(play)
    with in_scope("t.py::test_old"):
        client.describe_repositories()
    (warning,) = play.warnings
    assert "test_old.yaml: recorded with botocore 1.0.0" in warning


def test_socket_guard_blocks_and_restores() -> None:
    guard = SocketGuard("replaying cassettes; record with --ecr-record-mode")
    original = socket.socket.connect
    guard.start()
    try:
        with socket.socket() as sock, pytest.raises(NetworkBlocked, match=r"127\.0\.0\.1:9"):
            sock.connect(("127.0.0.1", 9))
    finally:
        guard.stop()
    assert socket.socket.connect is original


def _text(body: str | bytes) -> str:
    """vcrpy hands response bodies back as bytes."""
    return body.decode("utf-8") if isinstance(body, bytes) else body


def test_vcrpy_can_open_the_shipped_cassettes() -> None:
    """The files stay vcrpy's format: vcrpy's YAML serializer loads every one of them (they
    are written as JSON text, which is YAML) with the same calls our reader finds."""
    from vcr.persisters.filesystem import FilesystemPersister
    from vcr.serializers import yamlserializer

    paths = sorted((ROOT / "cassettes").rglob("*.yaml"))
    assert len(paths) > 500
    for path in paths:
        requests, responses = FilesystemPersister.load_cassette(path, yamlserializer)
        _, interactions = read_cassette(path)
        assert len(requests) == len(responses) == len(interactions), path
        assert all(r.method == "POST" for r in requests)
        assert [canonical_body(r.body) for r in requests] == [i.canonical for i in interactions]
        assert [_text(r["body"]["string"]) for r in responses] == [i.text for i in interactions]


def test_a_cassette_with_non_ascii_text_reads_back_the_same_in_vcrpy(tmp_path: Path) -> None:
    """Written as UTF-8, not as escaped surrogate pairs, which PyYAML reads as two
    characters."""
    from vcr.persisters.filesystem import FilesystemPersister
    from vcr.serializers import yamlserializer

    text = json.dumps({"description": 'café 🐋 tab\there \\ "quoted"'})
    interaction = Exchange(
        "DescribeRegistry", canonical="{}", status=200, headers={"Content-Type": "x"}, body=text
    )
    path = tmp_path / "m" / "t.yaml"
    write_cassette(path, [interaction], {"target": "moto-server"})
    assert read_cassette(path)[1] == [interaction]
    _, responses = FilesystemPersister.load_cassette(path, yamlserializer)
    assert _text(responses[0]["body"]["string"]) == text


def test_shipped_cassettes_hold_no_secrets() -> None:
    import re

    paths = list((ROOT / "cassettes").rglob("*.yaml"))
    assert len(paths) > 500
    for path in paths:
        text = path.read_text()
        assert not re.search(r"AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}", text), path
        # The parsed structure, whatever the file's syntax: only the operation and the
        # content type are kept of a request's headers, and no response header signs.
        document = yaml.safe_load(text)
        for stored in document["interactions"]:
            assert set(stored["request"]["headers"]) == {"X-Amz-Target", "Content-Type"}, path
            assert {h.lower() for h in stored["response"]["headers"]} <= {
                "content-type",
                "x-amzn-requestid",
                "x-amzn-errortype",
            }, path
        for interaction in read_cassette(path)[1]:
            if interaction.operation == "GetAuthorizationToken" and interaction.status == 200:
                for item in json.loads(interaction.text)["authorizationData"]:
                    assert item["authorizationToken"] == FAKE_TOKEN, path


def test_recording_needs_an_http_target(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_x():\n    pass\n")
    result = pytester.runpytest_subprocess("--ecr-record-mode=all")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: pytest-ecr: --ecr-record-mode: recording needs an HTTP target (moto-server, "
            "url or aws): in-process moto never reaches the HTTP layer*"
        ]
    )


def test_user_tests_record_and_replay_offline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import socket

def test_image(ecr_client, ecr_image):
    details = ecr_client.describe_images(repositoryName=ecr_image.repository.name)
    assert details["imageDetails"][0]["imageDigest"] == ecr_image.digest

def test_network_is_blocked_in_replay(ecr_client):
    ecr_client.describe_repositories()
"""
    )
    recorded = pytester.runpytest_subprocess("--ecr-target=moto-server", "--ecr-record-mode=all")
    recorded.assert_outcomes(passed=2)
    assert (pytester.path / "cassettes" / "test_user" / "test_image.yaml").exists()
    replayed = pytester.runpytest_subprocess("--ecr-target=replay", "-p", "no:randomly")
    replayed.assert_outcomes(passed=2)
    pytester.makepyfile(
        test_more="""
import socket, pytest

def test_connect(ecr_client):
    ecr_client.describe_repositories()
    with socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
"""
    )
    blocked = pytester.runpytest_subprocess("--ecr-target=replay", "test_more.py")
    blocked.assert_outcomes(failed=1)
    blocked.stdout.fnmatch_lines(
        ["*NetworkBlocked: pytest-ecr replay blocks the network: connect to 127.0.0.1:9*"]
    )


def test_replay_without_cassettes_says_how_to_get_them(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_x(ecr_client):\n    ecr_client.list_images()\n")
    result = pytester.runpytest_subprocess("--ecr-target=replay")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: pytest-ecr: *cassettes.json: cannot read it*record cassettes first with "
            "--ecr-record-mode=all against a live target"
        ]
    )


def test_recording_makes_one_attempt_per_request(tmp_path: Path) -> None:
    """A throttled or 5xx attempt must not be stored as if it were the answer: while
    recording or replaying, botocore makes one attempt; and names are repeatable."""
    from pytest_ecr.run import EcrRun
    from pytest_ecr.settings import EcrSettings

    settings = EcrSettings(
        target="moto-server", record_mode="all", max_attempts=5, cassette_dir=str(tmp_path)
    )
    run = EcrRun(settings, "rrandom1", tmp_path)
    assert run.target.max_attempts == 1
    assert run.namer.run_id == "rcassette"
    assert run.namer.repeatable
    live = EcrRun(EcrSettings(target="moto-server", max_attempts=5), "rrandom1", tmp_path)
    assert live.target.max_attempts == 5
    assert live.namer.run_id == "rrandom1"


def test_scrub_account_id_replaces_the_account_the_target_answers_with(tmp_path: Path) -> None:
    """--ecr-scrub-account-id: the account id is learnt from the first registryId answered
    and replaced in that interaction and every later one."""
    from pytest_ecr.run import EcrRun
    from pytest_ecr.settings import EcrSettings

    run = EcrRun(
        EcrSettings(
            target="moto-server",
            record_mode="all",
            scrub_account_id=True,
            cassette_dir=str(tmp_path),
        ),
        "r1",
        tmp_path,
    )
    assert run.engine is not None
    account = "210987654321"
    repo = {
        "repositoryName": "r",
        "registryId": account,
        "repositoryArn": f"arn:aws:ecr:us-east-1:{account}:repository/r",
    }
    client = canned_client(run.engine, lambda op, body: ok({"repository": repo}))
    with in_scope("t.py::test_account"):
        client.create_repository(repositoryName="r")
        client.describe_repositories(registryId=account)
    run.engine.finish("t.py::test_account")
    text = cassette_path(tmp_path, "t.py::test_account").read_text()
    assert account not in text
    assert "arn:aws:ecr:us-east-1:000000000000:repository/r" in text
    unscrubbed = EcrRun(
        EcrSettings(target="moto-server", record_mode="all", cassette_dir=str(tmp_path)),
        "r1",
        tmp_path,
    )
    assert unscrubbed.engine is not None
    assert not unscrubbed.engine.scrubber.learn_account
