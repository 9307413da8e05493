from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_ecr.contract import ContractClient, ContractViolation, SuiteError, Unsupported
from pytest_ecr.settings import EcrSettings
from pytest_ecr.targets import MotoTarget
from pytest_ecr.wire import Exchange, classify_unsupported, error_code

from .conftest import CannedTarget, error, ok

REPO = {
    "repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/abc",
    "registryId": "123456789012",
    "repositoryName": "abc",
    "repositoryUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/abc",
    "createdAt": 1700000000.5,
}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("RepositoryNotFoundException", "RepositoryNotFoundException"),
        ("com.amazonaws.ecr#RepositoryNotFoundException", "RepositoryNotFoundException"),
        ("aws.protocoltests#FooError:http://internal.amazon.com/coral/", "FooError"),
    ],
)
def test_error_code(raw: str, code: str) -> None:
    assert error_code(raw) == code


JSON = {"Content-Type": "application/x-amz-json-1.1"}


@pytest.mark.parametrize(
    ("status", "headers", "body", "implemented", "unsupported"),
    [
        (200, JSON, b"{}", None, False),
        (400, JSON, b'{"__type": "RepositoryNotFoundException", "message": "x"}', None, False),
        (400, JSON, b'{"__type": "UnknownOperationException"}', None, True),
        (400, JSON, b'{"__type": "com.amazon.coral#UnknownOperationException"}', None, True),
        (400, JSON, b'{"__type": "InvalidAction", "message": "no"}', None, True),
        (501, JSON, b'{"__type": "InternalFailure", "message": "not yet implemented"}', None, True),
        (404, {"Content-Type": "text/plain"}, b"Not Found", None, True),
        (500, {"Content-Type": "text/html"}, b"<html>500</html>", None, True),
        (500, {"Content-Type": "text/html"}, b"<html>500</html>", False, True),
        # A target that implements the operation and answers a bare 500 crashed.
        (500, {"Content-Type": "text/html"}, b"<html>500</html>", True, False),
        (500, JSON, b'{"__type": "ServerException", "message": "x"}', None, False),
        (503, JSON, b'{"__type": "ServiceUnavailable", "message": "x"}', None, False),
        # An error the model lists for DescribeImages, under the wrong status: the target
        # knows the operation (the status is a finding for the contract, not a gap).
        (404, JSON, b'{"__type": "RepositoryNotFoundException", "message": "x"}', None, False),
        (404, JSON, b'{"__type": "ImageNotFoundException", "message": "x"}', None, False),
        # An error of another operation, or none, under 404 is still a missing route.
        (404, JSON, b'{"__type": "LayersNotFoundException", "message": "x"}', None, True),
        (404, JSON, b'{"message": "Not Found"}', None, True),
    ],
)
def test_classify_unsupported(
    status: int,
    headers: dict[str, str],
    body: bytes,
    implemented: bool | None,
    unsupported: bool,
) -> None:
    answer = Exchange("DescribeImages", status=status, headers=headers, body=body)
    reason = classify_unsupported(answer, implemented=implemented)
    assert (reason is not None) == unsupported, reason


Canned = tuple[CannedTarget, ContractClient]


def test_call_returns_the_parsed_answer(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: ok({"repositories": [REPO]})
    parsed = contract.call("DescribeRepositories")
    assert parsed["repositories"][0]["repositoryName"] == "abc"
    assert contract.exchanges[-1].request == {}
    assert contract.exchanges[-1].status == 200


def violation_paths(info: pytest.ExceptionInfo[ContractViolation]) -> list[str]:
    return [v.path for v in info.value.violations]


@pytest.mark.parametrize(
    ("answer", "paths"),
    [
        (
            ok({"repositories": [{**REPO, "createdAt": "yesterday"}]}),
            ["$.repositories[0].createdAt"],
        ),
        (
            ok({"repositories": [REPO]}, headers={"Content-Type": "application/json"}),
            ["header Content-Type"],
        ),
        (
            (200, {"Content-Type": "application/x-amz-json-1.1"}, b'{"repositories": []}'),
            ["header x-amzn-RequestId"],
        ),
        ((200, {**JSON, "x-amzn-RequestId": "r"}, b'{"repositories": [tru'), ["$"]),
        ((200, {**JSON, "x-amzn-RequestId": "r"}, b"[]"), ["$"]),
        ((201, {**JSON, "x-amzn-RequestId": "r"}, b"{}"), ["status"]),
    ],
    ids=["wrong-type", "content-type", "request-id", "truncated", "not-object", "status"],
)
def test_success_answer_is_checked_on_the_wire(
    canned: Canned, answer: Any, paths: list[str]
) -> None:
    target, contract = canned
    target.answer = lambda op, body: answer
    with pytest.raises(ContractViolation) as info:
        contract.call("DescribeRepositories")
    assert violation_paths(info) == paths
    assert "DescribeRepositories: the target's answer breaks the contract" in str(info.value)


def test_unknown_members_are_notes_unless_strict(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: ok({"repositories": [{**REPO, "brandNew": 1}]})
    contract.call("DescribeRepositories")
    assert contract.notes == [
        "DescribeRepositories: $.repositories[0].brandNew: member 'brandNew' is not in the "
        "model (expected no such member in the model, got 1)"
    ]
    contract.strict = True
    with pytest.raises(ContractViolation) as info:
        contract.call("DescribeRepositories")
    assert violation_paths(info) == ["$.repositories[0].brandNew"]


def test_an_error_where_success_was_expected_fails(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: error("RepositoryNotFoundException")
    with pytest.raises(ContractViolation, match="expected success, got an error"):
        contract.call("DescribeRepositories")


def test_expect_error_accepts_the_modeled_error(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: error("RepositoryNotFoundException", message="gone")
    result = contract.expect_error("DescribeRepositories", "RepositoryNotFoundException")
    assert (result.code, result.message, result.status) == (
        "RepositoryNotFoundException",
        "gone",
        400,
    )


@pytest.mark.parametrize(
    ("answer", "paths"),
    [
        (error("RepositoryNotFoundException", status=500), ["status"]),
        (error("ServerException", status=400), ["$.__type", "status"]),
        (error("LayersNotFoundException"), ["$.__type", "$.__type"]),
        (error("RepositoryNotFoundException", message=""), ["$.message"]),
        (
            (
                400,
                {
                    **JSON,
                    "x-amzn-RequestId": "r",
                    "X-Amzn-ErrorType": "RepositoryNotFoundException",
                },
                b'{"message": "x"}',
            ),
            ["$.__type"],
        ),
        ((400, {**JSON, "x-amzn-RequestId": "r"}, b"oops"), ["$"]),
        (ok({"repositories": []}), ["status"]),
    ],
    ids=[
        "client-error-as-500",
        "wrong-code",
        "unmodeled-code",
        "no-message",
        "no-type",
        "not-json",
        "success",
    ],
)
def test_error_answer_is_checked_on_the_wire(canned: Canned, answer: Any, paths: list[str]) -> None:
    target, contract = canned
    target.answer = lambda op, body: answer
    with pytest.raises(ContractViolation) as info:
        contract.expect_error("DescribeRepositories", "RepositoryNotFoundException")
    assert violation_paths(info) == paths


@pytest.mark.parametrize(
    "raw",
    [
        "InvalidParameterException",
        "com.amazonaws.ecr#InvalidParameterException",
        "InvalidParameterException:http://internal.amazon.com/coral/com.amazonaws.ecr/",
    ],
)
def test_a_wrong_code_is_named_as_botocore_reads_it(canned: Canned, raw: str) -> None:
    """However the target spells ``__type`` (botocore strips a namespace and a ':'
    suffix), the violation names the code: a known deviation about the code then
    matches every spelling of it."""
    target, contract = canned
    target.answer = lambda op, body: error(raw)
    with pytest.raises(ContractViolation) as info:
        contract.expect_error("DescribeRepositories", "RepositoryNotFoundException")
    (wrong,) = [v for v in info.value.violations if v.message == "wrong error code"]
    assert wrong.actual == "InvalidParameterException"


def test_server_exception_is_a_5xx(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: error("ServerException", status=500)
    assert contract.expect_error("DescribeRepositories", "ServerException").status == 500


def test_expecting_an_unmodeled_error_is_a_suite_error(canned: Canned) -> None:
    _, contract = canned
    with pytest.raises(SuiteError, match="LayersNotFoundException"):
        contract.expect_error("DescribeRepositories", "LayersNotFoundException")


def test_a_request_that_breaks_the_model_is_a_suite_error(canned: Canned) -> None:
    target, contract = canned
    sent: list[str] = []
    target.answer = lambda op, body: (sent.append(op), ok({}))[1]
    with pytest.raises(SuiteError, match=r"\$\.repositoryName: too long"):
        contract.call("CreateRepository", repositoryName="a" * 300)
    with pytest.raises(SuiteError, match=r"could not build the request.*bogus"):
        contract.call("DescribeRepositories", bogus=1)
    with pytest.raises(SuiteError, match=r"\$\.encryptionConfiguration\.encryptionType"):
        contract.call(
            "CreateRepository",
            repositoryName="abc",
            encryptionConfiguration={"encryptionType": "AES128"},
        )
    assert sent == [], "nothing reaches the target"


def test_deliberately_invalid_requests_reach_the_server(canned: Canned) -> None:
    target, contract = canned
    seen: list[Any] = []

    def answer(op: str, body: Any) -> Any:
        seen.append(body)
        return error("InvalidParameterException")

    target.answer = answer
    result = contract.expect_invalid(
        "CreateRepository", "InvalidParameterException", repositoryName="Bad Name"
    )
    assert result.code == "InvalidParameterException"
    assert seen == [{"repositoryName": "Bad Name"}]
    assert contract.exchanges[-1].deliberately_invalid
    # botocore's own `required` check is off as well.
    exchange = contract.send_invalid("CreateRepository")
    assert exchange.request == {}


def test_unsupported_answer_raises_unsupported(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: (501, {"Content-Type": "text/plain"}, b"no")
    with pytest.raises(Unsupported, match="GetSigningConfiguration is not supported"):
        contract.call("GetSigningConfiguration")


@pytest.fixture
def moto_contract() -> Iterator[ContractClient]:
    target = MotoTarget(EcrSettings())
    target.start()
    client = target.client(parameter_validation=False)
    contract = ContractClient(client, target)
    try:
        yield contract
    finally:
        contract.close()
        target.stop()


def test_real_moto_responses_validate(moto_contract: ContractClient) -> None:
    created = moto_contract.call(
        "CreateRepository", repositoryName="abc", tags=[{"Key": "k", "Value": "v"}]
    )
    assert created["repository"]["repositoryName"] == "abc"
    moto_contract.call("DescribeRepositories")
    moto_contract.call("ListTagsForResource", resourceArn=created["repository"]["repositoryArn"])
    moto_contract.call(
        "PutLifecyclePolicy",
        repositoryName="abc",
        lifecyclePolicyText=json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "selection": {
                            "tagStatus": "any",
                            "countType": "imageCountMoreThan",
                            "countNumber": 5,
                        },
                        "action": {"type": "expire"},
                    }
                ]
            }
        ),
    )
    moto_contract.call("GetAuthorizationToken")
    moto_contract.expect_error(
        "DeleteRepositoryPolicy", "RepositoryPolicyNotFoundException", repositoryName="abc"
    )
    assert [e.status for e in moto_contract.exchanges] == [200, 200, 200, 200, 200, 400]


def test_moto_lacking_an_operation_is_unsupported(moto_contract: ContractClient) -> None:
    assert moto_contract.target.implements("GetSigningConfiguration") is False
    with pytest.raises(Unsupported, match="has not been implemented"):
        moto_contract.call("GetSigningConfiguration")


def test_call_or_error_checks_whichever_came_back(canned: Canned) -> None:
    target, contract = canned
    target.answer = lambda op, body: ok({"repositories": [REPO]})
    assert isinstance(
        contract.call_or_error("DescribeRepositories", ["RepositoryNotFoundException"]), dict
    )
    target.answer = lambda op, body: error("RepositoryNotFoundException")
    result = contract.call_or_error("DescribeRepositories", ["RepositoryNotFoundException"])
    assert not isinstance(result, dict)
    assert result.code == "RepositoryNotFoundException"
    target.answer = lambda op, body: error("ServerException", status=400)
    with pytest.raises(ContractViolation):
        contract.call_or_error("DescribeRepositories", ["RepositoryNotFoundException"])
