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
import contextlib
import functools
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from botocore.model import Shape

try:
    from hypothesis import reject
    from hypothesis import strategies as st
except ImportError as exc:  # the suite's extra is not installed
    raise ImportError(
        "pytest_ecr.strategies needs hypothesis: pip install 'pytest-ecr[suite]'"
    ) from exc

from .invalid import ConstraintCase, NoInvalidValue, constraint_cases, get_path, invalid_value
from .invalid import with_value as _with_value
from .model import children, load_model
from .patterns import translate_pattern
from .settings import EcrSettings

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


@contextlib.contextmanager
def repeatable_generation() -> Iterator[None]:
    """Draw the same examples wherever the suite is installed.

    Hypothesis mixes into its examples string and number constants it finds in the
    source of "local" modules (those outside site-packages), so the same seed draws other
    examples in a checkout than from a wheel, and a recording made in one would not replay
    in the other. Here no module counts as local. This uses hypothesis's internals
    (``providers._get_local_constants``); where they are not there, it does nothing.
    """
    try:
        from hypothesis.internal.conjecture import providers as module
    except ImportError:  # pragma: no cover - a hypothesis without the feature
        yield
        return
    providers: Any = module
    original = getattr(providers, "_get_local_constants", None)
    local = getattr(providers, "_local_constants", None)
    if original is None or local is None:  # pragma: no cover
        yield
        return
    empty = type(local)(
        integers=type(local.integers)(),
        floats=type(local.floats)(key=local.floats.key),
        bytes=type(local.bytes)(),
        strings=type(local.strings)(),
    )
    cache = providers.CONSTANTS_CACHE
    providers.CONSTANTS_CACHE = type(cache)(1024)
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        providers.CONSTANTS_CACHE = type(cache)(1024)


#: The seed of every property-based contract: the same examples in every run.
SEED = 20261123


def property_settings(ecr_settings: EcrSettings) -> Any:
    """Hypothesis settings for property-based contracts: bounded, no example database, and
    no shrinking against real AWS, where every call costs. Pair them with
    ``hypothesis.seed(...)`` (see :data:`SEED`): hypothesis's own ``derandomize`` seeds from
    the test's module and source, which differ between a checkout and a wheel, so
    recordings made in one would not replay in the other."""
    from hypothesis import HealthCheck, Phase, settings

    target = ecr_settings.target
    examples = ecr_settings.examples or (3 if target == "aws" else 10)
    phases = [Phase.explicit, Phase.generate]
    if target != "aws":
        phases.append(Phase.shrink)
    return settings(
        max_examples=examples,
        derandomize=False,
        database=None,
        deadline=None,
        phases=phases,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )


#: Tag characters AWS allows across services ("Tagging AWS resources", AWS General
#: Reference: letters, numbers, spaces, and + - = . _ : / @), ASCII here.
TAG_ALPHABET = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-=._:/@"
)


def tags(max_tags: int = 5) -> st.SearchStrategy[list[dict[str, str]]]:
    """Tag lists within the documented limits (keys up to 128, values up to 256
    characters: the model's documentation of InvalidTagParameterException), unique keys,
    none of them in the reserved ``aws:`` namespace."""
    key = st.text(TAG_ALPHABET, min_size=1, max_size=128).filter(
        lambda k: not k.lower().startswith("aws:") and k.strip() == k and k != ""
    )
    value = st.text(TAG_ALPHABET, max_size=256)
    return st.dictionaries(key, value, max_size=max_tags).map(
        lambda d: [{"Key": k, "Value": v} for k, v in d.items()]
    )


#: OCI distribution-spec: a tag is ``[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}``.
IMAGE_TAG = st.from_regex(r"\A[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}\Z", fullmatch=True)


def lifecycle_policies() -> st.SearchStrategy[dict[str, Any]]:
    """Lifecycle policy documents (Amazon ECR User Guide, "Lifecycle policy properties"):
    rules with unique priorities, each selecting images by tag status and count."""
    prefix = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,15}\Z", fullmatch=True)

    @st.composite
    def rule(data: st.DrawFn, priority: int) -> dict[str, Any]:
        status = data(st.sampled_from(["tagged", "untagged", "any"]))
        selection: dict[str, Any] = {"tagStatus": status}
        if status == "tagged":
            selection["tagPrefixList"] = data(st.lists(prefix, min_size=1, max_size=3, unique=True))
        if data(st.booleans()):
            selection.update(countType="imageCountMoreThan", countNumber=data(st.integers(1, 1000)))
        else:
            selection.update(
                countType="sinceImagePushed",
                countUnit="days",
                countNumber=data(st.integers(1, 3650)),
            )
        out: dict[str, Any] = {
            "rulePriority": priority,
            "selection": selection,
            "action": {"type": "expire"},
        }
        if data(st.booleans()):
            out["description"] = data(st.text(TAG_ALPHABET, max_size=40))
        return out

    @st.composite
    def policy(data: st.DrawFn) -> dict[str, Any]:
        priorities = data(st.lists(st.integers(1, 100), min_size=1, max_size=3, unique=True))
        rules = [data(rule(p)) for p in sorted(priorities)]
        # "any" may only be the lowest priority rule (the user guide's rules on tagStatus).
        rules = [r for r in rules[:-1] if r["selection"]["tagStatus"] != "any"] + rules[-1:]
        # Only one rule may select untagged images: AWS refuses a second ("Lifecycle
        # policy validation failure: Only one rule can select Untagged images", real CLI
        # output in the evidence table, docs/evidence.md).
        untagged = [r for r in rules if r["selection"]["tagStatus"] == "untagged"]
        rules = [r for r in rules if r not in untagged[1:]]
        return {"rules": rules}

    return policy()
