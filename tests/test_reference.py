"""Normalisation and the two-layer diff, as pure functions on small answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_ecr.reference.diff import (
    Difference,
    order_diff,
    parsed_diff,
    timestamps_in,
    wire_diff,
)
from pytest_ecr.reference.differ import compare_calls, pair_calls, timestamp_members
from pytest_ecr.reference.files import (
    KnownDeviation,
    ReferenceFileError,
    load_known_deviations,
)
from pytest_ecr.reference.normalise import Normaliser, Placeholder
from pytest_ecr.wire import Exchange

JSON = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "r"}
AWS_ACCOUNT, EMULATOR_ACCOUNT = "210987654321", "000000000000"


def repository(account: str, name: str = "team/app", created: float = 1700000000.0) -> dict:
    return {
        "registryId": account,
        "repositoryName": name,
        "repositoryArn": f"arn:aws:ecr:eu-west-1:{account}:repository/{name}",
        "repositoryUri": f"{account}.dkr.ecr.eu-west-1.amazonaws.com/{name}",
        "createdAt": created,
    }


def both(reference: Any, live: Any, stamps: frozenset[str] = frozenset()) -> list[Difference]:
    return parsed_diff(
        Normaliser().normalise(reference, stamps), Normaliser().normalise(live, stamps)
    )


def test_accounts_arns_and_uris_of_two_registries_compare_equal() -> None:
    stamps = frozenset({"createdAt"})
    ours = {"repositories": [repository(AWS_ACCOUNT)]}
    theirs = {"repositories": [repository(EMULATOR_ACCOUNT, created=1.5)]}
    assert both(ours, theirs, stamps) == []


def test_structure_of_an_arn_and_a_uri_is_still_compared() -> None:
    ours = repository(AWS_ACCOUNT)
    wrong_service = {
        **ours,
        "repositoryArn": f"arn:aws:ecs:eu-west-1:{AWS_ACCOUNT}:repository/team/app",
    }
    wrong_host = {**ours, "repositoryUri": "localhost:4566/team/app"}
    wrong_name = {**ours, "repositoryArn": f"arn:aws:ecr:eu-west-1:{AWS_ACCOUNT}:repository/other"}
    for live in (wrong_service, wrong_host, wrong_name):
        (difference,) = both(ours, live)
        assert difference.layer == "parsed"
        assert difference.path in ("$.repositoryArn", "$.repositoryUri")


def test_identity_is_kept_within_a_test() -> None:
    """The same value in two places gets the same placeholder; two values get two."""
    norm = Normaliser()
    first = norm.normalise({"uploadId": "u-1", "registryId": AWS_ACCOUNT})
    second = norm.normalise({"uploadId": "u-1", "registryId": "111111111111"})
    assert first["uploadId"] is second["uploadId"] or first["uploadId"] == second["uploadId"]
    assert first["registryId"] == Placeholder("account", 1)
    assert second["registryId"] == Placeholder("account", 2)
    # So a registry that answers with a new upload id where the reference kept one differs.
    ref = Normaliser()
    live = Normaliser()
    same = [ref.normalise({"uploadId": "a"}), ref.normalise({"uploadId": "a"})]
    changed = [live.normalise({"uploadId": "x"}), live.normalise({"uploadId": "y"})]
    assert parsed_diff(same, changed) == [
        Difference(
            "parsed",
            "$[1].uploadId",
            Placeholder("upload-id", 1),
            Placeholder("upload-id", 2),
            "value",
        )
    ]


def test_a_value_that_looks_like_a_placeholder_is_not_one() -> None:
    assert both({"repositoryName": "<account-1>"}, {"repositoryName": AWS_ACCOUNT}) != []


def test_keys_are_never_rewritten() -> None:
    """The trap of text replacement: a value that is also a key must stay a key."""
    data = {"tags": {AWS_ACCOUNT: AWS_ACCOUNT}, AWS_ACCOUNT: {"uploadId": "u"}}
    normalised = Normaliser().normalise(data)
    assert set(normalised) == {"tags", AWS_ACCOUNT}
    assert set(normalised["tags"]) == {AWS_ACCOUNT}
    assert normalised["tags"][AWS_ACCOUNT] == Placeholder("account", 1)
    assert all(not isinstance(k, Placeholder) for k in normalised[AWS_ACCOUNT])


def test_timestamps_keep_their_type() -> None:
    assert both({"createdAt": 1.0}, {"createdAt": 2.0}, frozenset({"createdAt"})) == []
    (difference,) = wire_diff(
        Answer(200, JSON, json.dumps({"createdAt": 1.0})),
        Answer(200, JSON, json.dumps({"createdAt": "2024-01-01T00:00:00Z"})),
    )
    assert (difference.path, difference.reference, difference.live) == (
        "$.createdAt",
        "number",
        "string",
    )


def test_timestamps_keep_their_order() -> None:
    ref = [("a", 1.0), ("b", 2.0), ("c", 2.0)]
    assert order_diff(ref, [("a", 5.0), ("b", 9.0), ("c", 7.0)]) == []  # b = c either way
    (difference,) = order_diff(ref, [("a", 5.0), ("b", 4.0), ("c", 6.0)])
    assert (difference.path, difference.what) == ("b", "timestamp order")


def test_wire_layer_error_code_place_and_message_member() -> None:
    reference = Answer(
        400, JSON, json.dumps({"__type": "RepositoryNotFoundException", "message": "m"})
    )
    live = Answer(
        400,
        {**JSON, "X-Amzn-ErrorType": "RepositoryNotFoundException"},
        json.dumps({"Message": "m"}),
    )
    found = {(d.path, d.reference, d.live) for d in wire_diff(reference, live)}
    assert found == {
        ("error code sent in", "__type", "X-Amzn-ErrorType"),
        ("$.message", "message", "Message"),
        ("$.Message", "absent", "present"),
        ("$.message", "present", "absent"),
        ("$.__type", "present", "absent"),
    }


def test_wire_layer_status_media_type_members_and_types() -> None:
    reference = Answer(200, JSON, json.dumps({"a": [1], "b": {"c": 1}}))
    live = Answer(201, {"Content-Type": "application/json"}, json.dumps({"a": "1", "d": None}))
    found = {(d.path, d.reference, d.live, d.what) for d in wire_diff(reference, live)}
    assert found == {
        ("status", 200, 201, "HTTP status"),
        ("header Content-Type", "application/x-amz-json-1.1", "application/json", "media type"),
        ("$.a", "array", "string", "JSON type"),
        ("$.b", "present", "absent", "member absent"),
        ("$.d", "absent", "present", "member present"),
    }
    assert wire_diff(reference, reference) == []


def test_a_non_json_body_is_a_wire_difference() -> None:
    (difference,) = wire_diff(Answer(200, JSON, "{}"), Answer(200, JSON, "<html>"))
    assert (difference.path, difference.what) == ("$", "body is not JSON")


def test_parsed_layer_reports_items_and_values_with_paths() -> None:
    found = both(
        {"imageIds": [{"imageTag": "v1"}, {"imageTag": "v2"}]}, {"imageIds": [{"imageTag": "v9"}]}
    )
    assert [(d.path, d.reference, d.live) for d in found] == [
        ("$.imageIds", "2 items", "1 items"),
        ("$.imageIds[0].imageTag", "v1", "v9"),
    ]


def test_pre_signed_urls_and_tokens_are_placeholders() -> None:
    ref = {
        "downloadUrl": "https://bucket.s3.amazonaws.com/x?X-Amz-Signature=abc",
        "authorizationToken": "QVdT",
    }
    live = {"downloadUrl": "http://localhost:4566/x?Signature=zzz", "authorizationToken": "other"}
    assert both(ref, live) == []


def interaction(op: str, body: str, response: Any, status: int = 200) -> Exchange:
    return Exchange(op, canonical=body, status=status, headers=JSON, body=json.dumps(response))


def Answer(status: int, headers: dict[str, str], body: str) -> Exchange:
    return Exchange("DescribeImages", status=status, headers=headers, body=body)


def test_calls_pair_by_their_normalised_request() -> None:
    """The account in registryId and the uploadId a registry chose differ in requests too;
    a call whose request matches no reference call is not compared with anything."""
    ref = [
        interaction(
            "UploadLayerPart", json.dumps({"registryId": AWS_ACCOUNT, "uploadId": "u1"}), {}
        ),
        interaction(
            "UploadLayerPart", json.dumps({"registryId": AWS_ACCOUNT, "uploadId": "u2"}), {}
        ),
        interaction("B", "{}", {}),
    ]
    live = [
        interaction(
            "UploadLayerPart", json.dumps({"registryId": EMULATOR_ACCOUNT, "uploadId": "x"}), {}
        ),
        interaction(
            "UploadLayerPart", json.dumps({"registryId": EMULATOR_ACCOUNT, "uploadId": "y"}), {}
        ),
        interaction("C", "{}", {}),
    ]
    pairs = pair_calls(ref, live)
    assert [(r.body if r else None) for r, _ in pairs] == [ref[0].body, ref[1].body, None]
    result = compare_calls(pairs)
    assert result["C"].unmatched == 1
    assert result["C"].differences == []


def test_identity_across_calls_is_compared() -> None:
    """PutImage's digest must be the digest DescribeImages lists, in both registries."""
    ref = [
        interaction("InitiateLayerUpload", "{}", {"uploadId": "u1"}),
        interaction("CompleteLayerUpload", "{}", {"uploadId": "u1"}),
    ]
    live = [
        interaction("InitiateLayerUpload", "{}", {"uploadId": "x1"}),
        interaction("CompleteLayerUpload", "{}", {"uploadId": "x2"}),
    ]
    result = compare_calls(pair_calls(ref, live))
    assert result["InitiateLayerUpload"].differences == []
    (difference,) = result["CompleteLayerUpload"].differences
    assert (difference.path, difference.call) == ("$.uploadId", 2)


def test_timestamp_members_come_from_the_model() -> None:
    assert {"createdAt"} <= timestamp_members("DescribeRepositories")
    assert {"imagePushedAt", "lastRecordedPullTime"} <= timestamp_members("DescribeImages")
    assert timestamp_members("GetAuthorizationToken") == frozenset({"expiresAt"})


def test_known_deviations_match_by_operation_path_and_layer(tmp_path: Path) -> None:
    path = tmp_path / "ministack.json"
    path.write_text(
        json.dumps(
            {
                "format": "pytest-ecr-reference-deviations",
                "target": "ministack",
                "deviations": [
                    {
                        "operation": "DescribeRepositories",
                        "path": "$.repositories[*].createdAt",
                        "layer": "wire",
                        "reason": "sent as a string",
                        "link": "https://example.org/1",
                    },
                ],
            }
        )
    )
    target, (entry,) = load_known_deviations(path)
    assert target == "ministack"
    hit = Difference(
        "wire",
        "$.repositories[3].createdAt",
        "number",
        "string",
        "JSON type",
        "DescribeRepositories",
    )
    assert entry.matches(hit)
    assert not entry.matches(Difference("parsed", hit.path, 1, 2, "value", "DescribeRepositories"))
    assert not entry.matches(Difference("wire", hit.path, 1, 2, "x", "DescribeImages"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ('{"format": "other"}', "not a pytest-ecr-reference-deviations file"),
        (
            '{"format": "pytest-ecr-reference-deviations", "deviations": [{"path": "$"}]}',
            "needs an operation",
        ),
        (
            '{"format": "pytest-ecr-reference-deviations", "deviations": '
            '[{"operation": "A", "path": "$", "reason": " "}]}',
            "has no reason",
        ),
    ],
)
def test_a_bad_known_deviations_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ReferenceFileError, match=f"bad.json: .*{message}"):
        load_known_deviations(path)


def test_known_deviation_ident() -> None:
    assert KnownDeviation("A", "$.x", "r").ident == "A * $.x"


def test_digests_compare_by_identity() -> None:
    one, two = "sha256:" + "a" * 64, "sha256:" + "b" * 64
    ref = Normaliser()
    live = Normaliser()
    reference = [ref.normalise({"imageDigest": one}), ref.normalise({"imageDigest": one})]
    same = [live.normalise({"imageDigest": two}), live.normalise({"imageDigest": two})]
    assert parsed_diff(reference, same) == []
    other = Normaliser()
    changed = [other.normalise({"imageDigest": one}), other.normalise({"imageDigest": two})]
    assert [d.path for d in parsed_diff(reference, changed)] == ["$[1].imageDigest"]


def test_repositories_that_are_not_the_suites_are_left_out() -> None:
    """An AWS account's own repositories are in its listings, not in an emulator's."""
    theirs = {
        "repositories": [
            repository(AWS_ACCOUNT, "prod/api"),
            repository(AWS_ACCOUNT, "pytest-ecr/r/a"),
        ]
    }
    ours = {"repositories": [repository(EMULATOR_ACCOUNT, "pytest-ecr/r/a")]}
    stamps = frozenset({"createdAt"})
    left_out = parsed_diff(
        Normaliser("pytest-ecr/").normalise(theirs, stamps),
        Normaliser("pytest-ecr/").normalise(ours, stamps),
    )
    assert left_out == []
    assert both(theirs, ours, stamps) != []


def test_timestamps_within_the_resolution_are_not_ordered() -> None:
    """A registry that rounds to the second may put a scan 0.4 s before the push."""
    ref = [("pushed", 100.2), ("scanned", 100.6)]
    assert order_diff(ref, [("pushed", 100.7), ("scanned", 100.0)]) == []
    assert order_diff(ref, [("pushed", 103.0), ("scanned", 101.0)]) == []  # not ordered in ref
    clear = [("pushed", 100.0), ("scanned", 105.0)]
    assert [d.path for d in order_diff(clear, [("pushed", 103.0), ("scanned", 101.0)])] == [
        "scanned"
    ]


def test_iso_timestamps_are_read_as_times() -> None:
    found = list(timestamps_in({"at": "2024-01-01T00:00:01Z", "n": 5.0}, frozenset({"at", "n"})))
    assert found == [("$.at", 1704067201.0), ("$.n", 5.0)]


def test_a_policy_text_compares_as_the_document_it_is() -> None:
    def policy(account: str, indent: int | None) -> str:
        statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}}
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=indent)

    assert (
        both({"policyText": policy(AWS_ACCOUNT, 2)}, {"policyText": policy(EMULATOR_ACCOUNT, None)})
        == []
    )
    changed = json.loads(policy(EMULATOR_ACCOUNT, None))
    changed["Statement"][0]["Effect"] = "Deny"
    (difference,) = both(
        {"policyText": policy(AWS_ACCOUNT, 2)}, {"policyText": json.dumps(changed)}
    )
    assert difference.path == "$.policyText<json>$.Statement[0].Effect"


def test_accounts_inside_free_text_are_placeholders_in_place() -> None:
    def text(account: str) -> str:
        return f"key/x-arn:aws:kms:us-east-1:{account}:key/y"

    assert both({"kmsKey": text(AWS_ACCOUNT)}, {"kmsKey": text(EMULATOR_ACCOUNT)}) == []
    assert (
        both({"kmsKey": text(AWS_ACCOUNT)}, {"kmsKey": "key/x-" + text(EMULATOR_ACCOUNT)[6:-1]})
        != []
    )


def test_resources_of_other_services_are_the_registrys_to_name() -> None:
    """The KMS key a registry made for AES-256/KMS encryption has its own id."""
    ours = {"kmsKey": f"arn:aws:kms:eu-west-1:{AWS_ACCOUNT}:key/1234abcd-12ab"}
    theirs = {"kmsKey": f"arn:aws:kms:eu-west-1:{EMULATOR_ACCOUNT}:key/ffff0000-99zz"}
    assert both(ours, theirs) == []
    wrong_service = {"kmsKey": f"arn:aws:s3:eu-west-1:{EMULATOR_ACCOUNT}:key/ffff0000-99zz"}
    assert both(ours, wrong_service) != []
