"""Normalisation: the values that legitimately differ between two correct registries,
replaced by placeholders (differential mode, see :mod:`pytest_ecr.reference`).

Normalisation works on parsed JSON, never on text, and never touches keys. A
placeholder is a :class:`Placeholder` object, not a string, so a value that merely
looks like one (``"<account-1>"``) never compares equal to one. Identity is kept within
a test: the same value in two places, or in two calls, gets the same placeholder.

Each kind of value is one small :class:`Rule` (``transform(value, key, norm)``), tried in
the order of :data:`RULES`; the first that applies wins.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

#: ``arn:partition:service:region:account:resource`` (AWS General Reference, "Amazon
#: Resource Names (ARNs)": "arn:partition:service:region:account-id:resource-id").
_ARN = re.compile(r"arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):([0-9]{12}|):(.+)", re.S)
#: A private registry's host: ``aws_account_id.dkr.ecr.region.amazonaws.com`` (Amazon
#: ECR User Guide, "Amazon ECR private registry").
_REGISTRY_HOST = re.compile(
    r"(https://)?([0-9]{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?(/.*)?", re.S
)
_ACCOUNT = re.compile(r"[0-9]{12}")
_EMBEDDED_ACCOUNT = re.compile(r"(?<![0-9])([0-9]{12})(?![0-9])")
#: An image or layer digest (OCI image spec, "Digests": ``algorithm:encoded``).
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_PRESIGNED = re.compile(r"https?://\S*(X-Amz-Signature=|Signature=)", re.I)

#: Members whose values are opaque to a client: each distinct value is a placeholder.
OPAQUE_MEMBERS = {
    "uploadId": "upload-id",
    "authorizationToken": "token",
    "nextToken": "next-token",
}
#: Free text that differs between two correct registries; its presence and type are
#: still compared. ``__type`` too: the error code is compared in the wire layer.
TEXT_MEMBERS = {"message", "Message", "__type"}


@dataclass(frozen=True)
class Placeholder:
    kind: str
    number: int = 0

    def __repr__(self) -> str:
        return f"<{self.kind}-{self.number}>" if self.number else f"<{self.kind}>"


@dataclass(frozen=True)
class Timestamp:
    """A timestamp, kept with its JSON type; its value is compared by order only."""

    json_type: str

    def __repr__(self) -> str:
        return f"<timestamp:{self.json_type}>"


_NOT_MINE: Any = object()


class Rule:
    """One kind of varying value: :meth:`transform` returns its normal form, or
    :data:`_NOT_MINE` when the value is not of this kind."""

    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        raise NotImplementedError


class OpaqueMember(Rule):
    """Members whose values are opaque to a client: each distinct value a placeholder."""

    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        return norm.placeholder(OPAQUE_MEMBERS[key], value) if key in OPAQUE_MEMBERS else _NOT_MINE


class FreeText(Rule):
    """Free text (messages): only its presence and type are compared."""

    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        return Placeholder("text") if key in TEXT_MEMBERS else _NOT_MINE


class Account(Rule):
    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        if key == "registryId" or _ACCOUNT.fullmatch(value):
            return norm.placeholder("account", value)
        return _NOT_MINE


class Digest(Rule):
    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        return norm.placeholder("digest", value) if _DIGEST.fullmatch(value) else _NOT_MINE


class PresignedUrl(Rule):
    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        return norm.placeholder("presigned-url", value) if _PRESIGNED.match(value) else _NOT_MINE


class Arn(Rule):
    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        arn = _ARN.fullmatch(value)
        if not arn:
            return _NOT_MINE
        partition, service, region, account, resource = arn.groups()
        return Structured(
            "arn",
            (
                partition,
                service,
                norm.placeholder("region", region) if region else "",
                norm.placeholder("account", account) if account else "",
                # ECR resources carry the suite's names; another service's resource id (a
                # KMS key the registry made) is the registry's to choose.
                resource if service == "ecr" else norm.placeholder(f"{service}-resource", resource),
            ),
        )


class RegistryHost(Rule):
    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        host = _REGISTRY_HOST.fullmatch(value)
        if not host:
            return _NOT_MINE
        scheme, account, region, china, path = host.groups()
        return Structured(
            "registry-uri",
            (
                scheme or "",
                norm.placeholder("account", account),
                norm.placeholder("region", region),
                china or "",
                path or "",
            ),
        )


class EmbeddedDocument(Rule):
    """A policy or lifecycle policy: compared as the document it is, since a registry may
    store it reformatted."""

    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        document = _embedded_json(value)
        if document is None:
            return _NOT_MINE
        return Structured("json", (norm.normalise(document),))


class EmbeddedAccount(Rule):
    """Accounts inside free text (a value the suite built from the registry's account),
    kept in place as parts, never by rewriting the text."""

    def transform(self, value: str, key: str | None, norm: Normaliser) -> Any:
        parts = _EMBEDDED_ACCOUNT.split(value)
        if len(parts) == 1:
            return _NOT_MINE
        return Structured(
            "text",
            tuple(
                norm.placeholder("account", part) if n % 2 else part for n, part in enumerate(parts)
            ),
        )


#: The rules, in the order they are tried.
RULES: tuple[Rule, ...] = (
    OpaqueMember(),
    FreeText(),
    Account(),
    Digest(),
    PresignedUrl(),
    Arn(),
    RegistryHost(),
    EmbeddedDocument(),
    EmbeddedAccount(),
)


class Normaliser:
    """Replaces the legitimately varying values of one side of one test.

    One instance per side and test, so that identity holds across its calls.

    Digests are placeholders too: whether a digest is the hash of its content is the
    contracts' to check (on every target); here what counts is that the same digest
    comes back wherever the reference had the same one. With ``own_prefix``, listed
    repositories whose names are not under it (an AWS account's own repositories, or
    another run's) are left out of the comparison on both sides.
    """

    def __init__(self, own_prefix: str | None = None) -> None:
        self._numbers: dict[str, dict[Any, Placeholder]] = defaultdict(dict)
        self.own_prefix = own_prefix

    def placeholder(self, kind: str, value: Any) -> Placeholder:
        seen = self._numbers[kind]
        if value not in seen:
            seen[value] = Placeholder(kind, len(seen) + 1)
        return seen[value]

    def value(self, value: Any, *, key: str | None = None, timestamp: bool = False) -> Any:
        """One leaf value, given the member it is the value of."""
        if timestamp and isinstance(value, (int, float, str)) and not isinstance(value, bool):
            return Timestamp(json_type(value))
        if not isinstance(value, str):
            return value
        for rule in RULES:
            normal = rule.transform(value, key, self)
            if normal is not _NOT_MINE:
                return normal
        return value

    def normalise(self, data: Any, timestamps: frozenset[str] = frozenset()) -> Any:
        """``data`` with its varying values replaced; ``timestamps`` are the member names
        whose values are timestamps (from the operation's output shape)."""
        return self._walk(data, None, timestamps)

    def _walk(self, data: Any, key: str | None, timestamps: frozenset[str]) -> Any:
        if isinstance(data, dict):
            # Keys are never rewritten, only values.
            return {k: self._walk(v, k, timestamps) for k, v in data.items()}
        if isinstance(data, list):
            return [self._walk(v, key, timestamps) for v in data if self._ours(v)]
        return self.value(data, key=key, timestamp=key in timestamps)

    def _ours(self, item: Any) -> bool:
        name = item.get("repositoryName") if isinstance(item, dict) else None
        if self.own_prefix is None or not isinstance(name, str):
            return True
        return name.startswith(self.own_prefix)


def _embedded_json(value: str) -> Any:
    """The JSON document in a string member (a policy text), or ``None``."""
    text = value.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return None
    return document if isinstance(document, dict) else None


@dataclass(frozen=True)
class Structured:
    """A value whose structure is compared part by part (an ARN, a registry URI)."""

    kind: str
    parts: tuple[Any, ...]

    def __repr__(self) -> str:
        if self.kind == "json":
            return json.dumps(self.parts[0], default=repr, sort_keys=True)
        if self.kind == "text":
            return "".join(p if isinstance(p, str) else repr(p) for p in self.parts)
        if self.kind == "arn":
            partition, service, region, account, resource = self.parts
            return f"arn:{partition}:{service}:{region!r}:{account!r}:{resource}"
        scheme, account, region, china, path = self.parts
        return f"{scheme}{account!r}.dkr.ecr.{region!r}.amazonaws.com{china}{path}"


def json_type(value: Any) -> str:
    """The JSON type of a value, or of the value a placeholder stands for."""
    if isinstance(value, Timestamp):
        return value.json_type
    if isinstance(value, (Placeholder, Structured)):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
