"""Answers of the enforcement layer: the AWS JSON error body, and validation messages in
the forms real ECR answers carry."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    pass


# -- answers -------------------------------------------------------------------

#: The AWS JSON 1.1 content type (Smithy, "AWS JSON 1.1 protocol": responses carry
#: ``Content-Type: application/x-amz-json-1.1``).
JSON_11 = "application/x-amz-json-1.1"


@dataclass
class Answer:
    """One HTTP answer: status, headers and body (moto's in-process body may be text)."""

    status: int
    headers: dict[str, str]
    body: bytes | str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


#: Asks the emulator: takes the request body to send, returns its answer.
CallNext = Callable[[bytes], Answer]


def error_answer(code: str, message: str | None) -> Answer:
    """An AWS JSON error: HTTP 400, ``{"__type": code, "message": ...}``.

    The body, the status and the headers are the AWS JSON 1.1 protocol's error form
    (Smithy, "AWS JSON 1.1 protocol", "Operation error serialization": the error code
    in ``__type``; every ECR error but ``ServerException`` is HTTP 400, the ECR API
    Reference, "Errors" of each action). ``x-amzn-RequestId`` is on every AWS answer.
    """
    payload: dict[str, str] = {"__type": code}
    if message is not None:
        payload["message"] = message
    body = json.dumps(payload).encode("utf-8")
    return Answer(
        400,
        {
            "Content-Type": JSON_11,
            "x-amzn-RequestId": str(uuid.uuid4()),
            "Content-Length": str(len(body)),
        },
        body,
    )


def _with_body(answer: Answer, body: bytes) -> Answer:
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    headers["Content-Length"] = str(len(body))
    return Answer(answer.status, headers, body)


# -- validation: codes and messages ---------------------------------------------

#: Which modeled error carries a constraint violation, by preference: the first of
#: these that the operation's own error shapes list. ECR answers constraint violations
#: with ``InvalidParameterException`` (trek10inc/ecr-cleaner#8, jenkins-x/jx#1344,
#: aws-actions/amazon-ecr-login#225: real ECR answers quoted there); an operation that
#: models ``ValidationException`` but not ``InvalidParameterException``
#: (DeleteSigningConfiguration in botocore 1.44) gets ``ValidationException``, the
#: Coral framework's own validation error. An operation that models neither gets
#: :data:`FALLBACK_VALIDATION_CODE`.
VALIDATION_CODES: tuple[str, ...] = ("InvalidParameterException", "ValidationException")
FALLBACK_VALIDATION_CODE = "ValidationException"

#: The answer to an action the service does not have: HTTP 400 and the body
#: ``{"__type":"UnknownOperationException"}`` with no message, as real AWS JSON services
#: answer it (CloudWatch Logs in aws/aws-sdk-net#1536, OpsWorks in aws/aws-sdk-js#425;
#: no ECR-specific report is public).
UNKNOWN_OPERATION_CODE = "UnknownOperationException"

Constraint = Literal["required", "min", "max", "pattern", "enum"]


@dataclass(frozen=True)
class Violation:
    """One constraint a request breaks.

    ``path`` is in the form AWS's Coral validation names members: struct members
    joined with ``.``, a list item of a structure as ``<list>.<n>.member`` with ``n``
    counted from 1 (``'pipeline.stages.1.member.actions.1.member.namespace'`` in a real
    CodePipeline answer quoted in awslabs/cloudfront-hosting-toolkit#12), so a nested
    filter is ``'rules.1.member.repositoryFilters.1.member.filter'``. A list item that is
    not a structure is reported at the list, its constraint wrapped as
    ``Member must satisfy constraint: [...]`` (ECR's answer for a bad ``registryIds``
    item: ``Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member
    must satisfy constraint: [Member must satisfy regular expression pattern:
    [0-9]{12}]'``, aws-actions/amazon-ecr-login#225); a map key likewise, wrapped as
    ``Map keys must satisfy constraint: [...]`` (Coral's form, as AWS Lambda answers
    for environment variable names).
    """

    path: str
    constraint: Constraint
    #: The model's bound: a number for min/max, the model's pattern, the enum values.
    bound: Any
    #: The value as sent (``None`` for a missing member; the list for a wrapped item).
    value: Any
    #: The shape whose constraint this is.
    shape: str
    #: ``string``, ``blob``, ``list``, ``map``, ``integer``, ...
    type_name: str
    #: Wrappers around the constraint text, outermost first.
    wrappers: tuple[str, ...] = ()

    @property
    def member_text(self) -> str:
        """The constraint in Coral's words (``Member must ...``), wrapped."""
        return _wrap(self.wrappers, _constraint_text(self))


def _constraint_text(v: Violation) -> str:
    """Coral's text for one constraint.

    Sources of each form, all real AWS answers:

    - ``Member must not be null``: Coral's required-member form (DynamoDB and every
      Coral service; ``Value null at 'x' failed to satisfy constraint: Member must not
      be null``).
    - ``Member must have length less than or equal to 100`` and ``... greater than or
      equal to 1`` for lists (ECR, trek10inc/ecr-cleaner#8,
      puemos/aws-lambda-ecr-cleaner#3); strings and blobs are worded the same.
    - ``Member must have value greater than or equal to 1`` for numbers
      (aws/aws-cli#5843; ``less than or equal to 50`` in rebuy-de/aws-nuke#1074).
    - ``Member must satisfy regular expression pattern: [0-9]{12}``
      (aws-actions/amazon-ecr-login#225, ECR).
    - ``Member must satisfy enum value set: [ENABLE, DISABLE]``
      (hashicorp/terraform-provider-aws#17502).

    The pattern quoted is the model's, as written in the model.
    """
    kind, bound = v.constraint, v.bound
    if kind == "required":
        return "Member must not be null"
    if kind == "pattern":
        return f"Member must satisfy regular expression pattern: {bound}"
    if kind == "enum":
        return f"Member must satisfy enum value set: [{', '.join(bound)}]"
    what = "value" if v.type_name in _NUMBER_TYPES else "length"
    relation = "greater than or equal to" if kind == "min" else "less than or equal to"
    return f"Member must have {what} {relation} {bound}"


def _wrap(wrappers: tuple[str, ...], text: str) -> str:
    for wrapper in reversed(wrappers):
        text = f"{wrapper}: [{text}]"
    return text


#: ECR's own wording for a few constraints, by (shape, constraint): the texts real ECR
#: answers quote for ``repositoryName`` and ``registryId``, which do not start with
#: ``Member``:
#:
#: - ``Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy
#:   regular expression '(?:[a-z0-9]+...)*''`` (CreateRepository in stelligent/mu#323 and
#:   jenkins-x/jx#1344, SetRepositoryPolicy in boto/boto3#3191, DescribeRepositories in
#:   crossplane-contrib/provider-upjet-aws#1179);
#: - ``... at 'repositoryName' failed to satisfy constraint: 'must have length greater
#:   than or equal to 2'`` (aws/aws-dotnet-deploy#549);
#: - ``... at 'registryId' failed to satisfy constraint: 'must satisfy regular expression
#:   [0-9]{12}'`` (BatchGetImage, HTTP 400, chanzuckerberg/single-cell-data-portal#3781),
#:   the pattern not quoted.
#:
#: AWS quotes its own repository-name pattern, which differs from botocore's; this
#: quotes the model's. The ``max`` form of ``repositoryName`` is not seen in public
#: answers and is worded like ``min``. A list item (``registryIds`` of
#: GetAuthorizationToken) keeps the generic wrapped form, as AWS answers it.
ECR_WORDING: dict[tuple[str, str], str] = {
    ("RepositoryName", "pattern"): "must satisfy regular expression '{bound}'",
    ("RepositoryName", "min"): "must have length greater than or equal to {bound}",
    ("RepositoryName", "max"): "must have length less than or equal to {bound}",
    ("RegistryId", "pattern"): "must satisfy regular expression {bound}",
}


def _java_value(value: Any) -> str | None:
    """How Coral prints a value in ``Value '...' at``: Java's ``toString``.

    ``None`` for structures and blobs, which Coral's messages leave out
    (``Value at 'pipeline.stages...'``, awslabs/cloudfront-hosting-toolkit#12).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, list) and all(
        isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in value
    ):
        return "[" + ", ".join(str(x) for x in value) + "]"
    return None


def _coral_one(v: Violation) -> str:
    shown = None if v.type_name == "blob" else _java_value(v.value)
    if shown is None:
        value = "Value"
    elif v.value is None:
        value = "Value null"
    else:
        value = f"Value '{shown}'"
    return f"{value} at '{v.path}' failed to satisfy constraint: {v.member_text}"


def _ecr_one(v: Violation) -> str:
    wording = ECR_WORDING.get((v.shape, v.constraint)) if not v.wrappers else None
    text = wording.format(bound=v.bound) if wording else v.member_text
    return f"Invalid parameter at '{v.path}' failed to satisfy constraint: '{text}'"


def format_message(code: str, violations: list[Violation]) -> str:
    """The message AWS gives with ``code`` for these violations.

    - ``InvalidParameterException`` (ECR's own form), the first violation only, no
      value echoed and no count: ``Invalid parameter at 'imageIds' failed to satisfy
      constraint: 'Member must have length less than or equal to 100'``
      (trek10inc/ecr-cleaner#8, fujiwara/ecrm#3 with HTTP 400), ``... at
      'repositoryName' failed to satisfy constraint: 'must satisfy regular expression
      '...''`` (aws/aws-dotnet-deploy#549, stelligent/mu#323; see :data:`ECR_WORDING`).
      This is the form of every public real ECR answer found.
    - Any other code (Coral's form), every violation: ``1 validation error detected:
      Value '0' at 'maxResults' failed to satisfy constraint: Member must have value
      greater than or equal to 1`` (aws/aws-cli#5843, Cognito), several joined with
      ``; `` after ``N validation errors detected:``. Never seen from ECR in public
      output; only an operation whose validation code is ``ValidationException`` uses it.
    """
    if code == "InvalidParameterException":
        return _ecr_one(violations[0])
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(_coral_one(v) for v in violations)


_NUMBER_TYPES = frozenset({"integer", "long", "float", "double"})
