"""Hypothesis strategies from the ECR model (the one module that imports hypothesis).

``valid(shape)`` draws values that satisfy every constraint of a shape (lengths,
patterns, enums, ranges, required members, list and map sizes), as boto3 takes them
(bytes for blobs, datetimes for timestamps); ``request(operation)`` draws whole
requests. ``broken(operation)`` draws ``(case, request)`` pairs: a valid request with
one constrained member replaced by a value that breaks that constraint. Patterns go
through the same translation the schemas use (:func:`pytest_ecr.schema.translate_pattern`).

Sizes are capped (strings at 64 characters, lists at 3 items) so that examples stay
small enough to send; a minimum above the cap still wins.

For fuzzing your own code that takes ECR inputs::

    from hypothesis import given
    from pytest_ecr.strategies import request

    @given(request("CreateRepository"))
    def test_my_wrapper_accepts_what_ecr_accepts(params):
        assert my_wrapper.validate(params)
"""

from __future__ import annotations

import base64
import functools
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape
from hypothesis import reject
from hypothesis import strategies as st

from .invalid import ConstraintCase, NoInvalidValue, constraint_cases, get_path, invalid_value
from .invalid import with_value as _with_value
from .model import children, load_model
from .schema import translate_pattern

STRING_CAP = 64
LIST_CAP = 3


def _size_bounds(meta: dict[str, Any], cap: int) -> tuple[int, int]:
    low = int(meta.get("min", 0))
    high = int(meta.get("max", max(cap, low)))
    return low, max(low, min(high, cap))


def _string(shape: Shape) -> st.SearchStrategy[str]:
    meta = shape.metadata
    if "enum" in meta:
        return st.sampled_from(list(meta["enum"]))
    low, high = _size_bounds(meta, STRING_CAP)
    if "pattern" in meta:
        pattern = translate_pattern(meta["pattern"])
        top = int(meta.get("max", 10**9))
        return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= top)
    return st.text(min_size=low, max_size=high)


def _integer(shape: Shape) -> st.SearchStrategy[int]:
    meta = shape.metadata
    low = int(meta.get("min", -(2**31)))
    high = int(meta.get("max", 2**31 - 1))
    return st.integers(low, high)


@functools.cache
def valid(shape_name: str) -> st.SearchStrategy[Any]:
    """Values of the named shape that the model accepts."""
    shape = load_model().shape(shape_name)
    kind = shape.type_name
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return _integer(shape)
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(
            min_value=datetime(2015, 1, 1),
            max_value=datetime(2035, 1, 1),
            timezones=st.just(timezone.utc),
        )
    if kind == "blob":
        low, high = _size_bounds(shape.metadata, STRING_CAP)
        return st.binary(min_size=low, max_size=high)
    if kind == "list":
        low, high = _size_bounds(shape.metadata, LIST_CAP)
        (member,) = children(shape)
        return st.lists(_deferred(member.name), min_size=low, max_size=high)
    if kind == "map":
        low, high = _size_bounds(shape.metadata, LIST_CAP)
        key, value = children(shape)
        return st.dictionaries(
            _deferred(key.name), _deferred(value.name), min_size=low, max_size=high
        )
    if kind == "structure":
        members: dict[str, Shape] = shape.members  # type: ignore[attr-defined]
        required = set(shape.metadata.get("required", []))
        needed: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, member in members.items():
            (needed if name in required else optional)[name] = _deferred(member.name)
        return st.fixed_dictionaries(needed, optional=optional)
    raise TypeError(f"shape {shape.name} has type {kind!r}, which has no strategy")


def _deferred(shape_name: str) -> st.SearchStrategy[Any]:
    return st.deferred(lambda: valid(shape_name))


def request(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    """Whole requests of ``operation`` that the model accepts (boto3 parameters)."""
    shape = load_model().input_shape(operation)
    if shape is None:
        return st.just({})
    strategy: st.SearchStrategy[dict[str, Any]] = valid(shape.name)
    return strategy


def broken(
    operation: str, base: st.SearchStrategy[dict[str, Any]] | None = None
) -> st.SearchStrategy[tuple[ConstraintCase, dict[str, Any]]]:
    """``(case, request)``: a valid request with one constrained member made invalid."""
    cases = constraint_cases(operation)
    if not cases:
        return st.nothing()
    source = base if base is not None else request(operation)

    @st.composite
    def draw(data: st.DrawFn) -> tuple[ConstraintCase, dict[str, Any]]:
        case = data(st.sampled_from(cases))
        valid_request = data(source.filter(lambda r: _has(r, case)))
        try:
            bad = invalid_value(case, get_path(valid_request, case.path))
        except NoInvalidValue:
            reject()
        return case, _with_value(valid_request, case.path, bad)

    return draw()


def _has(request_value: dict[str, Any], case: ConstraintCase) -> bool:
    try:
        get_path(request_value, case.path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def to_wire(value: Any) -> Any:
    """A boto3 value as the JSON protocol sends it (bytes as base64, datetimes as epoch)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, list):
        return [to_wire(v) for v in value]
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    return value


def as_call(operation: str, params: dict[str, Any]) -> str:
    """A ready-to-run line for a counterexample."""
    from botocore import xform_name

    return f"boto3.client('ecr').{xform_name(operation)}(**{params!r})"
