"""Property-based contracts: what must hold for any input the model allows.

Examples are drawn by hypothesis from the model's constraints (``pytest_ecr.strategies``),
seeded so that a recording and its replay send the same requests; ``--ecr-examples``
sets how many (3 against AWS, where shrinking is off too). A failing example is printed
as a ready-to-run boto3 call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
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


def names_under(root: str) -> st.SearchStrategy[str]:
    """Valid repository names, placed under the run's root so that they are cleaned up
    (and swept) like every other repository of the run."""
    room = 256 - len(root) - 1
    return valid("RepositoryName").filter(lambda n: len(n) <= room).map(lambda n: f"{root}/{n}")


@pytest.mark.ecr_contract("CreateRepository", "behavior")
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


NAME_CASES = broken(
    "CreateRepository",
    st.fixed_dictionaries(
        {
            "repositoryName": valid("RepositoryName"),
        }
    ),
).filter(lambda pair: pair[0].path == ("repositoryName",))


@pytest.mark.ecr_contract("CreateRepository", "validation")
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


@pytest.mark.ecr_contract("TagResource", "behavior")
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


@pytest.mark.ecr_contract("PutImage", "behavior")
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


@pytest.mark.ecr_contract("PutLifecyclePolicy", "behavior")
def test_any_lifecycle_policy_round_trips(
    ecr_contract: ContractClient, ecr_repository: Repository, hypothesis_settings: Any
) -> None:
    """Compared as parsed JSON: AWS re-formats the text."""

    @seed(SEED)
    @hypothesis_settings
    @given(lifecycle_policies())
    def check(policy: dict[str, Any]) -> None:
        text = json.dumps(policy)
        note(as_call("PutLifecyclePolicy", {**ids(ecr_repository), "lifecyclePolicyText": text}))
        ecr_contract.call("PutLifecyclePolicy", **ids(ecr_repository), lifecyclePolicyText=text)
        got = ecr_contract.call("GetLifecyclePolicy", **ids(ecr_repository))
        assert json.loads(got["lifecyclePolicyText"]) == policy

    check()


@pytest.mark.ecr_contract("DescribeRepositories", "pagination")
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
