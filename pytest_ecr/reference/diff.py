"""Differences between a reference answer and a live one, in two layers.

- **wire**: HTTP status, media type, the error code and where it was sent (``__type`` in
  the body or the ``X-Amzn-ErrorType`` header), ``message`` versus ``Message``, members
  present or absent, JSON types;
- **parsed**: values, after :mod:`~pytest_ecr.reference.normalise` replaced the ones that
  legitimately differ between two correct registries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from ..wire import ERROR_TYPE_HEADER, Exchange, error_code
from .normalise import TEXT_MEMBERS, Placeholder, Structured, Timestamp, json_type

Layer = Literal["wire", "parsed"]

#: Two timestamps closer than this are not ordered: registries round differently (to
#: the second, or to the millisecond).
TIME_RESOLUTION = 1.0


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


def _error_place(answer: Exchange, data: Any) -> tuple[str, str]:
    """The error code and where it was sent: ``__type``, the header, both or neither."""
    body_type = data.get("__type") if isinstance(data, dict) else None
    header = answer.header(ERROR_TYPE_HEADER)
    places = [p for p, v in (("__type", body_type), ("X-Amzn-ErrorType", header)) if v]
    code = error_code(str(body_type or header or ""))
    return code, " and ".join(places) or "nowhere"


def wire_diff(reference: Exchange, live: Exchange) -> list[Difference]:
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
                    "JSON" if ref_data is not None else reference.text[:200],
                    "JSON" if live_data is not None else live.text[:200],
                    "body is not JSON",
                )
            )
        return out
    if (reference.status or 0) >= 300 or (live.status or 0) >= 300:
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
    if json_type(reference) != json_type(live):
        return [Difference("wire", path, json_type(reference), json_type(live), "JSON type")]
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
    if json_type(reference) != json_type(live):
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
