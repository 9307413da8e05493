"""Input validation compiled from the model: one closure per shape, built once."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from ..patterns import EcrModelWarning, PatternTranslationError, translate_pattern

if TYPE_CHECKING:
    pass

from .answers import _NUMBER_TYPES, Constraint, Violation

# -- validation: compiled checkers ------------------------------------------------


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
