"""Deliberately invalid inputs, derived from the model's constraints.

For every constrained member of an operation's input (``min``, ``max``,
``pattern``, ``enum`` on strings, numbers, lists and maps, at any depth),
:func:`constraint_cases` yields one case, and :func:`invalid_value` turns a
valid value of that member into one that breaks that constraint, keeping the
others where it can (a too-long repository name still matches the pattern).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from botocore.model import Shape

from .model import children, load_model
from .patterns import translate_pattern

Constraint = Literal["min", "max", "pattern", "enum"]
#: Where a member is in a request: keys and list indexes, outermost first.
MemberPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ConstraintCase:
    operation: str
    #: Where the member sits in the request; list items are ``0``.
    path: MemberPath
    shape: str
    type_name: str
    constraint: Constraint
    bound: Any

    @property
    def id(self) -> str:
        where = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in self.path)
        return f"{where.replace('.[', '[')}-{self.constraint}"


def _cases(operation: str, shape: Shape, path: MemberPath) -> Iterator[ConstraintCase]:
    meta = shape.metadata
    for constraint in ("min", "max", "pattern", "enum"):
        if constraint not in meta:
            continue
        bound = meta[constraint]
        # A size of at least 0 cannot be broken (a number's minimum 0 can, with -1).
        if (
            constraint == "min"
            and bound == 0
            and shape.type_name in ("string", "list", "map", "blob")
        ):
            continue
        yield ConstraintCase(operation, path, shape.name, shape.type_name, constraint, bound)
    if shape.type_name == "structure":
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            yield from _cases(operation, member, (*path, name))
    elif shape.type_name == "list":
        (member,) = children(shape)
        yield from _cases(operation, member, (*path, 0))


def constraint_cases(operation: str) -> list[ConstraintCase]:
    """Every constraint of every member of ``operation``'s input, outermost first.

    Map keys and values are not walked: no ECR input map carries constraints today,
    and a test of :func:`constraint_cases` fails if one appears.
    """
    shape = load_model().input_shape(operation)
    if shape is None:
        return []
    return list(_cases(operation, shape, ()))


def get_path(request: Any, path: MemberPath) -> Any:
    value = request
    for part in path:
        value = value[part]
    return value


def has_path(request: Any, path: MemberPath) -> bool:
    try:
        get_path(request, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def with_value(request: dict[str, Any], path: MemberPath, value: Any) -> dict[str, Any]:
    """A deep copy of ``request`` with the member at ``path`` replaced."""
    out = copy.deepcopy(request)
    parent = get_path(out, path[:-1])
    parent[path[-1]] = value
    return out


def _matches(pattern: str | None, value: str) -> bool:
    return bool(pattern is None or re.search(translate_pattern(pattern), value))


def _within(meta: dict[str, Any], value: str) -> bool:
    low: int = meta.get("min", 0)
    high: int = meta.get("max", len(value))
    return low <= len(value) <= high


class NoInvalidValue(ValueError):
    """No value breaks the constraint (the suite cannot build this case)."""


def invalid_value(case: ConstraintCase, valid: Any) -> Any:
    """A value that breaks ``case.constraint``, built from a ``valid`` value of the member."""
    shape = load_model().shape(case.shape)
    meta = dict(shape.metadata)
    pattern = meta.get("pattern")
    bound = case.bound
    kind = case.type_name
    if kind == "string":
        text = str(valid)
        if case.constraint == "max":
            seeds = [text, "a", "0"]
            candidates = [(s * (bound // max(len(s), 1) + 2))[: bound + 1] for s in seeds if s]
            return next((c for c in candidates if _matches(pattern, c)), candidates[0])
        if case.constraint == "min":
            shorter = [text[: bound - 1], "a" * (bound - 1), "0" * (bound - 1)]
            return next((c for c in shorter if _matches(pattern, c)), shorter[0])
        if case.constraint == "enum":
            return "NOT_A_MODELED_VALUE"
        if case.constraint == "pattern":
            candidates = [
                "!" + text[1:],
                text + "!",
                text.upper(),
                " " + text,
                "!" * max(meta.get("min", 1), 1),
            ]
            for candidate in candidates:
                if _within(meta, candidate) and not _matches(pattern, candidate):
                    return candidate
            raise NoInvalidValue(f"{case.id}: no value of valid length breaks {pattern!r}")
    if kind in ("integer", "long", "float", "double"):
        return bound - 1 if case.constraint == "min" else bound + 1
    if kind == "list":
        items = list(valid)
        if case.constraint == "min":
            return items[: bound - 1]
        if not items:
            raise NoInvalidValue(f"{case.id}: the valid request has an empty list")
        return [copy.deepcopy(items[i % len(items)]) for i in range(bound + 1)]
    if kind == "blob":
        if case.constraint == "max":
            return b"\0" * (bound + 1)
        return b""
    raise NoInvalidValue(f"{case.id}: no rule for a {kind} {case.constraint} constraint")
