"""The live side of differential mode: each test's calls paired with the reference's,
compared, and summarised; the plugin object that reports it."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cassettes import Pool
from ..wire import Exchange, Subscriber
from .diff import Difference, order_diff, parsed_diff, timestamps_in, wire_diff
from .files import KnownDeviation, Reference
from .normalise import Normaliser


def request_keys(calls: Iterable[Exchange]) -> list[tuple[str, str]]:
    """``(operation, normalised request)`` of each call: requests carry values that differ
    between registries too (the account in ``registryId``, the ``uploadId`` a registry
    chose), so calls are matched on the normalised form, identity kept."""
    norm = Normaliser()
    keys = []
    for call in calls:
        try:
            data: Any = json.loads(call.canonical)
        except json.JSONDecodeError:
            data = call.canonical
        normalised = norm.normalise(data)
        keys.append((call.operation, json.dumps(normalised, default=repr, sort_keys=True)))
    return keys


def pair_calls(
    reference: Sequence[Exchange], live: Sequence[Exchange]
) -> list[tuple[Exchange | None, Exchange]]:
    """Each live call with the first unused reference call of the same (normalised)
    request, or ``None``: a call whose request differs from every reference call (a test
    that took another path, or a property test that shrank differently) has nothing to
    be compared with."""
    unused = list(zip(request_keys(reference), reference, strict=True))
    pairs: list[tuple[Exchange | None, Exchange]] = []
    for key, call in zip(request_keys(live), live, strict=True):
        index = next((n for n, (k, _) in enumerate(unused) if k == key), None)
        pairs.append((unused.pop(index)[1] if index is not None else None, call))
    return pairs


def timestamp_members(operation: str) -> frozenset[str]:
    """The member names of ``operation``'s output whose shape is a timestamp."""
    from ..model import load_model

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
    pairs: Sequence[tuple[Exchange | None, Exchange]],
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
        if (ref.status or 0) >= 500:
            comparison.reference_failed += 1
            continue
        found = wire_diff(ref, live)
        ref_data, live_data = ref.json(), live.json()
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


class Differ(Subscriber):
    """Captures the live run's answers per test and compares them with the reference.

    The ``reference`` subscriber of every client of the run (:mod:`pytest_ecr.wire`);
    :meth:`finish` is called when a test's teardown is done.
    """

    stage = "reference"

    def __init__(
        self,
        reference: Reference,
        deviations: Sequence[KnownDeviation] = (),
        own_prefix: str | None = None,
    ) -> None:
        self.reference = reference
        self.own_prefix = own_prefix
        self.deviations = list(deviations)
        self.live: dict[str, list[Exchange]] = defaultdict(list)
        self._pool: Pool | None = None
        self._checksums: dict[str, str] = {}

    def on_response(self, exchange: Exchange) -> None:
        self.live[exchange.scope].append(exchange)

    def _checksum(self, operation: str) -> str:
        if operation not in self._checksums:
            from ..model import load_model

            self._checksums[operation] = load_model().operation_checksum(operation)
        return self._checksums[operation]

    def _from_pool(self, scope: str, call: Exchange) -> Exchange | None:
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
