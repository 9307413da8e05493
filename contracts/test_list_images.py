"""Contracts of ListImages."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import ImageFactory, Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "ListImages"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "maxResults": 10,
        "filter": {"tagStatus": "ANY", "imageStatus": "ANY"},
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # The maxResults > 1000 refusal in google/go-containerregistry#681 came through the
    # registry API (OCI code UNSUPPORTED), not the ECR API: model for the code.
    validation=Evidence("model", "botocore's ECR model: ListImages's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: ListImages lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="UKHomeOffice/application-container-platform#637",
)
def test_one_entry_per_digest_and_tag(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """An image with two tags is listed twice, once per tag; an untagged image once, by
    digest alone. The model's documentation of ListImages: filter TAGGED "to list all of
    the tags in your repository", UNTAGGED to "pipe that result to a BatchDeleteImage".

    Evidence: aws-verified, UKHomeOffice/application-container-platform#637: a real
    ListImages answer lists one digest twice, once with each of its tags.
    """
    tagged = ecr_image_factory.push(ecr_repository, tags=["v1", "v2"], seed="tagged")
    untagged = ecr_image_factory.push(ecr_repository, tags=[], seed="untagged")

    def pairs(**extra: Any) -> list[tuple[str, str | None]]:
        listed = ecr_contract.call(OPERATION, **ids(ecr_repository), **extra)["imageIds"]
        found = [(i["imageDigest"], i.get("imageTag")) for i in listed]
        return sorted(found, key=lambda p: (p[0], p[1] or ""))

    assert pairs(filter={"tagStatus": "TAGGED"}) == [(tagged.digest, "v1"), (tagged.digest, "v2")]
    assert pairs(filter={"tagStatus": "UNTAGGED"}) == [(untagged.digest, None)]
    assert pairs() == sorted(
        [(tagged.digest, "v1"), (tagged.digest, "v2"), (untagged.digest, None)],
        key=lambda p: (p[0], p[1] or ""),
    )


#: The ListImages page of the ECR API Reference (maxResults and nextToken).
API_REFERENCE = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListImages.html"


@pytest.mark.ecr_contract(aspect="pagination", tier="documented", source=API_REFERENCE)
def test_page_that_ends_the_listing_has_no_token(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """The page that completes a listing carries no nextToken: it "is null when there are
    no more results to return" (the model's documentation of ListImagesResponse.nextToken),
    so a client's loop ends on that page and not one empty page later. Three images in
    pages of two: the second page holds the last image and no token.

    Evidence: documented, API_ListImages: nextToken "This value is null when there are no
    more results to return".
    """
    pushed = {
        ecr_image_factory.push(ecr_repository, tags=[f"t{n}"], seed=f"last-page-{n}").digest
        for n in range(3)
    }
    seen: set[str] = set()
    token: str | None = None
    for _ in range(10):
        request: dict[str, Any] = {**ids(ecr_repository), "maxResults": 2}
        if token is not None:
            request["nextToken"] = token
        page = ecr_contract.call(OPERATION, **request)
        raw, _ = ecr_contract.exchanges[-1].json_body()
        seen |= {i["imageDigest"] for i in page["imageIds"]}
        token = raw.get("nextToken")
        if seen >= pushed:
            assert token is None, (
                f"the page that completes the listing has nextToken {token!r} (its next page "
                "can only be empty)"
            )
            return
        assert token, f"{len(pushed - seen)} images not listed yet, and no nextToken"
    pytest.fail("ListImages: 3 images not listed in 10 pages of 2")


@pytest.mark.ecr_contract(
    aspect="pagination",
    tier="documented",
    source=API_REFERENCE + "; spinnaker/clouddriver#2948; aws/aws-sdk-go#1923",
)
def test_default_page_holds_at_most_100_entries(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """Without maxResults, ListImages "returns up to 100 results and a nextToken value, if
    applicable" (the model's documentation of maxResults). An image with 101 tags is 101
    entries (one per tag: test_one_entry_per_digest_and_tag), so the first page holds at
    most 100 of them and a nextToken, and the pages together hold all 101.

    Evidence: documented, API_ListImages, maxResults: the default page of up to 100
    results. Real listings cut at 100 without maxResults are reported in
    spinnaker/clouddriver#2948 and aws/aws-sdk-go#1923 (repositories of more than 100
    images; an image's tags count here as the entries they are in the answer).
    """
    tags = [f"t{n:03d}" for n in range(101)]
    ecr_image_factory.push(ecr_repository, tags=tags, seed="default-page")
    first = ecr_contract.call(OPERATION, **ids(ecr_repository))
    entries = first["imageIds"]
    assert len(entries) <= 100, f"default page of {len(entries)} entries, more than 100"
    token = first.get("nextToken")
    assert token, f"a default page of {len(entries)} of 101 entries, and no nextToken"
    for _ in range(101):
        page = ecr_contract.call(OPERATION, **ids(ecr_repository), nextToken=token)
        entries += page["imageIds"]
        token = page.get("nextToken")
        if not token:
            break
    assert sorted(i.get("imageTag") or "" for i in entries) == tags
