"""The ECR model enforced on the embedded moto targets.

moto accepts what AWS refuses (a repository name with capitals, ``maxResults`` 5000)
and never pages (DescribeImages answers every image where AWS answers 100 and a
``nextToken``). This module puts the installed botocore ECR model in front of moto,
for the two targets pytest-ecr starts itself:

- in-process moto (``moto.mock_aws()``), through :func:`enforce_in_process`;
- moto-server (``moto.server.ThreadedMotoServer``), through :func:`wrap_wsgi` or
  :func:`enforce_server`.

Four things are enforced, all derived from the model by tables, none written per
operation:

1. **Input validation** of every request before moto sees it (so before any resource
   lookup): ``required``, string and blob lengths, list and map sizes, numeric ranges,
   full-match patterns and enums, at any depth. Refused with HTTP 400 and the AWS JSON
   error body (see :data:`VALIDATION_CODES` and :func:`format_message`).
2. **Pagination** of every paginator in the model whose operation moto answers
   without paging (see :class:`PageRule`).
3. **Unsupported operations** (not in the model, or not implemented by moto) answered
   as an AWS JSON service answers an unknown action: HTTP 400
   ``{"__type": "UnknownOperationException"}``.
4. **Registry-computed image digests**: ``sha256:`` and the hex SHA-256 of the
   manifest bytes exactly as sent (see :class:`DigestRule`).

Behaviour that needs per-operation logic stays moto's, and so does what the model
does not state: AWS's limit of 50 tags a resource, the server-side image tag character
set, ``maxResults`` given together with ``imageIds`` (refused by AWS; here passed to
moto unpaged).

The core, :class:`Enforcer`, knows nothing of moto's plumbing: it takes the operation
name, the request body and a ``call_next`` that asks the emulator, and returns an
:class:`Answer`. The adapters translate to and from moto's in-process stubber and to
and from WSGI.
"""

from __future__ import annotations

import ast
import base64
import functools
import hashlib
import html
import http
import inspect
import io
import json
import re
import secrets
import textwrap
import threading
import uuid
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from botocore.model import ListShape, MapShape, Shape, StructureShape

from .model import EcrModel, load_model
from .patterns import EcrModelWarning, PatternTranslationError, translate_pattern

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer

__all__ = [
    "VALIDATION_CODES",
    "Answer",
    "CallNext",
    "DigestRule",
    "EnforcedWsgiApp",
    "Enforcer",
    "PageRule",
    "Violation",
    "default_page_size",
    "enforce_in_process",
    "enforce_server",
    "format_message",
    "in_process_active",
    "manifest_digest",
    "moto_natively_paged",
    "moto_unsupported",
    "start_in_process",
    "stop_in_process",
    "unenforce_server",
    "wrap_wsgi",
]

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


# -- validation: compiled checkers ------------------------------------------------

_NUMBER_TYPES = frozenset({"integer", "long", "float", "double"})


class _Found:
    """A violation under construction; its path is collected inside out."""

    __slots__ = ("bound", "constraint", "parts", "shape", "type_name", "value", "wrappers")

    def __init__(
        self, constraint: Constraint, bound: Any, value: Any, shape: Shape, part: str | None = None
    ) -> None:
        self.constraint = constraint
        self.bound = bound
        self.value = value
        self.shape = shape.name
        self.type_name = shape.type_name
        self.parts: list[str] = [] if part is None else [part]
        self.wrappers: list[str] = []

    def done(self) -> Violation:
        return Violation(
            path=".".join(reversed(self.parts)),
            constraint=self.constraint,
            bound=self.bound,
            value=self.value,
            shape=self.shape,
            type_name=self.type_name,
            wrappers=tuple(reversed(self.wrappers)),
        )


#: A compiled check of one shape: ``None`` when the value keeps every constraint.
_Check = Callable[[Any], "list[_Found] | None"]


def _decoded_size(text: str) -> int:
    """Bytes in a padded base64 string (blobs are base64 on the wire: Smithy, AWS JSON 1.1)."""
    return len(text) // 4 * 3 - (len(text) - len(text.rstrip("=")))


class _Compiler:
    """Turns botocore input shapes into closures, once per shape (cached by name).

    A shape whose subtree carries no constraint compiles to ``None`` and costs nothing
    per request.
    """

    def __init__(self) -> None:
        self._done: dict[str, _Check | None] = {}
        self._busy: set[str] = set()

    def compile(self, shape: Shape) -> _Check | None:
        name = shape.name
        if name in self._done:
            return self._done[name]
        if name in self._busy:
            # A recursive shape: look the finished check up when it runs.
            done = self._done

            def deferred(value: Any) -> list[_Found] | None:
                check = done.get(name)
                return check(value) if check is not None else None

            return deferred
        self._busy.add(name)
        try:
            check = self._build(shape)
        finally:
            self._busy.discard(name)
        self._done[name] = check
        return check

    def _build(self, shape: Shape) -> _Check | None:
        kind = shape.type_name
        if kind == "structure":
            assert isinstance(shape, StructureShape)
            return self._structure(shape)
        if kind == "list":
            assert isinstance(shape, ListShape)
            return self._list(shape)
        if kind == "map":
            assert isinstance(shape, MapShape)
            return self._map(shape)
        if kind == "string":
            return self._string(shape)
        if kind == "blob":
            return self._blob(shape)
        if kind in _NUMBER_TYPES:
            return self._number(shape)
        return None

    def _structure(self, shape: StructureShape) -> _Check | None:
        required = set(shape.metadata.get("required", ()))
        members: list[tuple[str, Shape, _Check | None, bool]] = []
        for member_name, member in shape.members.items():
            check = self.compile(member)
            if check is not None or member_name in required:
                members.append((member_name, member, check, member_name in required))
        if not members:
            return None
        plan = tuple(members)

        def check_structure(value: Any) -> list[_Found] | None:
            if type(value) is not dict:
                return None
            found: list[_Found] | None = None
            for member_name, member, check, is_required in plan:
                item = value.get(member_name)
                if item is None:
                    if is_required:
                        if found is None:
                            found = []
                        found.append(_Found("required", None, None, member, member_name))
                    continue
                if check is not None:
                    inner = check(item)
                    if inner:
                        for f in inner:
                            f.parts.append(member_name)
                        if found is None:
                            found = inner
                        else:
                            found.extend(inner)
            return found

        return check_structure

    def _sizes(self, shape: Shape) -> tuple[int | None, int | None]:
        meta = shape.metadata
        low = meta.get("min")
        high = meta.get("max")
        # A size of at least 0 cannot be broken.
        return (low if low else None), high

    def _list(self, shape: ListShape) -> _Check | None:
        low, high = self._sizes(shape)
        member = shape.member
        item_check = self.compile(member)
        if low is None and high is None and item_check is None:
            return None
        nested = member.type_name in ("structure", "list", "map")

        def check_list(value: Any) -> list[_Found] | None:
            if type(value) is not list:
                return None
            found: list[_Found] | None = None
            size = len(value)
            if low is not None and size < low:
                found = [_Found("min", low, value, shape)]
            elif high is not None and size > high:
                found = [_Found("max", high, value, shape)]
            if item_check is not None:
                for index, item in enumerate(value):
                    inner = item_check(item)
                    if not inner:
                        continue
                    for f in inner:
                        if nested:
                            f.parts.append("member")
                            f.parts.append(str(index + 1))
                        else:
                            f.wrappers.append("Member must satisfy constraint")
                            f.value = value
                    if found is None:
                        found = inner
                    else:
                        found.extend(inner)
            return found

        return check_list

    def _map(self, shape: MapShape) -> _Check | None:
        low, high = self._sizes(shape)
        key_check = self.compile(shape.key)
        value_check = self.compile(shape.value)
        if low is None and high is None and key_check is None and value_check is None:
            return None
        nested_value = shape.value.type_name in ("structure", "list", "map")

        def check_map(value: Any) -> list[_Found] | None:
            if type(value) is not dict:
                return None
            found: list[_Found] = []
            size = len(value)
            if low is not None and size < low:
                found.append(_Found("min", low, None, shape))
            elif high is not None and size > high:
                found.append(_Found("max", high, None, shape))
            for key, item in value.items():
                if key_check is not None:
                    for f in key_check(key) or ():
                        f.wrappers.append("Map keys must satisfy constraint")
                        found.append(f)
                if value_check is not None:
                    for f in value_check(item) or ():
                        if nested_value:
                            f.parts.append(str(key))
                        else:
                            f.wrappers.append("Map value must satisfy constraint")
                        found.append(f)
            return found or None

        return check_map

    def _string(self, shape: Shape) -> _Check | None:
        meta = shape.metadata
        low, high = self._sizes(shape)
        enum = meta.get("enum")
        allowed = frozenset(enum) if enum else None
        java_pattern = meta.get("pattern")
        matcher = None
        if java_pattern is not None:
            try:
                matcher = re.compile(translate_pattern(java_pattern)).match
            except PatternTranslationError as exc:
                warnings.warn(
                    f"ECR model shape {shape.name}: pattern {java_pattern!r} is not enforced "
                    f"({exc.reason})",
                    EcrModelWarning,
                    stacklevel=2,
                )
        if low is None and high is None and allowed is None and matcher is None:
            return None
        enum_values = tuple(enum) if enum else ()

        def check_string(value: Any) -> list[_Found] | None:
            if type(value) is not str:
                return None
            found: list[_Found] | None = None
            # Smithy's length counts Unicode code points (as schema.py does).
            size = len(value)
            if low is not None and size < low:
                found = [_Found("min", low, value, shape)]
            elif high is not None and size > high:
                found = [_Found("max", high, value, shape)]
            if matcher is not None and matcher(value) is None:
                found = found or []
                found.append(_Found("pattern", java_pattern, value, shape))
            if allowed is not None and value not in allowed:
                found = found or []
                found.append(_Found("enum", enum_values, value, shape))
            return found

        return check_string

    def _blob(self, shape: Shape) -> _Check | None:
        low, high = self._sizes(shape)
        if low is None and high is None:
            return None

        def check_blob(value: Any) -> list[_Found] | None:
            if type(value) is not str:
                return None
            size = _decoded_size(value)
            if low is not None and size < low:
                return [_Found("min", low, value, shape)]
            if high is not None and size > high:
                return [_Found("max", high, value, shape)]
            return None

        return check_blob

    def _number(self, shape: Shape) -> _Check | None:
        low = shape.metadata.get("min")
        high = shape.metadata.get("max")
        if low is None and high is None:
            return None

        def check_number(value: Any) -> list[_Found] | None:
            if type(value) not in (int, float):
                return None
            if low is not None and value < low:
                return [_Found("min", low, value, shape)]
            if high is not None and value > high:
                return [_Found("max", high, value, shape)]
            return None

        return check_number


# -- pagination -----------------------------------------------------------------

_DEFAULT_PAGE = re.compile(r"returns\s+up\s+to\s+(\d+)\s+results", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def default_page_size(documentation: str | None) -> int | None:
    """The page size an operation uses without ``maxResults``, from its model doc.

    ECR documents it on the limit member: "If this parameter is not used, then
    ``ListImages`` returns up to 100 results and a ``nextToken`` value, if applicable"
    (botocore ``ecr/2015-09-21/service-2.json``, ``ListImagesRequest.maxResults``).
    ``None`` where the documentation states none: such an operation is not paged by
    default.
    """
    if not documentation:
        return None
    text = _TAGS.sub(" ", html.unescape(documentation))
    match = _DEFAULT_PAGE.search(text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class PageRule:
    """How one operation is paged, from its ``paginators-1`` entry and its documentation.

    Pages hold ``limit_key`` items (at most; the default from the limit member's
    documentation when the request has none) of every result key; a ``nextToken`` is
    answered while items are left, and the last page has none (the model: "This value
    is null when there are no more results to return", ``ListImagesRequest.nextToken``).
    A request that names one of ``exclusive_with`` (``imageIds`` for DescribeImages:
    "This option cannot be used when you specify images with imageIds") is not paged.
    """

    operation: str
    input_token: str
    output_token: str
    limit_key: str
    result_keys: tuple[tuple[str, ...], ...]
    default_limit: int | None
    exclusive_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class _TokenState:
    operation: str
    fingerprint: str
    offset: int


class _Tokens:
    """Issued page tokens, server-side: an opaque random id stands for the next offset.

    The model says the token "should be treated as an opaque identifier"
    (``DescribeRepositoriesRequest.nextToken``); a random id stored here is one, and a
    token this store never issued (or issued for another request) is refused. The
    oldest tokens are forgotten past ``capacity``.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._states: OrderedDict[str, _TokenState] = OrderedDict()

    def issue(self, state: _TokenState) -> str:
        token = base64.urlsafe_b64encode(secrets.token_bytes(24)).decode("ascii")
        with self._lock:
            self._states[token] = state
            while len(self._states) > self._capacity:
                self._states.popitem(last=False)
        return token

    def get(self, token: str) -> _TokenState | None:
        with self._lock:
            return self._states.get(token)

    def __len__(self) -> int:
        with self._lock:
            return len(self._states)


# -- digests --------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRule:
    """An operation whose input carries a manifest and the manifest's digest.

    When the client leaves the digest out, the registry computes it: ``sha256:`` and
    the lowercase hex SHA-256 of the manifest's bytes as sent, which for PutImage's
    ``imageManifest`` string is its UTF-8 encoding (OCI Image Spec, "Descriptor",
    "Digests": the digest is computed over the exact bytes; Docker Registry HTTP API V2,
    "Content Digests"). Derived from the model: every operation whose input structure
    has a member of shape :data:`MANIFEST_SHAPE` and one of :data:`DIGEST_SHAPE`.
    """

    operation: str
    manifest_member: str
    digest_member: str


MANIFEST_SHAPE = "ImageManifest"
DIGEST_SHAPE = "ImageDigest"


def manifest_digest(manifest: str) -> str:
    """``sha256:`` + hex SHA-256 of the manifest text's UTF-8 bytes."""
    return "sha256:" + hashlib.sha256(manifest.encode("utf-8")).hexdigest()


# -- what moto implements -------------------------------------------------------


def _moto_method(operation: str) -> Any:
    from moto.core.utils import camelcase_to_underscores, method_names_from_class
    from moto.ecr.responses import ECRResponse

    name = camelcase_to_underscores(operation)
    # moto's own dispatch test (moto/core/responses.py, BaseResponse.call_action).
    if name not in method_names_from_class(ECRResponse):
        return None
    return getattr(ECRResponse, name)


def _function_ast(method: Any) -> ast.FunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(method))
    except (OSError, TypeError):
        return None
    tree = ast.parse(source)
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef) else None


def _only_raises_not_implemented(method: Any) -> bool:
    node = _function_ast(method)
    if node is None:
        return False
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    exc = body[0].exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


@functools.cache
def _moto_unsupported(operations: tuple[str, ...]) -> frozenset[str]:
    try:
        import moto.ecr.responses  # noqa: F401
    except ImportError:
        return frozenset()
    out = set()
    for operation in operations:
        method = _moto_method(operation)
        if method is None or _only_raises_not_implemented(method):
            out.add(operation)
    return frozenset(out)


def moto_unsupported(model: EcrModel | None = None) -> frozenset[str]:
    """Operations of the model that the installed moto does not implement.

    Read from moto's source: ``ECRResponse`` has no method for the operation (moto then
    raises ``NotImplementedError``, ``moto/core/responses.py`` ``call_action``), or the
    method's body is only ``raise NotImplementedError(...)`` (moto 5.2.5's
    ``get_download_url_for_layer``).
    """
    model = model or load_model()
    return _moto_unsupported(tuple(model.operation_names))


@functools.cache
def _moto_natively_paged(pairs: tuple[tuple[str, str], ...]) -> frozenset[str]:
    try:
        import moto.ecr.responses  # noqa: F401
    except ImportError:
        return frozenset()
    out = set()
    for operation, token in pairs:
        method = _moto_method(operation)
        node = _function_ast(method) if method is not None else None
        if node is None:
            continue
        if any(isinstance(n, ast.Constant) and n.value == token for n in ast.walk(node)):
            out.add(operation)
    return frozenset(out)


def moto_natively_paged(model: EcrModel | None = None) -> frozenset[str]:
    """Paginated operations whose moto implementation reads the input token itself.

    moto pages an operation by reading its ``nextToken`` parameter (moto's
    ``@paginate`` helpers take it from the request); one that never reads it answers
    the whole listing, and is paged here. moto 5.2.5 pages no ECR operation.
    """
    model = model or load_model()
    pairs = tuple((p.operation, p.input_token) for p in model.paginators.values())
    return _moto_natively_paged(pairs)


# -- the core -------------------------------------------------------------------


class Enforcer:
    """The model's rules, enforced in front of an emulator.

    Everything is derived from ``model`` (default: the installed botocore's), so a
    modified model (a new constraint, a new paginator) is enforced with no new code.
    ``unsupported`` and ``natively_paged`` default to what the installed moto lacks and
    pages itself (:func:`moto_unsupported`, :func:`moto_natively_paged`).

    Thread-safe: compiled checks are built once, here; the token store locks.
    """

    def __init__(
        self,
        model: EcrModel | None = None,
        *,
        unsupported: Iterable[str] | None = None,
        natively_paged: Iterable[str] | None = None,
        token_capacity: int = 100_000,
    ) -> None:
        self.model = model = model or load_model()
        self.target_prefix = model.target_prefix + "."
        self.operations = frozenset(model.operation_names)
        self.unsupported = frozenset(
            moto_unsupported(model) if unsupported is None else unsupported
        )
        self.natively_paged = frozenset(
            moto_natively_paged(model) if natively_paged is None else natively_paged
        )
        compiler = _Compiler()
        self._checks: dict[str, _Check | None] = {}
        self._codes: dict[str, str] = {}
        self.page_rules: dict[str, PageRule] = {}
        self.digest_rules: dict[str, DigestRule] = {}
        for name in model.operation_names:
            shape = model.input_shape(name)
            self._checks[name] = compiler.compile(shape) if shape is not None else None
            self._codes[name] = self._validation_code(name)
            if isinstance(shape, StructureShape):
                rule = self._digest_rule(name, shape)
                if rule is not None:
                    self.digest_rules[name] = rule
        for paginator in model.paginators.values():
            if paginator.operation in self.natively_paged:
                continue
            page_rule = self._page_rule(paginator.operation)
            if page_rule is not None:
                self.page_rules[paginator.operation] = page_rule
        self._tokens = _Tokens(token_capacity)

    # -- tables derived from the model

    def _validation_code(self, operation: str) -> str:
        modeled = self.model.modeled_errors(operation)
        return next((c for c in VALIDATION_CODES if c in modeled), FALLBACK_VALIDATION_CODE)

    def validation_code(self, operation: str) -> str:
        """The error code of a constraint violation in ``operation`` (:data:`VALIDATION_CODES`)."""
        return self._codes.get(operation) or self._validation_code(operation)

    @staticmethod
    def _digest_rule(operation: str, shape: StructureShape) -> DigestRule | None:
        by_shape = {member.name: name for name, member in shape.members.items()}
        if MANIFEST_SHAPE in by_shape and DIGEST_SHAPE in by_shape:
            return DigestRule(operation, by_shape[MANIFEST_SHAPE], by_shape[DIGEST_SHAPE])
        return None

    def _page_rule(self, operation: str) -> PageRule | None:
        paginator = self.model.paginators[operation]
        keys = []
        for key in paginator.result_keys:
            if not _DOTTED.fullmatch(key):
                return None  # a JMESPath expression this cannot slice
            keys.append(tuple(key.split(".")))
        shape = self.model.input_shape(operation)
        limit = (
            shape.members.get(paginator.limit_key) if isinstance(shape, StructureShape) else None
        )
        return PageRule(
            operation=operation,
            input_token=paginator.input_token,
            output_token=paginator.output_token,
            limit_key=paginator.limit_key,
            result_keys=tuple(keys),
            default_limit=default_page_size(limit.documentation if limit is not None else None),
            exclusive_with=paginator.exclusive_with,
        )

    # -- the rules

    def operation_for_target(self, target: str | bytes | None) -> str | None:
        """The operation named by an ``X-Amz-Target`` header, or ``None`` if not ECR's."""
        if target is None:
            return None
        if isinstance(target, bytes):
            target = target.decode("latin-1")
        if not target.startswith(self.target_prefix):
            return None
        return target[len(self.target_prefix) :]

    def unknown_operation(self, operation: str) -> Answer | None:
        """The UnknownOperationException answer if ``operation`` is not served."""
        if operation in self.operations and operation not in self.unsupported:
            return None
        return error_answer(UNKNOWN_OPERATION_CODE, None)

    def violations(self, operation: str, body: Any) -> list[Violation]:
        """Every constraint of ``operation``'s input that ``body`` breaks, in model order."""
        check = self._checks.get(operation)
        if check is None:
            return []
        found = check(body if body is not None else {})
        return [f.done() for f in found] if found else []

    def validate(self, operation: str, body: Any) -> Answer | None:
        """The error answer AWS gives ``body``, or ``None`` when it keeps every constraint."""
        unknown = self.unknown_operation(operation)
        if unknown is not None:
            return unknown
        check = self._checks.get(operation)
        if check is None:
            return None
        found = check(body if body is not None else {})
        if not found:
            return None
        code = self._codes[operation]
        return error_answer(code, format_message(code, [f.done() for f in found]))

    def with_digest(self, operation: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """``body`` with the registry-computed digest added, or ``None`` if nothing to add."""
        rule = self.digest_rules.get(operation)
        if rule is None or body.get(rule.digest_member) is not None:
            return None
        manifest = body.get(rule.manifest_member)
        if not isinstance(manifest, str):
            return None
        return {**body, rule.digest_member: manifest_digest(manifest)}

    def paginate(
        self,
        operation: str,
        request: dict[str, Any],
        call_next: Callable[[dict[str, Any] | None], Answer],
    ) -> Answer:
        """Page ``operation``'s answer: moto answers the whole listing, this slices it.

        ``call_next(body)`` asks the emulator with ``body`` (``None``: the request as it
        came). Answers other than 200 pass unchanged. A page resumes at the offset where
        the last one ended, over a listing moto makes afresh for each page.

        A token this enforcer did not issue for the same operation and the same other
        parameters is refused with the operation's validation code (real ECR's code for
        a bad ``nextToken`` is not in public output; ``InvalidParameterException`` is
        the one ECR's paginated operations model). The message's wording is this
        module's own.
        """
        rule = self.page_rules.get(operation)
        if rule is None:
            return call_next(None)
        token = request.get(rule.input_token)
        limit = request.get(rule.limit_key)
        if any(request.get(name) is not None for name in rule.exclusive_with):
            return call_next(None)
        if token is None and limit is None and rule.default_limit is None:
            return call_next(None)
        forward = {
            k: v for k, v in request.items() if k != rule.input_token and k != rule.limit_key
        }
        fingerprint = json.dumps(forward, sort_keys=True, separators=(",", ":"))
        offset = 0
        if token is not None:
            state = self._tokens.get(token) if isinstance(token, str) else None
            if state is None or state.operation != operation or state.fingerprint != fingerprint:
                code = self._codes[operation]
                return error_answer(
                    code,
                    f"Invalid parameter at '{rule.input_token}' failed to satisfy constraint: "
                    f"'the token was not issued for this request'",
                )
            offset = state.offset
        page = limit if isinstance(limit, int) and not isinstance(limit, bool) else None
        page = page or rule.default_limit
        changed = token is not None or limit is not None
        answer = call_next(forward if changed else None)
        if answer.status != 200:
            return answer
        data = answer.json()
        if not isinstance(data, dict):
            return answer
        lists: list[tuple[dict[str, Any], str, list[Any]]] = []
        total = 0
        for path in rule.result_keys:
            holder: Any = data
            for part in path[:-1]:
                holder = holder.get(part) if isinstance(holder, dict) else None
            items = holder.get(path[-1]) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and isinstance(items, list):
                lists.append((holder, path[-1], items))
                total = max(total, len(items))
        end = total if page is None else offset + page
        if offset == 0 and end >= total and rule.output_token not in data:
            return answer  # one page holds it all: moto's answer as it is
        for holder, key, items in lists:
            holder[key] = items[offset:end]
        if end < total:
            data[rule.output_token] = self._tokens.issue(_TokenState(operation, fingerprint, end))
        else:
            data.pop(rule.output_token, None)
        return _with_body(answer, json.dumps(data, separators=(",", ":")).encode("utf-8"))

    def handle(
        self, operation: str, body: bytes | str | None, call_next: CallNext
    ) -> Answer | None:
        """Answer one ECR request, asking ``call_next`` where moto must answer.

        Returns ``None`` when the request goes to moto exactly as it came and moto's
        answer needs nothing (the adapters then pass moto's own answer on untouched).
        """
        unknown = self.unknown_operation(operation)
        if unknown is not None:
            return unknown
        if not body:
            request: Any = {}
        else:
            try:
                request = json.loads(body)
            except ValueError:
                return None  # not JSON: moto's (AWS answers SerializationException)
        if not isinstance(request, dict):
            return None
        check = self._checks.get(operation)
        if check is not None:
            found = check(request)
            if found:
                code = self._codes[operation]
                return error_answer(code, format_message(code, [f.done() for f in found]))
        digested = self.with_digest(operation, request) if operation in self.digest_rules else None
        if digested is not None:
            request = digested
        if operation in self.page_rules:

            def forward(changed: dict[str, Any] | None) -> Answer:
                if changed is None and digested is None:
                    return call_next(body.encode("utf-8") if isinstance(body, str) else body or b"")
                return call_next(json.dumps(request if changed is None else changed).encode())

            return self.paginate(operation, request, forward)
        if digested is not None:
            return call_next(json.dumps(digested).encode("utf-8"))
        return None


# -- adapter: in-process moto --------------------------------------------------


_lock = threading.RLock()
_active: list[Enforcer] = []
_MISSING: Any = object()
_saved: Any = _MISSING


def _stubber() -> Any:
    from moto.core.models import botocore_stubber

    return botocore_stubber


def _header(headers: Any, name: str) -> Any:
    try:
        return headers.get(name)
    except AttributeError:
        return None


def _copy_headers(headers: Any) -> Any:
    """A copy of a request's headers (botocore's ``HeadersDict``, or a mapping)."""
    copy = getattr(headers, "copy", None)
    if callable(copy):
        return copy()
    return {k: v for k, v in headers.items()}


def _make_in_process(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    from botocore.awsrequest import AWSPreparedRequest

    def enforced_process_request(request: Any) -> Any:
        enforcer = _active[-1] if _active else None
        if enforcer is None:
            return original(request)
        operation = enforcer.operation_for_target(_header(request.headers, "X-Amz-Target"))
        if operation is None:
            return original(request)
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            return original(request)  # a stream: not an AWS JSON request

        def call_next(new_body: bytes) -> Answer:
            forwarded = request
            if new_body != body:
                headers = _copy_headers(request.headers)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(new_body))
                forwarded = AWSPreparedRequest(
                    method=request.method,
                    url=request.url,
                    headers=headers,
                    body=new_body,
                    stream_output=request.stream_output,
                    context=getattr(request, "context", None),
                )
            result = original(forwarded)
            if result is None:
                raise RuntimeError(f"moto passed the ECR {operation} request through")
            status, headers_out, body_out = result
            return Answer(int(status), dict(headers_out), body_out)

        answer = enforcer.handle(operation, body, call_next)
        if answer is None:
            return original(request)
        return answer.status, answer.headers, answer.body

    enforced_process_request.__pytest_ecr_enforcement__ = True  # type: ignore[attr-defined]
    return enforced_process_request


def start_in_process(enforcer: Enforcer | None = None) -> Enforcer:
    """Make in-process moto enforce ``enforcer`` (default: a new :class:`Enforcer`).

    moto answers in-process requests from one ``BotocoreStubber`` object, registered as
    a botocore ``before-send`` handler in ``botocore.handlers.BUILTIN_HANDLERS``
    (``moto/core/models.py``); every client, made before or after ``mock_aws()``
    started, calls that same object, and it calls its ``process_request(request)``
    while a mock is active. This sets an instance attribute ``process_request`` on it
    that enforces and then calls the original, so a ``mock_aws()`` of the user's own is
    enforced too, and nothing of moto's is replaced for good: :func:`stop_in_process`
    removes the attribute. Calls nest; the innermost enforcer answers.
    """
    global _saved
    enforcer = enforcer or Enforcer()
    with _lock:
        stubber = _stubber()
        if not _active:
            _saved = stubber.__dict__.get("process_request", _MISSING)
            stubber.process_request = _make_in_process(stubber.process_request)
        _active.append(enforcer)
    return enforcer


def stop_in_process(enforcer: Enforcer) -> None:
    """Undo one :func:`start_in_process`; the last one restores moto as it was."""
    global _saved
    with _lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is enforcer:
                del _active[index]
                break
        else:
            raise RuntimeError("this enforcer is not active in-process")
        if not _active:
            stubber = _stubber()
            if _saved is _MISSING:
                stubber.__dict__.pop("process_request", None)
            else:
                stubber.process_request = _saved
            _saved = _MISSING


@contextmanager
def enforce_in_process(enforcer: Enforcer | None = None) -> Iterator[Enforcer]:
    """Enforce the model on in-process moto inside the ``with`` block.

    Works whether the block starts ``moto.mock_aws()`` itself or runs inside one; on
    exit (also on an exception) moto is as it was::

        with moto.mock_aws(), enforce_in_process():
            client.create_repository(repositoryName="Bad_Name")  # InvalidParameterException
    """
    active = start_in_process(enforcer)
    try:
        yield active
    finally:
        stop_in_process(active)


def in_process_active() -> Enforcer | None:
    """The enforcer answering in-process requests now, if any."""
    return _active[-1] if _active else None


# -- adapter: WSGI (moto-server) ------------------------------------------------

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return bytes(stream.read(int(length)))
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    return b""


@dataclass
class EnforcedWsgiApp:
    """A WSGI app that enforces the model on ECR requests and passes the rest to ``app``."""

    app: WsgiApp
    enforcer: Enforcer = field(default_factory=Enforcer)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        enforcer = self.enforcer
        operation = enforcer.operation_for_target(environ.get("HTTP_X_AMZ_TARGET"))
        if operation is None:
            return self.app(environ, start_response)
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

        def call_next(new_body: bytes) -> Answer:
            env = dict(environ)
            env["wsgi.input"] = io.BytesIO(new_body)
            env["CONTENT_LENGTH"] = str(len(new_body))
            return self._call_app(env)

        answer = enforcer.handle(operation, body, call_next)
        if answer is None:
            return self.app(environ, start_response)
        data = answer.body_bytes()
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{answer.status} {_reason(answer.status)}", headers)
        return [data]

    def _call_app(self, environ: dict[str, Any]) -> Answer:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"] = status
            captured["headers"] = headers
            return chunks.append

        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = int(str(captured.get("status", "500")).split(" ", 1)[0])
        headers = dict(captured.get("headers", []))
        return Answer(status, headers, b"".join(chunks))


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def wrap_wsgi(app: WsgiApp, enforcer: Enforcer | None = None) -> EnforcedWsgiApp:
    """``app`` with the model enforced on its ECR requests (``X-Amz-Target`` of ECR's)."""
    return EnforcedWsgiApp(app, enforcer or Enforcer())


def enforce_server(server: ThreadedMotoServer, enforcer: Enforcer | None = None) -> Enforcer:
    """Enforce the model on a started ``ThreadedMotoServer``.

    ``ThreadedMotoServer._server_entry`` makes a werkzeug server around a
    ``DomainDispatcherApplication`` (``moto/moto_server/threaded_moto_server.py``), and
    werkzeug's request handler calls ``self.server.app`` for each request
    (``werkzeug/serving.py``, ``WSGIRequestHandler.run_wsgi``). This replaces that
    ``app`` with :func:`wrap_wsgi` of it; call it right after ``server.start()``, before
    any client uses the server. :func:`unenforce_server` puts the original back.
    """
    wsgi_server = getattr(server, "_server", None)
    if wsgi_server is None:
        raise RuntimeError("enforce_server: start the ThreadedMotoServer first")
    current = wsgi_server.app
    if isinstance(current, EnforcedWsgiApp):
        if enforcer is not None:
            current.enforcer = enforcer
        return current.enforcer
    wrapped = wrap_wsgi(current, enforcer)
    wsgi_server.app = wrapped
    return wrapped.enforcer


def unenforce_server(server: ThreadedMotoServer) -> None:
    """Undo :func:`enforce_server`."""
    wsgi_server = getattr(server, "_server", None)
    if wsgi_server is not None and isinstance(wsgi_server.app, EnforcedWsgiApp):
        wsgi_server.app = wsgi_server.app.app
