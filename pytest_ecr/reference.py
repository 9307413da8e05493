"""Differential mode: a live target's answers against reference recordings.

A *reference* is a cassette directory recorded against a reference target (AWS,
ideally). With ``--ecr-reference DIR`` every answer of the live run is paired with
the reference answer of the same test and call, both are normalised, and the
differences are reported in two layers:

- **wire**: HTTP status, media type, the error code and where it was sent
  (``__type`` in the body or the ``X-Amzn-ErrorType`` header), ``message`` versus
  ``Message``, members present or absent, JSON types;
- **parsed**: values, after values that legitimately differ between two correct
  registries are replaced by numbered placeholders.

Normalisation works on parsed JSON, never on text, and never touches keys. A
placeholder is a :class:`Placeholder` object, not a string, so a value that
merely looks like one (``"<account-1>"``) never compares equal to one. Identity is
kept within a test: the same value in two places, or in two calls, gets the same
placeholder, so "the digest PutImage returned is the one DescribeImages lists"
still compares.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from .cassettes import INDEX, CassetteError, Interaction, Pool, cassette_path, read_cassette
from .contract import error_code, header_of

Layer = Literal["wire", "parsed"]

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
#: Two timestamps closer than this are not ordered: registries round differently (to
#: the second, or to the millisecond).
TIME_RESOLUTION = 1.0
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
            return Timestamp(_json_type(value))
        if not isinstance(value, str):
            return value
        if key in OPAQUE_MEMBERS:
            return self.placeholder(OPAQUE_MEMBERS[key], value)
        if key in TEXT_MEMBERS:
            return Placeholder("text")
        if key == "registryId" or _ACCOUNT.fullmatch(value):
            return self.placeholder("account", value)
        if _DIGEST.fullmatch(value):
            return self.placeholder("digest", value)
        if _PRESIGNED.match(value):
            return self.placeholder("presigned-url", value)
        arn = _ARN.fullmatch(value)
        if arn:
            partition, service, region, account, resource = arn.groups()
            return Structured(
                "arn",
                (
                    partition,
                    service,
                    self.placeholder("region", region) if region else "",
                    self.placeholder("account", account) if account else "",
                    # ECR resources carry the suite's names; another service's resource
                    # id (a KMS key the registry made) is the registry's to choose.
                    resource
                    if service == "ecr"
                    else self.placeholder(f"{service}-resource", resource),
                ),
            )
        host = _REGISTRY_HOST.fullmatch(value)
        if host:
            scheme, account, region, china, path = host.groups()
            return Structured(
                "registry-uri",
                (
                    scheme or "",
                    self.placeholder("account", account),
                    self.placeholder("region", region),
                    china or "",
                    path or "",
                ),
            )
        document = _embedded_json(value)
        if document is not None:
            # A policy or lifecycle policy: compared as the document it is, since a
            # registry may store it reformatted.
            return Structured("json", (self._walk(document, None, frozenset()),))
        parts = _EMBEDDED_ACCOUNT.split(value)
        if len(parts) > 1:
            # Accounts inside free text (a value the suite built from the registry's
            # account), kept in place as parts, never by rewriting the text.
            return Structured(
                "text",
                tuple(
                    self.placeholder("account", part) if n % 2 else part
                    for n, part in enumerate(parts)
                ),
            )
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


def _json_type(value: Any) -> str:
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


@dataclass(frozen=True)
class Difference:
    layer: Layer
    path: str
    reference: Any
    live: Any
    what: str
    operation: str = ""
    call: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "path": self.path,
            "expected": _show(self.reference),
            "actual": _show(self.live),
            "message": f"{self.layer}: {self.what}",
            "operation": self.operation,
            "call": self.call,
        }


def describe(difference: Mapping[str, Any]) -> str:
    """One line for a difference as the report keeps it (:meth:`Difference.to_json`)."""
    return (
        f"call {difference['call']}: {difference['message']} at {difference['path']}: "
        f"reference {difference['expected']}, live {difference['actual']}"
    )


def _show(value: Any) -> str:
    if isinstance(value, (Placeholder, Timestamp, Structured)):
        return repr(value)
    text = json.dumps(value, default=repr, sort_keys=True)
    return text if len(text) <= 300 else text[:300] + "..."


@dataclass(frozen=True)
class Answer:
    """One answer as it came over the wire."""

    status: int
    headers: Mapping[str, str]
    body: str

    def header(self, name: str) -> str | None:
        return header_of(self.headers, name)

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else {}
        except json.JSONDecodeError:
            return None

    @classmethod
    def of(cls, interaction: Interaction) -> Answer:
        return cls(interaction.status, interaction.headers, interaction.response)


def _error_place(answer: Answer, data: Any) -> tuple[str, str]:
    """The error code and where it was sent: ``__type``, the header, both or neither."""
    body_type = data.get("__type") if isinstance(data, dict) else None
    header = answer.header("x-amzn-errortype")
    places = [p for p, v in (("__type", body_type), ("X-Amzn-ErrorType", header)) if v]
    code = error_code(str(body_type or header or ""))
    return code, " and ".join(places) or "nowhere"


def wire_diff(reference: Answer, live: Answer) -> list[Difference]:
    """Differences a client sees before parsing: status, media type, error code and where
    it is, the message member's name, members present or absent, JSON types."""
    out: list[Difference] = []
    if reference.status != live.status:
        out.append(Difference("wire", "status", reference.status, live.status, "HTTP status"))
    ref_type = (reference.header("content-type") or "").split(";")[0].strip().lower()
    live_type = (live.header("content-type") or "").split(";")[0].strip().lower()
    if ref_type != live_type:
        out.append(Difference("wire", "header Content-Type", ref_type, live_type, "media type"))
    ref_data, live_data = reference.json(), live.json()
    if ref_data is None or live_data is None:
        if (ref_data is None) != (live_data is None):
            out.append(
                Difference(
                    "wire",
                    "$",
                    "JSON" if ref_data is not None else reference.body[:200],
                    "JSON" if live_data is not None else live.body[:200],
                    "body is not JSON",
                )
            )
        return out
    if reference.status >= 300 or live.status >= 300:
        ref_code, ref_place = _error_place(reference, ref_data)
        live_code, live_place = _error_place(live, live_data)
        if ref_code != live_code:
            out.append(Difference("wire", "error code", ref_code, live_code, "error code"))
        if ref_place != live_place:
            out.append(
                Difference("wire", "error code sent in", ref_place, live_place, "error code place")
            )
        ref_msg = _message_key(ref_data)
        live_msg = _message_key(live_data)
        if ref_msg != live_msg:
            out.append(Difference("wire", "$.message", ref_msg, live_msg, "error message member"))
    out += _members(ref_data, live_data, "$")
    return out


def _message_key(data: Any) -> str:
    if not isinstance(data, dict):
        return "none"
    return next((k for k in ("message", "Message") if k in data), "none")


def _members(reference: Any, live: Any, path: str) -> list[Difference]:
    if _json_type(reference) != _json_type(live):
        return [Difference("wire", path, _json_type(reference), _json_type(live), "JSON type")]
    out: list[Difference] = []
    if isinstance(reference, dict):
        for key in sorted(set(reference) | set(live), key=str):
            sub = f"{path}.{key}"
            if key not in live:
                out.append(Difference("wire", sub, "present", "absent", "member absent"))
            elif key not in reference:
                out.append(Difference("wire", sub, "absent", "present", "member present"))
            elif key not in TEXT_MEMBERS or path != "$":
                out += _members(reference[key], live[key], sub)
    elif isinstance(reference, list):
        for index, (a, b) in enumerate(zip(reference, live, strict=False)):
            out += _members(a, b, f"{path}[{index}]")
    return out


def parsed_diff(reference: Any, live: Any, path: str = "$") -> list[Difference]:
    """Differences of value between two normalised bodies (where the wire layer found the
    same members and types)."""
    if isinstance(reference, dict) and isinstance(live, dict):
        out: list[Difference] = []
        for key in sorted(set(reference) & set(live), key=str):
            out += parsed_diff(reference[key], live[key], f"{path}.{key}")
        return out
    if isinstance(reference, list) and isinstance(live, list):
        out = []
        if len(reference) != len(live):
            out.append(
                Difference(
                    "parsed",
                    path,
                    f"{len(reference)} items",
                    f"{len(live)} items",
                    "number of items",
                )
            )
        for index, (a, b) in enumerate(zip(reference, live, strict=False)):
            out += parsed_diff(a, b, f"{path}[{index}]")
        return out
    if (
        isinstance(reference, Structured)
        and isinstance(live, Structured)
        and reference.kind == live.kind == "json"
    ):
        return parsed_diff(reference.parts[0], live.parts[0], f"{path}<json>$")
    if _json_type(reference) != _json_type(live):
        return []  # a type difference, already a wire difference
    if reference != live:
        return [Difference("parsed", path, reference, live, "value")]
    return []


def _seconds(value: Any) -> float | None:
    """A timestamp as epoch seconds: a JSON number, or an ISO 8601 string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    return None


def timestamps_in(data: Any, names: frozenset[str], path: str = "$") -> Iterator[tuple[str, float]]:
    """``(path, epoch seconds)`` of every timestamp member, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}"
            seconds = _seconds(value) if key in names else None
            if seconds is not None:
                yield sub, seconds
            else:
                yield from timestamps_in(value, names, sub)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from timestamps_in(value, names, f"{path}[{index}]")


def _order(a: float, b: float) -> int:
    """-1, 0 or 1; values within :data:`TIME_RESOLUTION` are not ordered."""
    if abs(a - b) < TIME_RESOLUTION:
        return 0
    return -1 if a < b else 1


def order_diff(
    reference: Sequence[tuple[str, float]], live: Sequence[tuple[str, float]]
) -> list[Difference]:
    """Timestamps whose order is reversed: clearly earlier than another in the reference,
    clearly later here. Values within :data:`TIME_RESOLUTION` of each other are not
    ordered, since registries round differently."""
    out: list[Difference] = []
    if [p for p, _ in reference] != [p for p, _ in live]:
        return out  # different members: already a wire difference
    for j in range(len(reference)):
        for i in range(j):
            expected = _order(reference[i][1], reference[j][1])
            if expected and _order(live[i][1], live[j][1]) == -expected:
                before = expected < 0
                out.append(
                    Difference(
                        "parsed",
                        live[j][0],
                        f"{'after' if before else 'before'} {reference[i][0]}",
                        f"{'before' if before else 'after'} {live[i][0]}",
                        "timestamp order",
                    )
                )
                break
    return out


# -- known deviations ------------------------------------------------------------------

DEVIATIONS_FORMAT = "pytest-ecr-reference-deviations"


class ReferenceError(ValueError):
    """A reference or deviations file that cannot be used; the message names it."""


@dataclass(frozen=True)
class KnownDeviation:
    """A difference the target's authors accept: operation, path pattern and reason.

    ``path`` may use ``*`` for any run of characters, so ``$.repositories[*].createdAt``
    matches every repository; ``operation`` may be ``*`` for every operation.
    """

    operation: str
    path: str
    reason: str
    layer: str | None = None
    link: str | None = None

    def matches(self, difference: Difference) -> bool:
        return (
            self.operation in ("*", difference.operation)
            and (self.layer is None or self.layer == difference.layer)
            and re.fullmatch(re.escape(self.path).replace(r"\*", ".*"), difference.path) is not None
        )

    @property
    def ident(self) -> str:
        return f"{self.operation} {self.layer or '*'} {self.path}"


def load_known_deviations(path: Path) -> tuple[str, list[KnownDeviation]]:
    """The target name and the entries of a known-deviations file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReferenceError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise ReferenceError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != DEVIATIONS_FORMAT:
        raise ReferenceError(
            f'{path}: not a known-deviations file ("format": "{DEVIATIONS_FORMAT}")'
        )
    entries = []
    for n, entry in enumerate(data.get("deviations") or []):
        try:
            entries.append(
                KnownDeviation(
                    operation=str(entry["operation"]),
                    path=str(entry["path"]),
                    reason=str(entry["reason"]),
                    layer=entry.get("layer"),
                    link=entry.get("link"),
                )
            )
        except (KeyError, TypeError):
            raise ReferenceError(
                f"{path}: deviation {n} needs an operation, a path and a reason"
            ) from None
        if not entries[-1].reason.strip():
            raise ReferenceError(f"{path}: deviation {n} ({entries[-1].ident}) has no reason")
    return str(data.get("target") or ""), entries


# -- references ------------------------------------------------------------------------


@dataclass
class Reference:
    """A reference cassette directory: its index, and its cassettes read on demand."""

    root: Path
    index: dict[str, Any]
    _cache: dict[Path, tuple[dict[str, Any], list[Interaction]]] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> Reference:
        path = root / INDEX
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ReferenceError(
                f"--ecr-reference: {path}: cannot read it ({exc.strerror or exc}); record a "
                "reference with --ecr-record-mode=all --ecr-cassette-dir DIR"
            ) from None
        except json.JSONDecodeError as exc:
            raise ReferenceError(f"--ecr-reference: {path}: not JSON ({exc})") from None
        if not isinstance(index, dict) or "target" not in index:
            raise ReferenceError(f'--ecr-reference: {path}: no "target" it was recorded against')
        return cls(root, index)

    @property
    def recorded_against(self) -> str:
        return str(self.index["target"])

    def stale(self, operation: str, checksum: str) -> str | None:
        """Why the reference of ``operation`` no longer describes the installed model."""
        recorded = (self.index.get("model_checksums") or {}).get(operation)
        if recorded is None:
            return f"the reference has no model checksum for {operation}"
        if recorded != checksum:
            return (
                f"the installed botocore model of {operation} differs from the one the "
                f"reference was recorded with (botocore {self.index.get('botocore', '?')})"
            )
        return None

    def calls(self, scope: str) -> list[Interaction]:
        """The reference calls of test ``scope`` (none if it has no cassette)."""
        path = cassette_path(self.root, scope)
        return self.read(path)[1] if path.exists() else []

    def read(self, path: Path) -> tuple[dict[str, Any], list[Interaction]]:
        """A reference cassette, parsed once (by a test's calls or by the pool)."""
        if path not in self._cache:
            try:
                self._cache[path] = read_cassette(path)
            except CassetteError as exc:
                raise ReferenceError(f"--ecr-reference: {exc}") from None
        return self._cache[path]


def request_keys(calls: Iterable[Interaction]) -> list[tuple[str, str]]:
    """``(operation, normalised request)`` of each call: requests carry values that differ
    between registries too (the account in ``registryId``, the ``uploadId`` a registry
    chose), so calls are matched on the normalised form, identity kept."""
    norm = Normaliser()
    keys = []
    for call in calls:
        try:
            data: Any = json.loads(call.body)
        except json.JSONDecodeError:
            data = call.body
        normalised = norm.normalise(data)
        keys.append((call.operation, json.dumps(normalised, default=repr, sort_keys=True)))
    return keys


def pair_calls(
    reference: Sequence[Interaction], live: Sequence[Interaction]
) -> list[tuple[Interaction | None, Interaction]]:
    """Each live call with the first unused reference call of the same (normalised)
    request, or ``None``: a call whose request differs from every reference call (a test
    that took another path, or a property test that shrank differently) has nothing to
    be compared with."""
    unused = list(zip(request_keys(reference), reference, strict=True))
    pairs: list[tuple[Interaction | None, Interaction]] = []
    for key, call in zip(request_keys(live), live, strict=True):
        index = next((n for n, (k, _) in enumerate(unused) if k == key), None)
        pairs.append((unused.pop(index)[1] if index is not None else None, call))
    return pairs


# -- comparing one test ------------------------------------------------------------------


def timestamp_members(operation: str) -> frozenset[str]:
    """The member names of ``operation``'s output whose shape is a timestamp."""
    from .model import load_model

    output = load_model().service.operation_model(operation).output_shape
    names: set[str] = set()
    seen: set[str] = set()

    def walk(shape: Any) -> None:
        if shape is None or shape.name in seen:
            return
        seen.add(shape.name)
        for name, member in getattr(shape, "members", {}).items():
            if member.type_name == "timestamp":
                names.add(name)
            walk(member)
        walk(getattr(shape, "member", None))
        walk(getattr(shape, "value", None))

    walk(output)
    return frozenset(names)


@dataclass
class OperationComparison:
    """What one test's calls of one operation looked like against the reference."""

    operation: str
    calls: int = 0
    #: Calls with no reference call of the same request.
    unmatched: int = 0
    #: Calls whose reference answer was a server error: nothing to compare with.
    reference_failed: int = 0
    differences: list[Difference] = field(default_factory=list)


def compare_calls(
    pairs: Sequence[tuple[Interaction | None, Interaction]],
    own_prefix: str | None = None,
) -> dict[str, OperationComparison]:
    """Compare a test's live calls with their reference calls, operation by operation."""
    ref_norm, live_norm = Normaliser(own_prefix), Normaliser(own_prefix)
    ref_times: list[tuple[str, float]] = []
    live_times: list[tuple[str, float]] = []
    time_ops: list[str] = []
    out: dict[str, OperationComparison] = {}
    for number, (ref, live) in enumerate(pairs, start=1):
        op = live.operation
        comparison = out.setdefault(op, OperationComparison(op))
        comparison.calls += 1
        if ref is None:
            comparison.unmatched += 1
            continue
        if ref.status >= 500:
            comparison.reference_failed += 1
            continue
        found = wire_diff(Answer.of(ref), Answer.of(live))
        ref_data, live_data = Answer.of(ref).json(), Answer.of(live).json()
        if isinstance(ref_data, dict) and isinstance(live_data, dict):
            stamps = timestamp_members(op)
            found += parsed_diff(
                ref_norm.normalise(ref_data, stamps), live_norm.normalise(live_data, stamps)
            )
            ref_stamps = list(timestamps_in(ref_data, stamps))
            live_stamps = list(timestamps_in(live_data, stamps))
            if [p for p, _ in ref_stamps] == [p for p, _ in live_stamps]:
                ref_times += [(f"call {number} {p}", v) for p, v in ref_stamps]
                live_times += [(f"call {number} {p}", v) for p, v in live_stamps]
                time_ops += [op] * len(ref_stamps)
        comparison.differences += [
            Difference(d.layer, d.path, d.reference, d.live, d.what, op, number) for d in found
        ]
    for difference in order_diff(ref_times, live_times):
        index = [p for p, _ in live_times].index(difference.path)
        _, call, path = difference.path.split(" ", 2)
        op = time_ops[index]
        out[op].differences.append(
            Difference(
                "parsed",
                path,
                difference.reference,
                difference.live,
                difference.what,
                op,
                int(call),
            )
        )
    return out


# -- the live side -----------------------------------------------------------------------


class Differ:
    """Captures the live run's answers per test and compares them with the reference.

    Attached to every client of the run (``Target.client_hooks``); :meth:`finish` is
    called when a test's teardown is done.
    """

    def __init__(
        self,
        reference: Reference,
        deviations: Sequence[KnownDeviation] = (),
        own_prefix: str | None = None,
    ) -> None:
        self.reference = reference
        self.own_prefix = own_prefix
        self.deviations = list(deviations)
        self.live: dict[str, list[Interaction]] = defaultdict(list)
        self._pending: tuple[str, str] | None = None
        self._pool: Pool | None = None
        self._checksums: dict[str, str] = {}

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("request-created.ecr", self._on_request)
        events.register_first("before-parse.ecr", self._on_response)

    def _on_request(self, request: Any, operation_name: str, **_: Any) -> None:
        from .cassettes import canonical_body

        self._pending = (operation_name, canonical_body(request.body))

    def _on_response(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        from .resources import CURRENT_SCOPE

        if self._pending is None:
            return
        operation, body = self._pending
        self._pending = None
        raw = response_dict.get("body") or b""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        headers = {str(k): str(v) for k, v in dict(response_dict.get("headers") or {}).items()}
        status = int(response_dict.get("status_code") or 0)
        self.live[CURRENT_SCOPE.get()].append(Interaction(operation, body, status, headers, text))

    def _checksum(self, operation: str) -> str:
        if operation not in self._checksums:
            from .model import load_model

            self._checksums[operation] = load_model().operation_checksum(operation)
        return self._checksums[operation]

    def _from_pool(self, scope: str, call: Interaction) -> Interaction | None:
        """The reference call of the same (normalised) request in another test's cassette."""
        if self._pool is None:
            self._pool = Pool(self.reference.root, request_keys, self.reference.read)
        (key,) = request_keys([call])
        return self._pool.find(scope, key)

    def finish(self, scope: str) -> list[dict[str, Any]]:
        """The ``reference`` results of test ``scope``: one per operation it called."""
        live = self.live.pop(scope, [])
        if not live:
            return []
        pairs = pair_calls(self.reference.calls(scope), live)
        paired = [
            (ref if ref is not None else self._from_pool(scope, call), call) for ref, call in pairs
        ]
        implements = self.reference.index.get("implements") or {}
        results = []
        comparisons = compare_calls(paired, own_prefix=self.own_prefix)
        for op, comparison in sorted(comparisons.items()):
            known: list[dict[str, Any]] = []
            unknown: list[dict[str, Any]] = []
            for difference in comparison.differences:
                entry = difference.to_json()
                match = next((d for d in self.deviations if d.matches(difference)), None)
                if match is not None:
                    entry["known"] = match.ident
                    entry["reason"] = match.reason
                    known.append(entry)
                else:
                    unknown.append(entry)
            stale = self.reference.stale(op, self._checksum(op))
            compared = comparison.calls - comparison.unmatched - comparison.reference_failed
            against = self.reference.recorded_against
            if implements.get(op) is False:
                outcome, reason = "skipped", f"the reference target ({against}) lacks {op}"
                known, unknown = [], []
            elif stale:
                outcome, reason = "skipped", f"stale reference: {stale}"
            elif not compared:
                outcome = "skipped"
                reason = "no call of this test has a reference answer to compare with"
            elif unknown:
                outcome = "fail"
                reason = f"{len(unknown)} differences from the reference"
            elif known:
                outcome = "deviation"
                reason = "; ".join(sorted({e["reason"] for e in known}))
            else:
                outcome, reason = "pass", ""
            notes = [
                f"{comparison.unmatched} calls with no reference call of the same request"
                if comparison.unmatched
                else "",
                f"{comparison.reference_failed} calls the reference answered with a server error"
                if comparison.reference_failed
                else "",
            ]
            reason = "; ".join(part for part in [reason, *notes] if part)
            results.append(
                {
                    "operation": op,
                    "aspect": "reference",
                    "outcome": outcome,
                    "reason": reason,
                    "calls": comparison.calls,
                    "violations": unknown + known,
                    "deviations": sorted({e["known"] for e in known}),
                }
            )
        return results
