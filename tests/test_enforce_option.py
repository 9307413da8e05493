"""--ecr-enforce-model as a user runs it: the embedded moto targets refuse and page as AWS
does; the option is refused where it would alter a third party's answers."""

from __future__ import annotations

import json

import pytest

USER_TESTS = """
import hashlib, json
import pytest

def test_listing_of_150_images(ecr_client, ecr_repository):
    for n in range(150):
        manifest = json.dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                       "size": n,
                       "digest": "sha256:" + hashlib.sha256(str(n).encode()).hexdigest()},
            "layers": [],
        })
        ecr_client.put_image(repositoryName=ecr_repository.name, imageManifest=manifest,
                             imageTag=f"t{n}")
    once = ecr_client.describe_images(repositoryName=ecr_repository.name)
    pages = ecr_client.get_paginator("describe_images").paginate(
        repositoryName=ecr_repository.name)
    walked = [d for page in pages for d in page["imageDetails"]]
    print("RESULT", len(once["imageDetails"]), "nextToken" in once, len(walked))

def test_bad_name(ecr_client):
    with pytest.raises(ecr_client.exceptions.InvalidParameterException) as info:
        ecr_client.create_repository(repositoryName="Bad_Name")
    print("MESSAGE", info.value.response["Error"]["Message"])

def test_operation_moto_lacks(ecr_client):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as info:
        ecr_client.describe_pull_through_cache_rules()
    print("CODE", info.value.response["Error"]["Code"])

def test_index_digest(ecr_client, ecr_repository_factory):
    index = json.dumps({"schemaVersion": 2,
                        "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": []}, indent=1)
    digests = set()
    for hint in ("one", "two"):
        repo = ecr_repository_factory.create(hint)
        answer = ecr_client.put_image(repositoryName=repo.name, imageManifest=index,
                                      imageTag="v1")
        digests.add(answer["image"]["imageId"]["imageDigest"])
    print("DIGESTS", sorted(digests), "sha256:" + hashlib.sha256(index.encode()).hexdigest())
"""


@pytest.mark.parametrize("target", ["moto", "moto-server"])
@pytest.mark.parametrize("enforced", [True, False], ids=["enforced", "plain"])
def test_enforcement_as_a_user_sees_it(
    pytester: pytest.Pytester, target: str, enforced: bool
) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    args = [f"--ecr-target={target}", "-s", "-p", "no:randomly"]
    result = pytester.runpytest_subprocess(*args, *(["--ecr-enforce-model"] if enforced else []))
    out = result.stdout.str()
    if enforced:
        result.assert_outcomes(passed=4)
        # One call answers a page of 100 and a token; the paginator walks all 150.
        assert "RESULT 100 True 150" in out
        # The AWS error, with the member named (real ECR form, aws/aws-dotnet-deploy#549).
        assert "MESSAGE Invalid parameter at 'repositoryName' failed to satisfy constraint" in out
        assert "CODE UnknownOperationException" in out
        # The same index in two repositories: one digest, sha256 of its bytes.
        line = next(x for x in out.splitlines() if "DIGESTS" in x)
        listed, expected = line.split("DIGESTS ", 1)[1].rsplit(" ", 1)
        assert json.loads(listed.replace("'", '"')) == [expected]
    else:
        # Plain moto: everything in one answer, no token.
        assert "RESULT 150 False 150" in out


@pytest.mark.parametrize("target", ["url", "aws", "replay"])
def test_enforcement_is_refused_where_answers_are_not_ours(
    pytester: pytest.Pytester, target: str
) -> None:
    pytester.makepyfile(test_plain="def test_x():\n    pass\n")
    extra = {
        "url": ["--ecr-endpoint-url=http://127.0.0.1:9"],
        "aws": ["--ecr-allow-aws"],
        "replay": [],
    }[target]
    result = pytester.runpytest_subprocess(f"--ecr-target={target}", *extra, "--ecr-enforce-model")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: pytest-ecr: --ecr-enforce-model: model enforcement is for the embedded moto "
            f"targets (moto, moto-server), not '{target}': pytest-ecr never alters a third "
            "party's answers"
        ]
    )
