"""Pagination contracts, generated for every paginator in botocore's ``paginators-1``.

What the model cannot say is how to fill a listing with more items than one page;
that is ``POPULATE`` below, one function per operation. A paginator that botocore adds
later fails ``tests/test_contract_coverage.py`` until it is in ``POPULATE`` or in
``CANNOT_POPULATE`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.model import Paginator, load_model
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import (
    VALIDATION_ERRORS,
    Scenario,
    allow_registry_changes,
    ids,
)

COUNT = 5
PAGE = 2


@dataclass
class Listing:
    """A listing filled by a test: the request, and the items the test put in it."""

    params: dict[str, Any]
    #: The items the test put there; None where the registry decides (a preview).
    expected: set[Hashable] | None
    key: Callable[[dict[str, Any]], Hashable]
    #: Whether the listing holds only the test's items (else: the registry's too).
    complete: bool = True


def _images(s: Scenario, contract: ContractClient, count: int, key: str) -> Listing:
    repository = s.repositories.create("pagination")
    for n in range(count):
        s.images.push(repository, tags=[f"t{n}"], seed=f"page-{n}")
    listed = contract.call("ListImages", **ids(repository))["imageIds"]
    return Listing(ids(repository), {i["imageDigest"] for i in listed}, lambda item: item[key])


def populate_list_images(s: Scenario, c: ContractClient, count: int) -> Listing:
    return _images(s, c, count, "imageDigest")


def populate_describe_images(s: Scenario, c: ContractClient, count: int) -> Listing:
    return _images(s, c, count, "imageDigest")


def populate_describe_repositories(s: Scenario, c: ContractClient, count: int) -> Listing:
    names = {s.repositories.create("pagination").name for _ in range(count)}
    return Listing({}, set(names), lambda item: item["repositoryName"], complete=False)


def populate_describe_repository_creation_templates(
    s: Scenario, c: ContractClient, count: int
) -> Listing:
    prefixes = []
    for _ in range(count):
        prefix = s.unique("template")
        c.call("CreateRepositoryCreationTemplate", prefix=prefix, appliedFor=["REPLICATION"])
        s.on_cleanup(
            "repository creation template",
            prefix,
            lambda p=prefix: s.client.delete_repository_creation_template(prefix=p),
        )
        prefixes.append(prefix)
    return Listing({"prefixes": prefixes}, set(prefixes), lambda item: item["prefix"])


def populate_describe_pull_through_cache_rules(
    s: Scenario, c: ContractClient, count: int
) -> Listing:
    """Rules for Amazon ECR Public, whose upstream URL is ``public.ecr.aws`` and which needs
    no credentials (the model's documentation of ``upstreamRegistryUrl``)."""
    prefixes = []
    for _ in range(count):
        prefix = s.short_unique("ptc")
        c.call(
            "CreatePullThroughCacheRule",
            ecrRepositoryPrefix=prefix,
            upstreamRegistryUrl="public.ecr.aws",
            upstreamRegistry="ecr-public",
        )
        s.on_cleanup(
            "pull-through cache rule",
            prefix,
            lambda p=prefix: s.client.delete_pull_through_cache_rule(ecrRepositoryPrefix=p),
        )
        prefixes.append(prefix)
    return Listing(
        {"ecrRepositoryPrefixes": prefixes},
        set(prefixes),
        lambda item: item["ecrRepositoryPrefix"],
    )


def populate_get_lifecycle_policy_preview(s: Scenario, c: ContractClient, count: int) -> Listing:
    """A preview of a policy that expires every image lists each image once."""
    repository = s.repositories.create("pagination")
    for n in range(count):
        s.images.push(repository, tags=[f"t{n}"], seed=f"preview-{n}")
    policy = (
        '{"rules":[{"rulePriority":1,"description":"pytest-ecr: expire all",'
        '"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},'
        '"action":{"type":"expire"}}]}'
    )
    c.call("StartLifecyclePolicyPreview", **ids(repository), lifecyclePolicyText=policy)
    waiter = c.client.get_waiter("lifecycle_policy_preview_complete")
    waiter.wait(**ids(repository), WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    # Which images the preview expires is the registry's to compute (countNumber 1 keeps
    # the newest); the pages are compared with one unpaginated call.
    return Listing(ids(repository), None, lambda item: item["imageDigest"])


POPULATE: dict[str, Callable[[Scenario, ContractClient, int], Listing]] = {
    "ListImages": populate_list_images,
    "DescribeImages": populate_describe_images,
    "DescribeRepositories": populate_describe_repositories,
    "DescribeRepositoryCreationTemplates": populate_describe_repository_creation_templates,
    "DescribePullThroughCacheRules": populate_describe_pull_through_cache_rules,
    "GetLifecyclePolicyPreview": populate_get_lifecycle_policy_preview,
}

#: Registry-wide listings: filling them changes the registry.
REGISTRY_WIDE = {"DescribeRepositoryCreationTemplates", "DescribePullThroughCacheRules"}

CANNOT_POPULATE = {
    "DescribeImageScanFindings": (
        "a synthetic image has no software packages, so no scanner finds more than a page "
        "of vulnerabilities in it; only the maxResults bounds and an invalid token are checked"
    ),
    "DescribeReplicationBackfillResults": (
        "needs a replication backfill, which needs replication to another Region and "
        "images to copy; not set up by the suite"
    ),
    "ListReplicationBackfills": (
        "needs replication backfills, which need replication to another Region; not set "
        "up by the suite"
    ),
}


def base_request(operation: str, s: Scenario, c: ContractClient) -> dict[str, Any] | None:
    """A valid request of a paginated operation, without its page parameters."""
    if operation in ("ListImages", "DescribeImages", "GetLifecyclePolicyPreview"):
        return ids(s.repository)
    if operation == "DescribeImageScanFindings":
        image_id = {"imageDigest": s.image.digest}
        # Once per image: "A basic image scan can only be started once per 24 hours on an
        # individual image" (the model's documentation of StartImageScan).
        s.once("scan", lambda: c.call("StartImageScan", **ids(s.repository), imageId=image_id))
        return {**ids(s.repository), "imageId": image_id}
    if operation in (
        "DescribeRepositories",
        "DescribePullThroughCacheRules",
        "DescribeRepositoryCreationTemplates",
        "ListReplicationBackfills",
    ):
        return {}
    return None  # DescribeReplicationBackfillResults needs a backfill id


#: The ECR API Reference on paginated listings, for example DescribeImages: maxResults is
#: "the maximum number of repository results returned ... in paginated output"; nextToken
#: is "null when there are no more results to return"; without maxResults "up to 100
#: results and a nextToken value, if applicable" (real reports of exactly that page of
#: 100: spinnaker/clouddriver#2948, aws/aws-sdk-go#1923).
API_REFERENCE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html"
MODEL = "botocore's ECR model: paginators-1 and the limit member's min and max"
NO_SOURCE = "no public AWS answer found (the evidence table in docs/evidence.md)"

Evidence = tuple[str, str]


def _params(pages: list[str], evidence: Callable[[str], Evidence]) -> list[Any]:
    out = []
    for name in pages:
        tier, source = evidence(name)
        marks = [pytest.mark.ecr_contract(name, "pagination", tier=tier, source=source)]
        out.append(pytest.param(load_model().paginators[name], marks=marks, id=name))
    return out


def _documented(name: str) -> Evidence:
    return ("documented", API_REFERENCE.replace("DescribeImages", name))


def _model(name: str) -> Evidence:
    return ("model", MODEL)


def _inferred(name: str) -> Evidence:
    return ("inferred", NO_SOURCE)


def _bounds_evidence(name: str) -> Evidence:
    if name == "GetLifecyclePolicyPreview":
        # Sources disagree: the model caps maxResults at 100, a copy of the API Reference
        # says 1 to 1000 (evidence g4); until an AWS answer settles it, a lead only.
        return ("inferred", "the model (max 100) and the API Reference (1 to 1000) disagree")
    return _model(name)


PAGINATORS = sorted(load_model().paginators)
POPULATED_NAMES = sorted(set(PAGINATORS) & set(POPULATE))


def _items(page: dict[str, Any], paginator: Paginator) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key in paginator.result_keys:
        value: Any = page
        for part in key.split("."):
            value = value.get(part, {}) if isinstance(value, dict) else {}
        out += value if isinstance(value, list) else []
    return out


def _fill(paginator: Paginator, s: Scenario, c: ContractClient, settings: EcrSettings) -> Listing:
    if paginator.operation in REGISTRY_WIDE:
        allow_registry_changes(settings)
    return POPULATE[paginator.operation](s, c, COUNT)


@pytest.mark.parametrize("paginator", _params(POPULATED_NAMES, _documented))
def test_pages_and_tokens(
    paginator: Paginator,
    ecr_contract: ContractClient,
    ecr_scenario: Scenario,
    ecr_settings: EcrSettings,
) -> None:
    """Pages hold at most maxResults items; nextToken is there exactly while items remain,
    never empty, and absent or null on the last page (the model's documentation of
    nextToken: "This value is null when there are no more results to return"; botocore
    reads both as the end); the pages hold every item once, and the same items as one
    unpaginated call."""
    listing = _fill(paginator, ecr_scenario, ecr_contract, ecr_settings)
    op, token_in, token_out = paginator.operation, paginator.input_token, paginator.output_token
    seen: list[Hashable] = []
    token: str | None = None
    for _ in range(100):
        request = {**listing.params, paginator.limit_key: PAGE}
        if token is not None:
            request[token_in] = token
        page = ecr_contract.call(op, **request)
        raw, _ = ecr_contract.exchanges[-1].json_body()
        items = _items(page, paginator)
        assert len(items) <= PAGE, f"page of {len(items)} items for maxResults={PAGE}"
        seen += [listing.key(item) for item in items]
        if raw.get(token_out) is None:
            break
        token = raw[token_out]
        assert isinstance(token, str), f"{token_out} present but {token!r}"
        assert token, f"{token_out} present but empty"
    else:
        pytest.fail(f"{op}: still a {token_out} after 100 pages")
    if listing.expected is not None:
        ours = [k for k in seen if k in listing.expected]
        assert sorted(map(str, ours)) == sorted(map(str, listing.expected)), "each item once"
    whole = ecr_contract.call(op, **listing.params)
    everything = [listing.key(item) for item in _items(whole, paginator)]
    if listing.complete:
        assert sorted(map(str, seen)) == sorted(map(str, everything))
    else:
        assert len(seen) == len(set(seen)), "an item on two pages"


@pytest.mark.parametrize("paginator", _params(POPULATED_NAMES, _model))
def test_botocore_paginator_walks_the_same_items(
    paginator: Paginator,
    ecr_contract: ContractClient,
    ecr_scenario: Scenario,
    ecr_settings: EcrSettings,
) -> None:
    """botocore's own paginator (PageSize, MaxItems, StartingToken) walks the same items."""
    listing = _fill(paginator, ecr_scenario, ecr_contract, ecr_settings)
    pages = ecr_contract.client.get_paginator(_snake(paginator.operation)).paginate(
        **listing.params, PaginationConfig={"PageSize": PAGE}
    )
    walked = [listing.key(i) for page in pages for i in _items(page, paginator)]
    assert listing.expected is None or listing.expected <= set(walked)
    assert len(walked) == len(set(walked))
    first = (
        ecr_contract.client.get_paginator(_snake(paginator.operation))
        .paginate(**listing.params, PaginationConfig={"PageSize": PAGE, "MaxItems": 3})
        .build_full_result()
    )
    assert len(_items(first, paginator)) == 3
    rest = (
        ecr_contract.client.get_paginator(_snake(paginator.operation))
        .paginate(
            **listing.params,
            PaginationConfig={"PageSize": PAGE, "StartingToken": first["NextToken"]},
        )
        .build_full_result()
    )
    resumed = [listing.key(i) for i in _items(first, paginator) + _items(rest, paginator)]
    if not listing.complete and listing.expected is not None:
        # A registry that other tests and runs share changes between the two walks: only
        # this test's own items are the same in both.
        resumed = [k for k in resumed if k in listing.expected]
        walked = [k for k in walked if k in listing.expected]
    assert sorted(map(str, resumed)) == sorted(map(str, walked))


def _snake(operation: str) -> str:
    from botocore import xform_name

    return str(xform_name(operation))


def _base(paginator: Paginator, s: Scenario, c: ContractClient) -> dict[str, Any]:
    base = base_request(paginator.operation, s, c)
    if base is None:
        pytest.skip(f"{paginator.operation}: {CANNOT_POPULATE[paginator.operation]}")
    return base


def _bounds(paginator: Paginator) -> tuple[int, int]:
    model = load_model()
    shape = model.input_shape(paginator.operation)
    meta = shape.members[paginator.limit_key].metadata  # type: ignore[union-attr]
    return int(meta["min"]), int(meta["max"])


@pytest.mark.parametrize("paginator", _params(PAGINATORS, _model))
def test_limit_at_the_model_bounds_works(
    paginator: Paginator, ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    low, high = _bounds(paginator)
    base = _base(paginator, ecr_scenario, ecr_contract)
    for limit in (low, high):
        ecr_contract.call(paginator.operation, **base, **{paginator.limit_key: limit})


def _validation(operation: str) -> frozenset[str]:
    return load_model().modeled_errors(operation) & VALIDATION_ERRORS


@pytest.mark.parametrize("paginator", _params(PAGINATORS, _bounds_evidence))
def test_limit_outside_the_model_bounds_is_refused(
    paginator: Paginator, ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    low, high = _bounds(paginator)
    base = _base(paginator, ecr_scenario, ecr_contract)
    for limit in (low - 1, high + 1):
        ecr_contract.expect_invalid(
            paginator.operation,
            _validation(paginator.operation),
            **base,
            **{paginator.limit_key: limit},
        )


@pytest.mark.parametrize("paginator", _params(PAGINATORS, _inferred))
def test_invalid_token_is_refused(
    paginator: Paginator, ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """A token the registry never issued is refused, not taken as "start over".

    Evidence: inferred. No public AWS answer to a forged token was found, nor which code
    it carries; the modeled validation errors are accepted."""
    base = _base(paginator, ecr_scenario, ecr_contract)
    ecr_contract.expect_error(
        paginator.operation,
        _validation(paginator.operation),
        **base,
        **{paginator.input_token: "pytest-ecr-not-a-token", paginator.limit_key: 2},
    )


EXCLUSIVE = sorted(name for name, p in load_model().paginators.items() if p.exclusive_with)


@pytest.mark.parametrize("paginator", _params(EXCLUSIVE, _inferred))
def test_limit_with_an_exclusive_member_is_refused(
    paginator: Paginator, ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """The model's documentation of the limit key: it "cannot be used when you specify"
    the exclusive member (imageIds, repositoryNames).

    Evidence: inferred. "Cannot be used" is documented; that AWS refuses the combination,
    and with which code, is not (no public answer found)."""
    base = _base(paginator, ecr_scenario, ecr_contract)
    values = {
        "imageIds": [{"imageTag": ecr_scenario.image.tags[0]}],
        "repositoryNames": [ecr_scenario.repository.name],
    }
    for member in paginator.exclusive_with:
        ecr_contract.expect_error(
            paginator.operation,
            _validation(paginator.operation),
            **base,
            **{member: values[member], paginator.limit_key: 2},
        )
