"""The ECR model enforced on in-process moto and on moto-server (pytest_ecr.enforcement).

These tests use moto and boto3 directly (region us-east-1, fake credentials), not the
plugin's fixtures.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import moto
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from pytest_ecr.enforcement import (
    Answer,
    EnforcedWsgiApp,
    Enforcer,
    default_page_size,
    enforce_in_process,
    enforce_server,
    format_message,
    in_process_active,
    manifest_digest,
    moto_natively_paged,
    moto_unsupported,
    unenforce_server,
)
from pytest_ecr.model import EcrModel, load_model

FAKE = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"
#: botocore itself refuses a missing required member or a too-short value before
#: sending; with this off, those reach the server (see DESIGN.md).
NO_CLIENT_VALIDATION = Config(parameter_validation=False)
JSON_11 = "application/x-amz-json-1.1"


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


def oci_index() -> str:
    """An OCI image index, pretty-printed so its bytes differ from any re-serialisation."""
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {
                    "mediaType": "application/vnd.oci.image.manifest.v1+json",
                    "digest": manifest_digest(manifest(n)),
                    "size": len(manifest(n)),
                    "platform": {"architecture": arch, "os": "linux"},
                }
                for n, arch in ((1, "amd64"), (2, "arm64"))
            ],
        },
        indent=3,
    )


def make_client(**config: Any) -> BaseClient:
    return boto3.client("ecr", region_name=REGION, config=Config(**config), **FAKE)


@pytest.fixture(scope="module")
def enforcer() -> Enforcer:
    return Enforcer()


@pytest.fixture
def mocked() -> Iterator[BaseClient]:
    """A client on a fresh in-process moto, enforcement off."""
    with moto.mock_aws():
        yield make_client()


@pytest.fixture
def raw_client(mocked: BaseClient) -> BaseClient:
    """A client on the same moto that leaves all validation to the server."""
    return make_client(parameter_validation=False)


@pytest.fixture
def enforced(mocked: BaseClient, enforcer: Enforcer) -> Iterator[BaseClient]:
    with enforce_in_process(enforcer):
        yield mocked


def push_images(client: BaseClient, repository: str, count: int) -> None:
    client.create_repository(repositoryName=repository)
    for i in range(count):
        client.put_image(repositoryName=repository, imageManifest=manifest(i), imageTag=f"t{i}")


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    meta = response["ResponseMetadata"]
    return response["Error"]["Code"], response["Error"]["Message"], meta["HTTPStatusCode"]


# -- pagination ---------------------------------------------------------------


def test_describe_images_pages_of_100_with_enforcement_and_all_without(
    mocked: BaseClient, enforcer: Enforcer
) -> None:
    push_images(mocked, "paged", 150)

    plain = mocked.describe_images(repositoryName="paged")
    assert len(plain["imageDetails"]) == 150
    assert "nextToken" not in plain

    with enforce_in_process(enforcer):
        first = mocked.describe_images(repositoryName="paged")
        assert len(first["imageDetails"]) == 100
        assert first["nextToken"]
        second = mocked.describe_images(repositoryName="paged", nextToken=first["nextToken"])
        assert len(second["imageDetails"]) == 50
        assert "nextToken" not in second  # the last page has none

        pages = list(mocked.get_paginator("describe_images").paginate(repositoryName="paged"))
        # Images pushed without enforcement carry moto's digest (the same for all these
        # layer-less manifests), so they are told apart by tag.
        tags = [t for p in pages for d in p["imageDetails"] for t in d["imageTags"]]
        assert [len(p["imageDetails"]) for p in pages] == [100, 50]
        assert sorted(tags) == sorted(f"t{i}" for i in range(150))


def test_max_results_and_tokens_resume_where_the_last_page_ended(enforced: BaseClient) -> None:
    push_images(enforced, "resume", 23)
    everything = enforced.list_images(repositoryName="resume", maxResults=1000)["imageIds"]
    assert len(everything) == 23

    seen: list[Any] = []
    token: str | None = None
    sizes = []
    while True:
        kwargs: dict[str, Any] = {"repositoryName": "resume", "maxResults": 5}
        if token:
            kwargs["nextToken"] = token
        page = enforced.list_images(**kwargs)
        sizes.append(len(page["imageIds"]))
        seen.extend(page["imageIds"])
        token = page.get("nextToken")
        if not token:
            break
    assert sizes == [5, 5, 5, 5, 3]
    assert seen == everything


def test_a_token_never_issued_is_refused(enforced: BaseClient) -> None:
    push_images(enforced, "tokens", 3)
    with pytest.raises(ClientError) as excinfo:
        enforced.describe_images(repositoryName="tokens", nextToken="bm90LWEtdG9rZW4=")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidParameterException", 400)
    assert "'nextToken'" in message


def test_a_token_is_only_good_for_the_request_it_was_issued_for(enforced: BaseClient) -> None:
    push_images(enforced, "first", 3)
    push_images(enforced, "second", 3)
    token = enforced.list_images(repositoryName="first", maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        enforced.list_images(repositoryName="second", nextToken=token)
    assert error_of(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError):
        enforced.describe_images(repositoryName="first", nextToken=token)
    # The same token twice gives the same page.
    again = [enforced.list_images(repositoryName="first", nextToken=token) for _ in range(2)]
    assert again[0]["imageIds"] == again[1]["imageIds"]


def test_requests_naming_images_are_not_paged(enforced: BaseClient) -> None:
    push_images(enforced, "named", 3)
    ids = [{"imageTag": "t0"}, {"imageTag": "t1"}]
    answer = enforced.describe_images(repositoryName="named", imageIds=ids)
    assert len(answer["imageDetails"]) == 2
    assert "nextToken" not in answer


def test_default_page_size_is_read_from_the_model_documentation() -> None:
    assert default_page_size("then <code>X</code> returns up to 100 results and a") == 100
    assert default_page_size("returns up to&#x2028;25 results") == 25
    assert default_page_size("The maximum number of results.") is None
    assert default_page_size(None) is None
    rules = Enforcer(unsupported=(), natively_paged=()).page_rules
    assert rules["DescribeImages"].default_limit == 100
    assert rules["ListReplicationBackfills"].default_limit == 25
    assert rules["DescribeImages"].exclusive_with == ("imageIds",)
    assert set(rules) == set(load_model().paginators)


def test_an_operation_moto_pages_itself_is_left_alone() -> None:
    assert "DescribeImages" not in moto_natively_paged()
    enforcer = Enforcer(natively_paged={"DescribeImages"})
    assert "DescribeImages" not in enforcer.page_rules
    assert "ListImages" in enforcer.page_rules


# -- validation -----------------------------------------------------------------


def test_bad_repository_name_refused_with_enforcement(
    mocked: BaseClient, enforcer: Enforcer
) -> None:
    """moto 5.2.5 checks CreateRepository's name itself, after its existence check and
    against its own pattern, and no other operation's; the model's rules hold for all."""
    too_long = "a" * 257
    # Without enforcement: moto's own refusal (its pattern), a 257-character name
    # accepted, and other operations look a bad name up.
    with pytest.raises(ClientError) as excinfo:
        mocked.create_repository(repositoryName="Bad_Name")
    assert "(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*" in error_of(excinfo)[1]
    mocked.create_repository(repositoryName=too_long)
    mocked.delete_repository(repositoryName=too_long)
    with pytest.raises(ClientError) as excinfo:
        mocked.describe_images(repositoryName="Bad_Name")
    assert error_of(excinfo)[0] == "RepositoryNotFoundException"

    pattern = load_model().shape("RepositoryName").metadata["pattern"]
    with enforce_in_process(enforcer):
        with pytest.raises(ClientError) as excinfo:
            mocked.create_repository(repositoryName="Bad_Name")
        code, message, status = error_of(excinfo)
        assert (code, status) == ("InvalidParameterException", 400)
        assert message == (
            "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
            f"'must satisfy regular expression '{pattern}''"
        )
        headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
        assert headers["content-type"] == JSON_11
        assert headers["x-amzn-requestid"]

        with pytest.raises(ClientError) as excinfo:
            mocked.create_repository(repositoryName=too_long)
        assert error_of(excinfo)[1] == (
            "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
            "'must have length less than or equal to 256'"
        )
        # Refused before any lookup: not RepositoryNotFoundException.
        with pytest.raises(ClientError) as excinfo:
            mocked.describe_images(repositoryName="Bad_Name")
        assert error_of(excinfo)[0] == "InvalidParameterException"
    assert mocked.describe_repositories()["repositories"] == []


_RULES = [
    {
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [{"filter": "ok", "filterType": "WILDCARD"}],
    },
    {
        "scanFrequency": "SCAN_ON_PUSH",
        "repositoryFilters": [
            {"filter": "fine/*", "filterType": "WILDCARD"},
            {"filter": "Not Fine", "filterType": "WILDCARD"},
        ],
    },
]
_FILTER_PATTERN = load_model().shape("ScanningRepositoryFilterValue").metadata["pattern"]

#: (constraint kind, method, arguments, expected message). Every request names a
#: repository that does not exist, so a refusal that is not RepositoryNotFoundException
#: shows the check ran before any resource lookup.
CONSTRAINT_CASES: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "required",
        "describe_images",
        {},
        "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
        "'Member must not be null'",
    ),
    (
        "nested-required",
        "put_replication_configuration",
        {"replicationConfiguration": {"rules": [{"destinations": [{"region": "us-west-2"}]}]}},
        "Invalid parameter at "
        "'replicationConfiguration.rules.1.member.destinations.1.member.registryId' "
        "failed to satisfy constraint: 'Member must not be null'",
    ),
    (
        "min-length",
        "describe_images",
        {"repositoryName": "a"},
        "Invalid parameter at 'repositoryName' failed to satisfy constraint: "
        "'must have length greater than or equal to 2'",
    ),
    (
        "max-length",
        "put_image",
        {"repositoryName": "missing", "imageManifest": "{}", "imageTag": "t" * 301},
        "Invalid parameter at 'imageTag' failed to satisfy constraint: "
        "'Member must have length less than or equal to 300'",
    ),
    (
        "list-min",
        "batch_get_image",
        {"repositoryName": "missing", "imageIds": []},
        "Invalid parameter at 'imageIds' failed to satisfy constraint: "
        "'Member must have length greater than or equal to 1'",
    ),
    (
        "list-max",
        "batch_get_image",
        {"repositoryName": "missing", "imageIds": [{"imageTag": f"t{i}"} for i in range(101)]},
        "Invalid parameter at 'imageIds' failed to satisfy constraint: "
        "'Member must have length less than or equal to 100'",
    ),
    (
        "range-max",
        "describe_images",
        {"repositoryName": "missing", "maxResults": 5000},
        "Invalid parameter at 'maxResults' failed to satisfy constraint: "
        "'Member must have value less than or equal to 1000'",
    ),
    (
        "range-min",
        "list_images",
        {"repositoryName": "missing", "maxResults": 0},
        "Invalid parameter at 'maxResults' failed to satisfy constraint: "
        "'Member must have value greater than or equal to 1'",
    ),
    (
        "pattern",
        "describe_images",
        {"repositoryName": "missing", "registryId": "12345"},
        "Invalid parameter at 'registryId' failed to satisfy constraint: "
        "'must satisfy regular expression [0-9]{12}'",
    ),
    (
        "pattern-unanchored-in-model",
        "describe_images",
        {"repositoryName": "missing", "registryId": "1234567890123"},
        "Invalid parameter at 'registryId' failed to satisfy constraint: "
        "'must satisfy regular expression [0-9]{12}'",
    ),
    (
        "enum",
        "create_repository",
        {"repositoryName": "missing", "imageTagMutability": "SOMETIMES"},
        "Invalid parameter at 'imageTagMutability' failed to satisfy constraint: "
        "'Member must satisfy enum value set: "
        "[MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION, MUTABLE_WITH_EXCLUSION]'",
    ),
    (
        "list-item-pattern",
        "get_authorization_token",
        {"registryIds": ["123456789012", "12"]},
        "Invalid parameter at 'registryIds' failed to satisfy constraint: "
        "'Member must satisfy constraint: [Member must satisfy regular expression pattern: "
        "[0-9]{12}]'",
    ),
    (
        "nested-list-member-pattern",
        "put_registry_scanning_configuration",
        {"scanType": "BASIC", "rules": _RULES},
        "Invalid parameter at 'rules.2.member.repositoryFilters.2.member.filter' failed to "
        f"satisfy constraint: 'Member must satisfy regular expression pattern: {_FILTER_PATTERN}'",
    ),
]


@pytest.mark.parametrize(
    ("method", "kwargs", "message"),
    [case[1:] for case in CONSTRAINT_CASES],
    ids=[case[0] for case in CONSTRAINT_CASES],
)
def test_every_constraint_kind_is_refused_with_its_path(
    raw_client: BaseClient, enforcer: Enforcer, method: str, kwargs: dict[str, Any], message: str
) -> None:
    with enforce_in_process(enforcer), pytest.raises(ClientError) as excinfo:
        getattr(raw_client, method)(**kwargs)
    assert error_of(excinfo) == ("InvalidParameterException", message, 400)


def test_blob_size_counts_decoded_bytes(raw_client: BaseClient, enforcer: Enforcer) -> None:
    limit = load_model().shape("LayerPartBlob").metadata["max"]
    with enforce_in_process(enforcer), pytest.raises(ClientError) as excinfo:
        raw_client.upload_layer_part(
            repositoryName="missing",
            uploadId="00000000-0000-0000-0000-000000000000",
            partFirstByte=0,
            partLastByte=limit,
            layerPartBlob=b"\0" * (limit + 1),
        )
    assert error_of(excinfo) == (
        "InvalidParameterException",
        "Invalid parameter at 'layerPartBlob' failed to satisfy constraint: "
        f"'Member must have length less than or equal to {limit}'",
        400,
    )
    # Exactly at the limit the blob passes validation and reaches moto.
    body = {
        "repositoryName": "missing",
        "uploadId": "00000000-0000-0000-0000-000000000000",
        "partFirstByte": 0,
        "partLastByte": 1,
        "layerPartBlob": base64.b64encode(b"\0" * limit).decode(),
    }
    assert enforcer.validate("UploadLayerPart", body) is None


def test_valid_requests_reach_moto(enforced: BaseClient) -> None:
    with pytest.raises(ClientError) as excinfo:
        enforced.describe_images(repositoryName="missing", registryId="123456789012")
    assert error_of(excinfo)[0] == "RepositoryNotFoundException"
    enforced.put_registry_scanning_configuration(scanType="BASIC", rules=_RULES[:1])


def test_the_error_answer_on_the_wire(enforcer: Enforcer) -> None:
    answer = enforcer.validate("CreateRepository", {"repositoryName": "Bad_Name"})
    assert answer is not None
    assert answer.status == 400
    assert answer.headers["Content-Type"] == JSON_11
    assert answer.headers["x-amzn-RequestId"]
    body = json.loads(answer.body)
    assert set(body) == {"__type", "message"}
    assert body["__type"] == "InvalidParameterException"
    assert enforcer.validate("CreateRepository", {"repositoryName": "good/name"}) is None


def test_validation_code_follows_the_operations_modeled_errors(enforcer: Enforcer) -> None:
    assert enforcer.validation_code("CreateRepository") == "InvalidParameterException"
    assert enforcer.validation_code("DescribeImageScanFindings") == "InvalidParameterException"
    assert enforcer.validation_code("DeleteSigningConfiguration") == "ValidationException"


def test_coral_message_lists_every_violation(enforcer: Enforcer) -> None:
    violations = enforcer.violations(
        "DescribeImages", {"registryId": "x", "repositoryName": "A", "maxResults": 0}
    )
    assert [(v.path, v.constraint) for v in violations] == [
        ("registryId", "pattern"),
        ("repositoryName", "min"),
        ("repositoryName", "pattern"),
        ("maxResults", "min"),
    ]
    message = format_message("ValidationException", violations)
    assert message.startswith("4 validation errors detected: Value 'x' at 'registryId' failed")
    assert (
        "; Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1" in message
    )
    assert format_message("InvalidParameterException", violations) == (
        "Invalid parameter at 'registryId' failed to satisfy constraint: "
        "'must satisfy regular expression [0-9]{12}'"
    )


# -- unsupported operations -----------------------------------------------------


def test_moto_unsupported_is_read_from_motos_source() -> None:
    unsupported = moto_unsupported()
    assert "GetDownloadUrlForLayer" in unsupported  # the method only raises
    assert "DescribeImageSigningStatus" in unsupported  # no method
    assert "DescribeImages" not in unsupported
    assert "PutImage" not in unsupported


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        (
            "get_download_url_for_layer",
            {"repositoryName": "repo", "layerDigest": "sha256:" + "0" * 64},
        ),
        ("describe_image_signing_status", {"repositoryName": "repo", "imageId": {"imageTag": "t"}}),
    ],
)
def test_unsupported_operation_in_process(
    mocked: BaseClient, enforcer: Enforcer, method: str, kwargs: dict[str, Any]
) -> None:
    with pytest.raises(NotImplementedError):
        getattr(mocked, method)(**kwargs)
    with enforce_in_process(enforcer), pytest.raises(ClientError) as excinfo:
        getattr(mocked, method)(**kwargs)
    assert error_of(excinfo)[0::2] == ("UnknownOperationException", 400)


def test_an_action_the_model_lacks_is_unknown(enforcer: Enforcer) -> None:
    def never(body: bytes) -> Answer:
        raise AssertionError("moto must not be asked")

    answer = enforcer.handle("NoSuchAction", b"{}", never)
    assert answer is not None
    assert (answer.status, answer.json()) == (400, {"__type": "UnknownOperationException"})


# -- digests ------------------------------------------------------------------


def test_registry_computed_digest_is_sha256_of_the_manifest_bytes(
    mocked: BaseClient, enforcer: Enforcer
) -> None:
    index = oci_index()
    expected = "sha256:" + hashlib.sha256(index.encode("utf-8")).hexdigest()
    mocked.create_repository(repositoryName="plain")
    plain = mocked.put_image(repositoryName="plain", imageManifest=index, imageTag="v1")
    assert plain["image"]["imageId"]["imageDigest"] != expected  # moto's own digest

    with enforce_in_process(enforcer):
        digests = []
        for repository in ("one", "two"):
            mocked.create_repository(repositoryName=repository)
            pushed = mocked.put_image(repositoryName=repository, imageManifest=index)
            digests.append(pushed["image"]["imageId"]["imageDigest"])
            described = mocked.describe_images(repositoryName=repository)["imageDetails"]
            assert [d["imageDigest"] for d in described] == [expected]
            got = mocked.batch_get_image(
                repositoryName=repository, imageIds=[{"imageDigest": expected}]
            )
            assert got["images"][0]["imageManifest"] == index
        assert digests == [expected, expected]

        # A digest the client sends is left as it is.
        mocked.create_repository(repositoryName="three")
        own = manifest_digest(manifest(7))
        pushed = mocked.put_image(
            repositoryName="three", imageManifest=manifest(7), imageDigest=own
        )
        assert pushed["image"]["imageId"]["imageDigest"] == own


def test_digest_of_non_ascii_manifest_uses_utf8() -> None:
    text = json.dumps({"schemaVersion": 2, "annotations": {"note": "é"}}, ensure_ascii=False)
    assert manifest_digest(text) == "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# -- a modified model ----------------------------------------------------------


def _modified_model() -> tuple[dict[str, Any], dict[str, Any], EcrModel]:
    """The installed model with a new constraint and a new paginator.

    - ``TagList`` gets ``max: 50`` (AWS's documented limit of 50 tags a resource,
      which the botocore model does not state);
    - ``ListTagsForResource`` gets ``maxResults``/``nextToken`` and a paginator whose
      limit member says "returns up to 2 results".
    """
    base = load_model()
    raw = copy.deepcopy(dict(base.raw_service))
    shapes = raw["shapes"]
    shapes["TagList"]["max"] = 50
    shapes["ListTagsForResourceRequest"]["members"]["maxResults"] = {
        "shape": "MaxResults",
        "documentation": "<p>If this parameter is not used, then <code>ListTagsForResource</code> "
        "returns up to 2 results and a <code>nextToken</code> value.</p>",
    }
    shapes["ListTagsForResourceRequest"]["members"]["nextToken"] = {"shape": "NextToken"}
    shapes["ListTagsForResourceResponse"]["members"]["nextToken"] = {"shape": "NextToken"}
    paginators = {
        name: {
            "input_token": p.input_token,
            "output_token": p.output_token,
            "limit_key": p.limit_key,
            "result_key": list(p.result_keys),
        }
        for name, p in base.paginators.items()
    }
    paginators["ListTagsForResource"] = {
        "input_token": "nextToken",
        "output_token": "nextToken",
        "limit_key": "maxResults",
        "result_key": "tags",
    }
    return raw, paginators, EcrModel(raw, paginators, {})


@pytest.fixture
def modified(tmp_path: Path) -> tuple[EcrModel, BaseClient]:
    """The modified model, and a client built from it (moto active)."""
    raw, paginators, model = _modified_model()
    version = raw["metadata"]["apiVersion"]
    folder = tmp_path / "ecr" / version
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(raw))
    (folder / "paginators-1.json").write_text(json.dumps({"pagination": paginators}))
    session = botocore.session.Session()
    session.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    client = boto3.Session(botocore_session=session).client("ecr", region_name=REGION, **FAKE)
    return model, client


def test_a_modified_model_is_enforced_with_no_new_code(
    mocked: BaseClient, modified: tuple[EcrModel, BaseClient]
) -> None:
    model, client = modified
    sixty = [{"Key": f"k{i}", "Value": "v"} for i in range(60)]

    # The installed model states no tag limit: enforced or not, 60 tags pass.
    with enforce_in_process():
        client.create_repository(repositoryName="sixty", tags=sixty)

    with enforce_in_process(Enforcer(model)):
        # The new constraint.
        with pytest.raises(ClientError) as excinfo:
            client.create_repository(repositoryName="sixty-more", tags=sixty)
        assert error_of(excinfo) == (
            "InvalidParameterException",
            "Invalid parameter at 'tags' failed to satisfy constraint: "
            "'Member must have length less than or equal to 50'",
            400,
        )
        # The new paginator, with its documented default page of 2.
        arn = client.create_repository(
            repositoryName="five-tags", tags=[{"Key": f"k{i}", "Value": "v"} for i in range(5)]
        )["repository"]["repositoryArn"]
        first = client.list_tags_for_resource(resourceArn=arn)
        assert len(first["tags"]) == 2
        assert first["nextToken"]
        pages = list(client.get_paginator("list_tags_for_resource").paginate(resourceArn=arn))
        assert [len(p["tags"]) for p in pages] == [2, 2, 1]
        assert sorted(t["Key"] for p in pages for t in p["tags"]) == [f"k{i}" for i in range(5)]
        three = client.list_tags_for_resource(resourceArn=arn, maxResults=3)
        assert len(three["tags"]) == 3

    assert "sixty-more" not in {
        r["repositoryName"] for r in mocked.describe_repositories()["repositories"]
    }


def test_the_validation_code_comes_from_the_models_error_shapes(mocked: BaseClient) -> None:
    raw = copy.deepcopy(dict(load_model().raw_service))
    errors = raw["operations"]["DescribeRepositories"]["errors"]
    raw["operations"]["DescribeRepositories"]["errors"] = [
        e for e in errors if e["shape"] != "InvalidParameterException"
    ] + [{"shape": "ValidationException"}]
    model = EcrModel(raw, {}, {})
    client = make_client(parameter_validation=False)
    with enforce_in_process(Enforcer(model)), pytest.raises(ClientError) as excinfo:
        client.describe_repositories(maxResults=0)
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
        "constraint: Member must have value greater than or equal to 1",
        400,
    )


# -- the in-process adapter ---------------------------------------------------


def test_enforcement_is_off_again_after_the_context(mocked: BaseClient) -> None:
    from moto.core.models import botocore_stubber

    assert "process_request" not in vars(botocore_stubber)
    with enforce_in_process() as active:
        assert in_process_active() is active
        assert "process_request" in vars(botocore_stubber)
    assert in_process_active() is None
    assert "process_request" not in vars(botocore_stubber)
    with pytest.raises(ClientError) as excinfo:
        mocked.describe_images(repositoryName="Bad_Name")
    assert error_of(excinfo)[0] == "RepositoryNotFoundException"  # moto looked it up

    with pytest.raises(RuntimeError, match="boom"), enforce_in_process():
        raise RuntimeError("boom")
    assert in_process_active() is None
    assert "process_request" not in vars(botocore_stubber)
    mocked.create_repository(repositoryName="a" * 257)  # moto alone accepts it


def test_nested_enforcers_innermost_answers() -> None:
    outer = Enforcer()
    inner = Enforcer(unsupported={"DescribeRepositories"})
    with moto.mock_aws():
        client = make_client()
        with enforce_in_process(outer):
            client.describe_repositories()
            with enforce_in_process(inner):
                with pytest.raises(ClientError) as excinfo:
                    client.describe_repositories()
                assert error_of(excinfo)[0] == "UnknownOperationException"
            client.describe_repositories()


def test_enforcement_started_outside_the_users_mock(enforcer: Enforcer) -> None:
    """Started before the user's own mock_aws(), made before the client: both work."""
    with enforce_in_process(enforcer):
        with moto.mock_aws():
            client = make_client()
            with pytest.raises(ClientError):
                client.create_repository(repositoryName="Bad_Name")
        # No mock active: moto's stubber is disabled and enforcement never runs.
        assert in_process_active() is enforcer


def test_other_services_pass_through(enforced: BaseClient) -> None:
    sts = boto3.client("sts", region_name=REGION, **FAKE)
    assert sts.get_caller_identity()["Account"]


# -- moto-server ----------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[tuple[ThreadedMotoServer, str]]:
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    instance = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    instance.start()
    host, port = instance.get_host_and_port()
    try:
        yield instance, f"http://{host}:{port}"
    finally:
        instance.stop()


def server_client(url: str) -> BaseClient:
    return boto3.client(
        "ecr",
        region_name=REGION,
        endpoint_url=url,
        config=Config(retries={"total_max_attempts": 1}),
        **FAKE,
    )


def test_unsupported_operation_on_moto_server(
    server: tuple[ThreadedMotoServer, str], enforcer: Enforcer
) -> None:
    instance, url = server
    client = server_client(url)
    kwargs = {"repositoryName": "repo", "layerDigest": "sha256:" + "0" * 64}
    with pytest.raises(ClientError) as excinfo:
        client.get_download_url_for_layer(**kwargs)
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500  # moto's HTML

    assert enforce_server(instance, enforcer) is enforcer
    assert enforce_server(instance) is enforcer  # idempotent
    with pytest.raises(ClientError) as excinfo:
        client.get_download_url_for_layer(**kwargs)
    assert error_of(excinfo)[0::2] == ("UnknownOperationException", 400)
    headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == JSON_11

    unenforce_server(instance)
    assert not isinstance(getattr(instance, "_server").app, EnforcedWsgiApp)  # noqa: B009


def test_moto_server_validates_pages_and_digests(
    server: tuple[ThreadedMotoServer, str], enforcer: Enforcer
) -> None:
    instance, url = server
    enforce_server(instance, enforcer)
    client = server_client(url)
    with pytest.raises(ClientError) as excinfo:
        client.create_repository(repositoryName="Bad_Name")
    assert error_of(excinfo)[0] == "InvalidParameterException"

    client.create_repository(repositoryName="server-images")
    index = oci_index()
    pushed = client.put_image(repositoryName="server-images", imageManifest=index)
    assert pushed["image"]["imageId"]["imageDigest"] == manifest_digest(index)
    for i in range(104):
        client.put_image(repositoryName="server-images", imageManifest=manifest(i))
    first = client.describe_images(repositoryName="server-images")
    assert (len(first["imageDetails"]), bool(first.get("nextToken"))) == (100, True)

    # Concurrent paging from several threads against the threaded server.
    results: list[int] = []
    errors: list[BaseException] = []

    def page_through() -> None:
        try:
            own = server_client(url)
            pages = own.get_paginator("list_images").paginate(
                repositoryName="server-images", PaginationConfig={"PageSize": 7}
            )
            results.append(len({i["imageDigest"] for p in pages for i in p["imageIds"]}))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=page_through) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert results == [105] * 4
