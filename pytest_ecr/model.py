"""The installed botocore's ECR service model, loaded once per process.

Everything generic in pytest-ecr (schemas, error sets, pagination and waiter
contracts, strategies) is derived from what this module exposes, never copied
by hand.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import botocore
import botocore.loaders
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

SERVICE_NAME = "ecr"

#: Errors any AWS JSON-protocol operation may return besides its modeled ones.
#: Source: "Common Errors" in the Amazon ECR API Reference
#: (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/CommonErrors.html),
#: plus ``UnrecognizedClientException`` and ``MissingAuthenticationTokenException``,
#: which the AWS JSON front end answers for a bad access key id or a missing
#: signature (see the AWS General Reference, "Signature Version 4 errors").
COMMON_ERRORS: frozenset[str] = frozenset(
    {
        "AccessDeniedException",
        "IncompleteSignature",
        "InternalFailure",
        "InvalidAction",
        "InvalidClientTokenId",
        "MissingAuthenticationTokenException",
        "NotAuthorized",
        "OptInRequired",
        "RequestExpired",
        "ServiceUnavailable",
        "ThrottlingException",
        "UnrecognizedClientException",
        "ValidationError",
    }
)

#: Modeled errors that AWS answers with a 5xx status. The ECR model carries no
#: ``httpStatusCode``; the API Reference documents ``ServerException`` with
#: "HTTP Status Code: 500" and every other ECR exception with 400
#: (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html#API_DescribeImages_Errors).
SERVER_ERRORS: frozenset[str] = frozenset({"ServerException"})

#: Common errors answered with 5xx (Common Errors page above).
COMMON_SERVER_ERRORS: frozenset[str] = frozenset({"InternalFailure", "ServiceUnavailable"})


_EXCLUSIVE = re.compile(r"cannot be used when you specify \w+ with <code>(\w+)</code>")


@dataclass(frozen=True)
class Paginator:
    """One entry of botocore's ``paginators-1`` for ECR."""

    operation: str
    input_token: str
    output_token: str
    limit_key: str
    result_keys: tuple[str, ...]
    non_aggregate_keys: tuple[str, ...]
    #: Input members the limit key cannot be combined with, read from the model's
    #: documentation of the limit key ("This option cannot be used when you specify
    #: images with <code>imageIds</code>").
    exclusive_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class Acceptor:
    state: str
    matcher: str
    expected: Any
    argument: str | None


@dataclass(frozen=True)
class Waiter:
    """One entry of botocore's ``waiters-2`` for ECR."""

    name: str
    operation: str
    delay: int
    max_attempts: int
    acceptors: tuple[Acceptor, ...]


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


class EcrModel:
    """Thin, typed view over botocore's ECR model files."""

    def __init__(
        self,
        raw_service: Mapping[str, Any],
        paginators: Mapping[str, Mapping[str, Any]],
        waiters: Mapping[str, Mapping[str, Any]],
    ) -> None:
        self.raw_service = raw_service
        self.service = ServiceModel(dict(raw_service), service_name=SERVICE_NAME)
        self.botocore_version: str = botocore.__version__
        self.paginators: dict[str, Paginator] = {
            name: Paginator(
                operation=name,
                input_token=str(cfg["input_token"]),
                output_token=str(cfg["output_token"]),
                limit_key=str(cfg["limit_key"]),
                result_keys=_as_tuple(cfg.get("result_key")),
                non_aggregate_keys=_as_tuple(cfg.get("non_aggregate_keys")),
                exclusive_with=self._exclusive_with(name, str(cfg["limit_key"])),
            )
            for name, cfg in paginators.items()
        }
        self.waiters: dict[str, Waiter] = {
            name: Waiter(
                name=name,
                operation=str(cfg["operation"]),
                delay=int(cfg["delay"]),
                max_attempts=int(cfg["maxAttempts"]),
                acceptors=tuple(
                    Acceptor(
                        state=a["state"],
                        matcher=a["matcher"],
                        expected=a["expected"],
                        argument=a.get("argument"),
                    )
                    for a in cfg["acceptors"]
                ),
            )
            for name, cfg in waiters.items()
        }

    def _exclusive_with(self, operation: str, limit_key: str) -> tuple[str, ...]:
        shape = self.service.operation_model(operation).input_shape
        member = shape.members.get(limit_key) if isinstance(shape, StructureShape) else None
        text = member.documentation if member is not None else ""
        return tuple(_EXCLUSIVE.findall(text or ""))

    @property
    def operation_names(self) -> list[str]:
        return list(self.service.operation_names)

    @property
    def target_prefix(self) -> str:
        return str(self.service.metadata["targetPrefix"])

    def operation(self, name: str) -> OperationModel:
        if name not in self.service.operation_names:
            raise UnknownOperationError(name)
        return self.service.operation_model(name)

    def shape(self, name: str) -> Shape:
        return self.service.shape_for(name)

    @property
    def shape_names(self) -> list[str]:
        return list(self.service.shape_names)

    def input_shape(self, operation: str) -> Shape | None:
        return self.operation(operation).input_shape

    def output_shape(self, operation: str) -> Shape | None:
        return self.operation(operation).output_shape

    def modeled_errors(self, operation: str) -> frozenset[str]:
        """Error codes the model lists for ``operation``."""
        return frozenset(shape.name for shape in self.operation(operation).error_shapes)

    def allowed_errors(self, operation: str) -> frozenset[str]:
        """Modeled errors plus the common AWS JSON errors."""
        return self.modeled_errors(operation) | COMMON_ERRORS

    def operation_checksum(self, operation: str) -> str:
        """A checksum of the operation and every shape it reaches (for staleness checks)."""
        op = self.operation(operation)
        definition = {
            "operation": self.raw_service["operations"][operation],
            "shapes": {
                name: self.raw_service["shapes"][name] for name in sorted(_reachable_shapes(op))
            },
        }
        text = json.dumps(definition, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


class UnknownOperationError(KeyError):
    """An operation name that the installed ECR model does not have."""

    def __init__(self, operation: str) -> None:
        super().__init__(operation)
        self.operation = operation

    def __str__(self) -> str:
        return (
            f"{self.operation!r} is not an operation of the installed botocore ECR model "
            f"(botocore {botocore.__version__})"
        )


def _reachable_shapes(op: OperationModel) -> set[str]:
    seen: set[str] = set()
    roots = [op.input_shape, op.output_shape, *op.error_shapes]
    stack = [s for s in roots if s is not None]
    while stack:
        shape = stack.pop()
        if shape.name in seen:
            continue
        seen.add(shape.name)
        stack.extend(children(shape))
    return seen


def children(shape: Shape) -> list[Shape]:
    """The shapes directly referenced by ``shape``."""
    if isinstance(shape, StructureShape):
        return list(shape.members.values())
    if isinstance(shape, ListShape):
        return [shape.member]
    if isinstance(shape, MapShape):
        return [shape.key, shape.value]
    return []


@functools.cache
def load_model() -> EcrModel:
    """Load the ECR model from the installed botocore (once per process)."""
    # A loader of botocore's own data files, not a session's: a session reads the AWS
    # profile and config, and a broken one must not break a run that loads the model.
    loader = botocore.loaders.Loader()
    raw = loader.load_service_model(SERVICE_NAME, "service-2")
    api_version = raw["metadata"]["apiVersion"]
    paginators = loader.load_service_model(SERVICE_NAME, "paginators-1", api_version)
    waiters = loader.load_service_model(SERVICE_NAME, "waiters-2", api_version)
    return EcrModel(raw, paginators["pagination"], waiters["waiters"])
