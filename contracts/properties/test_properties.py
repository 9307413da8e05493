"""Property-based contracts: what must hold for any input the model allows.

Examples are drawn by hypothesis from the model's constraints (``pytest_ecr.strategies``),
seeded so that a recording and its replay send the same requests; ``--ecr-examples``
sets how many (3 against AWS, where shrinking is off too). A failing example is printed
as a ready-to-run boto3 call.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

# hypothesis comes with the suite's extra (pip install 'pytest-ecr[suite]'), not with the
# fixtures: a project that only uses the fixtures does not load its pytest plugin.
pytest.importorskip(
    "hypothesis",
    reason="the property contracts need hypothesis: pip install 'pytest-ecr[suite]'",
)

from hypothesis import given, note, seed
from hypothesis import strategies as st

from pytest_ecr import ContractClient
from pytest_ecr.invalid import get_path
from pytest_ecr.model import load_model
from pytest_ecr.resources import ImageFactory, Repository, RepositoryFactory
from pytest_ecr.settings import EcrSettings
from pytest_ecr.strategies import (
    IMAGE_TAG,
    SEED,
    as_call,
    broken,
    lifecycle_policies,
    property_settings,
    repeatable_generation,
    tags,
    valid,
)
from pytest_ecr.suite import VALIDATION_ERRORS, ids


@pytest.fixture
def hypothesis_settings(ecr_settings: EcrSettings) -> Iterator[Any]:
    with repeatable_generation():
        yield property_settings(ecr_settings)


#: The repository-name pattern real AWS errors quote, as late as 2024 ("must satisfy
#: regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*'",
#: crossplane-contrib/provider-upjet-aws#1179, aws/aws-dotnet-deploy#549). botocore's
#: pattern allows more: the separators ``__`` and ``--``. Sources disagree on those.
AWS_QUOTED_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
NAME_SOURCES = (
    "crossplane-contrib/provider-upjet-aws#1179 (the pattern AWS errors quote) and "
    "botocore's RepositoryName pattern (which also allows __ and --)"
)


def names_under(root: str, *, contested: bool = False) -> st.SearchStrategy[str]:
    """Valid repository names, placed under the run's root so that they are cleaned up
    (and swept) like every other repository of the run: names both patterns allow, or
    (``contested``) names only botocore's allows."""
    room = 256 - len(root) - 1
    quoted = AWS_QUOTED_NAME.fullmatch
    names = valid("RepositoryName").filter(lambda n: len(n) <= room)
    names = names.filter(lambda n: not quoted(n)) if contested else names.filter(quoted)
    return names.map(lambda n: f"{root}/{n}")


@pytest.mark.ecr_contract(
    "CreateRepository",
    "behavior",
    tier="aws-verified",
    source="crossplane-contrib/provider-upjet-aws#1179",
)
def test_any_valid_name_is_created_described_and_deleted(
    ecr_contract: ContractClient,
    ecr_repository_factory: RepositoryFactory,
    hypothesis_settings: Any,
) -> None:
    root = ecr_repository_factory.reserve("property")

    @seed(SEED)
    @hypothesis_settings
    @given(names_under(root))
    def check(name: str) -> None:
        note(as_call("CreateRepository", {"repositoryName": name}))
        created = ecr_contract.call(
            "CreateRepository", repositoryName=name, tags=[ecr_repository_factory.marker_tag]
        )
        try:
            assert created["repository"]["repositoryName"] == name
            (described,) = ecr_contract.call("DescribeRepositories", repositoryNames=[name])[
                "repositories"
            ]
            assert described["repositoryName"] == name
        finally:
            ecr_contract.call("DeleteRepository", repositoryName=name, force=True)
        ecr_contract.expect_error(
            "DescribeRepositories", "RepositoryNotFoundException", repositoryNames=[name]
        )

    check()


@pytest.mark.ecr_contract("CreateRepository", "behavior", tier="aws-verified", source=NAME_SOURCES)
def test_a_name_only_the_model_allows_is_created_or_refused(
    ecr_contract: ContractClient,
    ecr_repository_factory: RepositoryFactory,
    hypothesis_settings: Any,
) -> None:
    """Names with ``__`` or ``--`` between components: botocore's pattern allows them, the
    pattern real AWS errors quote does not. Until an AWS answer settles it, either answer
    holds: the repository is created (and then described and deleted like any other), or
    the name is refused as invalid and nothing is created."""
    root = ecr_repository_factory.reserve("contested")
    codes = load_model().modeled_errors("CreateRepository") & VALIDATION_ERRORS

    @seed(SEED)
    @hypothesis_settings
    @given(names_under(root, contested=True))
    def check(name: str) -> None:
        note(as_call("CreateRepository", {"repositoryName": name}))
        answer = ecr_contract.call_or_error(
            "CreateRepository",
            codes,
            repositoryName=name,
            tags=[ecr_repository_factory.marker_tag],
        )
        if isinstance(answer, dict):
            assert answer["repository"]["repositoryName"] == name
            ecr_contract.call("DeleteRepository", repositoryName=name, force=True)
        ecr_contract.expect_error(
            "DescribeRepositories", "RepositoryNotFoundException", repositoryNames=[name]
        )

    check()


NAME_CASES = broken(
    "CreateRepository",
    st.fixed_dictionaries(
        {
            "repositoryName": valid("RepositoryName"),
        }
    ),
).filter(lambda pair: pair[0].path == ("repositoryName",))


@pytest.mark.ecr_contract(
    "CreateRepository", "validation", tier="aws-verified", source="aws/aws-dotnet-deploy#549"
)
def test_any_invalid_name_is_refused_and_creates_nothing(
    ecr_contract: ContractClient, hypothesis_settings: Any
) -> None:
    codes = load_model().modeled_errors("CreateRepository") & VALIDATION_ERRORS

    @seed(SEED)
    @hypothesis_settings
    @given(NAME_CASES)
    def check(pair: tuple[Any, dict[str, Any]]) -> None:
        case, params = pair
        note(f"{case.id}: {as_call('CreateRepository', params)}")
        try:
            ecr_contract.expect_invalid("CreateRepository", codes, **params)
        finally:
            listed = ecr_contract.client.get_paginator("describe_repositories").paginate()
            names = {r["repositoryName"] for page in listed for r in page["repositories"]}
            if params["repositoryName"] in names:
                with ecr_contract.unchecked():
                    ecr_contract.client.delete_repository(
                        repositoryName=params["repositoryName"], force=True
                    )
        assert get_path(params, case.path) not in names, "a refused name was created"

    check()


@pytest.mark.ecr_contract(
    "TagResource",
    "behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_TagResource.html",
)
def test_tags_round_trip_and_untag_removes_exactly_the_keys(
    ecr_contract: ContractClient, ecr_repository: Repository, hypothesis_settings: Any
) -> None:
    """TagResource then ListTagsForResource gives exactly the tags set (besides the ones
    the repository had); UntagResource removes exactly the keys given."""

    def current() -> dict[str, str]:
        listed = ecr_contract.call("ListTagsForResource", resourceArn=ecr_repository.arn)
        return {t["Key"]: t["Value"] for t in listed["tags"]}

    base = current()

    @seed(SEED)
    @hypothesis_settings
    @given(tags())
    def check(new: list[dict[str, str]]) -> None:
        new = [t for t in new if t["Key"] not in base]
        keys = [t["Key"] for t in new]
        note(as_call("TagResource", {"resourceArn": ecr_repository.arn, "tags": new}))
        try:
            if new:
                ecr_contract.call("TagResource", resourceArn=ecr_repository.arn, tags=new)
            assert current() == {**base, **{t["Key"]: t["Value"] for t in new}}
        finally:
            # Every example starts from the same tags, whatever the last one left.
            if keys:
                ecr_contract.call("UntagResource", resourceArn=ecr_repository.arn, tagKeys=keys)
        assert current() == base

    check()


@pytest.mark.ecr_contract(
    "PutImage",
    "behavior",
    tier="aws-verified",
    # Tags drawn from the OCI distribution spec's grammar, inside what ECR enforces
    # ([a-zA-Z0-9-_.]+, a real refusal of other characters in alexjurkiewicz/ecr-scan-image#40).
    source="alexjurkiewicz/ecr-scan-image#40",
)
def test_any_valid_tag_is_put_and_found(
    ecr_contract: ContractClient,
    ecr_image_factory: ImageFactory,
    ecr_repository: Repository,
    hypothesis_settings: Any,
) -> None:
    image = ecr_image_factory.push(ecr_repository, tags=[], seed="property")

    @seed(SEED)
    @hypothesis_settings
    @given(IMAGE_TAG)
    def check(tag: str) -> None:
        request = {
            **ids(ecr_repository),
            "imageManifest": image.manifest,
            "imageManifestMediaType": image.media_type,
            "imageTag": tag,
        }
        note(as_call("PutImage", request))
        ecr_contract.call_or_error("PutImage", ["ImageAlreadyExistsException"], **request)
        found = ecr_contract.call(
            "DescribeImages", **ids(ecr_repository), imageIds=[{"imageTag": tag}]
        )["imageDetails"]
        assert [d["imageDigest"] for d in found] == [image.digest]
        listed = ecr_contract.call(
            "ListImages", **ids(ecr_repository), filter={"tagStatus": "TAGGED"}
        )["imageIds"]
        assert {"imageDigest": image.digest, "imageTag": tag} in listed

    check()


@pytest.mark.ecr_contract(
    "PutLifecyclePolicy",
    "behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws#22639",
)
def test_any_lifecycle_policy_round_trips(
    ecr_contract: ContractClient, ecr_repository: Repository, hypothesis_settings: Any
) -> None:
    """The policy put is the policy got, as a document: AWS answers it minified with its
    rules in priority order (aws/aws-cli get-lifecycle-policy example;
    hashicorp/terraform-provider-aws#22639), and nothing documents that the order of a
    rule's tag lists is kept (terraform sorts them before comparing), so rules compare
    by priority and tag lists as sets."""

    @seed(SEED)
    @hypothesis_settings
    @given(lifecycle_policies())
    def check(policy: dict[str, Any]) -> None:
        text = json.dumps(policy)
        note(as_call("PutLifecyclePolicy", {**ids(ecr_repository), "lifecyclePolicyText": text}))
        ecr_contract.call("PutLifecyclePolicy", **ids(ecr_repository), lifecyclePolicyText=text)
        got = ecr_contract.call("GetLifecyclePolicy", **ids(ecr_repository))
        assert _as_document(json.loads(got["lifecyclePolicyText"])) == _as_document(policy)

    check()


def _as_document(policy: dict[str, Any]) -> dict[str, Any]:
    """A lifecycle policy as what it means: rules by priority, tag lists as sorted sets."""
    rules = []
    for rule in sorted(policy.get("rules", []), key=lambda r: r.get("rulePriority", 0)):
        selection = {
            k: sorted(v) if k in ("tagPrefixList", "tagPatternList") else v
            for k, v in rule.get("selection", {}).items()
        }
        rules.append({**rule, "selection": selection})
    return {**policy, "rules": rules}


@pytest.mark.ecr_contract(
    "DescribeRepositories",
    "pagination",
    tier="model",
    source="botocore's ECR model: the maxResults bounds of DescribeRepositories",
)
def test_max_results_in_range_works_and_outside_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository, hypothesis_settings: Any
) -> None:
    codes = load_model().modeled_errors("DescribeRepositories") & VALIDATION_ERRORS

    @seed(SEED)
    @hypothesis_settings
    @given(st.integers(-5, 1010))
    def check(limit: int) -> None:
        note(as_call("DescribeRepositories", {"maxResults": limit}))
        if 1 <= limit <= 1000:
            page = ecr_contract.call("DescribeRepositories", maxResults=limit)
            assert len(page["repositories"]) <= limit
        else:
            ecr_contract.expect_invalid("DescribeRepositories", codes, maxResults=limit)

    check()
