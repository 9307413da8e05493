"""botocore shapes -> JSON Schema (draft 2020-12), as the shapes look on the wire.

The schemas describe the JSON that crosses the wire in the AWS JSON 1.1
protocol, not the Python values boto3 takes or returns: timestamps are epoch
seconds as JSON numbers, blobs are base64 strings.

Patterns: botocore's patterns are written for Java, where AWS checks a value
with ``Pattern.matches()`` (the whole value must match). JSON Schema's
``pattern`` is an unanchored search, so every pattern is translated to Python's
``re`` dialect (the one jsonschema and hypothesis use) and wrapped as
``\\A(?:...)\\Z``. A pattern that cannot be translated is left out of the schema
and reported once, by shape name, as an :class:`EcrModelWarning`.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jsonschema
from botocore.model import ListShape, MapShape, Shape, StructureShape

from .model import children, load_model
from .patterns import (
    PatternTranslationError,
    translate_pattern,
    warn_untranslatable,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
Direction = Literal["input", "output"]
JsonSchema = dict[str, Any]

#: Base64 as botocore's JSON serializer writes it (standard alphabet, padded).
BASE64_PATTERN = r"\A(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?\Z"


def _ref(shape: Shape) -> JsonSchema:
    return {"$ref": f"#/$defs/{shape.name}"}


def _schema_structure(shape: Shape) -> JsonSchema:
    assert isinstance(shape, StructureShape)
    schema: JsonSchema = {
        "type": "object",
        "properties": {name: _ref(member) for name, member in shape.members.items()},
        # Unknown members are a note, not a failure (AWS adds members before botocore
        # knows them); see :func:`validate`, which tells them apart.
        "additionalProperties": False,
    }
    required = shape.metadata.get("required")
    if required:
        schema["required"] = list(required)
    return schema


def _schema_list(shape: Shape) -> JsonSchema:
    assert isinstance(shape, ListShape)
    schema: JsonSchema = {"type": "array", "items": _ref(shape.member)}
    if "min" in shape.metadata:
        schema["minItems"] = shape.metadata["min"]
    if "max" in shape.metadata:
        schema["maxItems"] = shape.metadata["max"]
    return schema


def _schema_map(shape: Shape) -> JsonSchema:
    assert isinstance(shape, MapShape)
    schema: JsonSchema = {
        "type": "object",
        "propertyNames": _ref(shape.key),
        "additionalProperties": _ref(shape.value),
    }
    if "min" in shape.metadata:
        schema["minProperties"] = shape.metadata["min"]
    if "max" in shape.metadata:
        schema["maxProperties"] = shape.metadata["max"]
    return schema


def _schema_string(shape: Shape) -> JsonSchema:
    # Smithy measures string length in Unicode code points, as JSON Schema does.
    schema: JsonSchema = {"type": "string"}
    meta = shape.metadata
    if "min" in meta:
        schema["minLength"] = meta["min"]
    if "max" in meta:
        schema["maxLength"] = meta["max"]
    if "enum" in meta:
        schema["enum"] = list(meta["enum"])
    if "pattern" in meta:
        try:
            schema["pattern"] = translate_pattern(meta["pattern"])
        except PatternTranslationError as exc:
            warn_untranslatable(shape.name, meta["pattern"], exc.reason)
            schema["$comment"] = f"pattern {meta['pattern']!r} not translatable: {exc.reason}"
    return schema


def _number(json_type: str, shape: Shape) -> JsonSchema:
    schema: JsonSchema = {"type": json_type}
    if "min" in shape.metadata:
        schema["minimum"] = shape.metadata["min"]
    if "max" in shape.metadata:
        schema["maximum"] = shape.metadata["max"]
    return schema


def _schema_integer(shape: Shape) -> JsonSchema:
    return _number("integer", shape)


def _schema_float(shape: Shape) -> JsonSchema:
    return _number("number", shape)


def _schema_boolean(shape: Shape) -> JsonSchema:
    return {"type": "boolean"}


def _schema_timestamp(shape: Shape) -> JsonSchema:
    # The JSON protocols send timestamps as epoch seconds, a JSON number
    # (Smithy, "awsJson1_1 protocol", timestampFormat default epoch-seconds).
    return {"type": "number", "description": "epoch seconds"}


def _schema_blob(shape: Shape) -> JsonSchema:
    # Blobs are base64 strings on the wire. The model's min/max count decoded bytes, which
    # no standard keyword states exactly; ``decodedMinBytes``/``decodedMaxBytes`` are this
    # module's own keywords (see ``Validator``).
    schema: JsonSchema = {"type": "string", "contentEncoding": "base64", "pattern": BASE64_PATTERN}
    if "min" in shape.metadata:
        schema["decodedMinBytes"] = shape.metadata["min"]
    if "max" in shape.metadata:
        schema["decodedMaxBytes"] = shape.metadata["max"]
    return schema


def _decoded_size(instance: str) -> int:
    return len(instance) // 4 * 3 - len(instance) + len(instance.rstrip("="))


def _decoded_min(validator: Any, bound: int, instance: Any, schema: JsonSchema) -> Any:
    if isinstance(instance, str) and _decoded_size(instance) < bound:
        yield jsonschema.ValidationError(f"{_decoded_size(instance)} bytes, fewer than {bound}")


def _decoded_max(validator: Any, bound: int, instance: Any, schema: JsonSchema) -> Any:
    if isinstance(instance, str) and _decoded_size(instance) > bound:
        yield jsonschema.ValidationError(f"{_decoded_size(instance)} bytes, more than {bound}")


#: Draft 2020-12 plus the decoded size of base64 blobs.
Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    {"decodedMinBytes": _decoded_min, "decodedMaxBytes": _decoded_max},
)


_BUILDERS: dict[str, Callable[[Shape], JsonSchema]] = {
    "structure": _schema_structure,
    "list": _schema_list,
    "map": _schema_map,
    "string": _schema_string,
    "integer": _schema_integer,
    "long": _schema_integer,
    "float": _schema_float,
    "double": _schema_float,
    "boolean": _schema_boolean,
    "timestamp": _schema_timestamp,
    "blob": _schema_blob,
}

#: The botocore type names this module can turn into a schema.
SUPPORTED_TYPES: frozenset[str] = frozenset(_BUILDERS)


class UnsupportedShapeType(TypeError):
    def __init__(self, shape: Shape) -> None:
        super().__init__(f"shape {shape.name} has type {shape.type_name!r}, which has no schema")
        self.shape_name = shape.name
        self.type_name = shape.type_name


def shape_schema(shape: Shape) -> JsonSchema:
    """The schema of one shape, referring to others as ``#/$defs/<name>``."""
    builder = _BUILDERS.get(shape.type_name)
    if builder is None:
        raise UnsupportedShapeType(shape)
    schema = builder(shape)
    schema["title"] = shape.name
    return schema


def _reachable(shape: Shape) -> dict[str, Shape]:
    seen: dict[str, Shape] = {}
    stack = [shape]
    while stack:
        current = stack.pop()
        if current.name in seen:
            continue
        seen[current.name] = current
        stack.extend(children(current))
    return seen


#: Size minimums that only hold for requests. Shapes are shared by requests and
#: responses, and a response says "none" with an empty list: AWS answers ListImages of
#: an empty repository with ``"imageIds": []`` although ImageIdentifierList has min 1.
_INPUT_ONLY = ("minItems", "minProperties")


def build_schema(shape: Shape, direction: Direction = "input") -> JsonSchema:
    """A self-contained draft 2020-12 schema for ``shape`` and every shape it reaches.

    For ``output``, list and map minimums are left out (see ``_INPUT_ONLY``).
    """
    defs = {name: shape_schema(s) for name, s in sorted(_reachable(shape).items())}
    if direction == "output":
        for definition in defs.values():
            for key in _INPUT_ONLY:
                definition.pop(key, None)
    return {"$schema": DRAFT, "$ref": f"#/$defs/{shape.name}", "$defs": defs}


@functools.cache
def _model_schema(shape_name: str, direction: Direction) -> JsonSchema:
    return build_schema(load_model().shape(shape_name), direction)


def schema_for_shape(shape_name: str, direction: Direction = "input") -> JsonSchema:
    """The schema of a shape of the installed model (a fresh copy)."""
    return copy.deepcopy(_model_schema(shape_name, direction))


_EMPTY_OBJECT: JsonSchema = {"$schema": DRAFT, "type": "object", "additionalProperties": False}


def operation_shape_name(operation: str, direction: Direction) -> str | None:
    model = load_model()
    shape = model.input_shape(operation) if direction == "input" else model.output_shape(operation)
    return None if shape is None else shape.name


def operation_schema(operation: str, direction: Direction) -> JsonSchema:
    """The schema of an operation's request (``input``) or response (``output``) body."""
    name = operation_shape_name(operation, direction)
    return dict(_EMPTY_OBJECT) if name is None else schema_for_shape(name, direction)


# -- validation --------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """One way a JSON value breaks a schema."""

    path: str
    expected: str
    actual: Any
    message: str

    def __str__(self) -> str:
        # Bounded: an answer may be megabytes, a failure message never is.
        actual = repr(self.actual)
        if len(actual) > 500:
            actual = f"{actual[:500]}... ({len(actual)} characters)"
        return f"{self.path}: {self.message[:500]} (expected {self.expected}, got {actual})"


@dataclass(frozen=True)
class ValidationResult:
    violations: tuple[Violation, ...]
    #: What the model does not know: members, and in responses enum values. Notes,
    #: unless the run is strict.
    unknown_members: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations


def format_path(parts: Iterable[str | int]) -> str:
    """``['repositories', 0, 'name']`` -> ``$.repositories[0].name``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


@functools.cache
def _validator(shape_name: str | None, direction: Direction) -> jsonschema.Draft202012Validator:
    schema = _EMPTY_OBJECT if shape_name is None else _model_schema(shape_name, direction)
    validator: jsonschema.Draft202012Validator = Validator(schema)
    return validator


def validator_for(operation: str, direction: Direction) -> jsonschema.Draft202012Validator:
    """The compiled validator of an operation's input or output (cached per shape)."""
    return _validator(operation_shape_name(operation, direction), direction)


def _describe(
    error: jsonschema.ValidationError, direction: Direction
) -> Iterable[tuple[bool, Violation]]:
    """Turn one jsonschema error into (is_unknown_to_the_model, violation) pairs."""
    path = list(error.absolute_path)
    kind = error.validator
    expected = error.validator_value
    if kind == "enum" and direction == "output":
        # AWS adds enum values before botocore knows them, as it adds members.
        yield (
            True,
            Violation(
                format_path(path),
                f"one of {expected!r}",
                error.instance,
                "value not in the model's enum",
            ),
        )
        return
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        for key in sorted(k for k in error.instance if k not in known):
            yield (
                True,
                Violation(
                    format_path([*path, key]),
                    "no such member in the model",
                    error.instance[key],
                    f"member {key!r} is not in the model",
                ),
            )
        return
    if kind == "required" and isinstance(error.instance, dict):
        for key in expected:
            if key not in error.instance:
                yield (
                    False,
                    Violation(
                        format_path([*path, key]),
                        "a required member",
                        "<missing>",
                        f"required member {key!r} is missing",
                    ),
                )
        return
    if kind == "propertyNames":
        yield False, Violation(format_path(path), "valid map keys", error.instance, error.message)
        return
    if kind == "type":
        exp = f"JSON {expected}"
    elif kind == "enum":
        exp = f"one of {expected!r}"
    elif kind == "pattern":
        exp = f"a full match of {expected!r}"
    else:
        exp = f"{kind} {expected!r}"
    actual = error.instance
    if isinstance(actual, (str, list, dict)) and kind in _SIZE_KINDS:
        actual = f"length {len(actual)}: {_short(actual)}"
    yield False, Violation(format_path(path), exp, actual, _MESSAGES.get(kind, error.message))


_SIZE_KINDS = frozenset(
    {
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "minProperties",
        "maxProperties",
        "decodedMinBytes",
        "decodedMaxBytes",
    }
)
_MESSAGES = {
    "decodedMinBytes": "blob too short",
    "decodedMaxBytes": "blob too long",
    "type": "wrong JSON type",
    "enum": "not a value the model allows",
    "pattern": "does not match the model's pattern",
    "maxLength": "too long",
    "minLength": "too short",
    "maxItems": "too many items",
    "minItems": "too few items",
    "maxProperties": "too many entries",
    "minProperties": "too few entries",
    "minimum": "below the model's minimum",
    "maximum": "above the model's maximum",
}


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_VALID = ValidationResult((), ())


@functools.cache
def _fast_validator(shape_name: str | None, direction: Direction) -> Callable[[Any], Any] | None:
    """A compiled check for the common case, a valid body, or ``None`` where there is
    none: ``fastjsonschema`` compiles the schema to Python (46 ms of ``jsonschema`` for
    DescribeImages of 1000 images against about 3 ms, bench/run.py). It only ever says
    "valid"; whatever it rejects goes to ``jsonschema`` for the full list of violations.

    Our schemas use only keywords that mean the same in draft 7, which fastjsonschema
    implements (no ``$ref`` has siblings that draft 7 would ignore; tested), except the
    decoded size of blobs, so schemas with those get no fast path.
    """
    if shape_name is None:
        return None
    try:
        import fastjsonschema
    except ImportError:
        return None
    schema = _model_schema(shape_name, direction)
    if "decodedM" in json.dumps(schema):
        return None
    try:
        compiled: Callable[[Any], Any] = fastjsonschema.compile(schema)
    except fastjsonschema.JsonSchemaDefinitionException:
        return None
    return compiled


def without_nulls(value: Any) -> Any:
    """``value`` without the members whose value is JSON ``null``.

    An explicit ``null`` is how a server may say "absent": the model documents the last
    page's ``nextToken`` as "null when there are no more results", and botocore drops a
    member that is null. So in answers a null member is an absent one (a required member
    sent as null is then reported missing).
    """
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def validate(operation: str, direction: Direction, instance: Any) -> ValidationResult:
    """Validate a wire body of ``operation``; every violation is listed with its path.

    In answers (``output``), a member sent as ``null`` counts as absent (:func:`without_nulls`).
    """
    shape_name = operation_shape_name(operation, direction)
    fast = _fast_validator(shape_name, direction)
    if fast is not None:
        try:
            fast(instance)
        except Exception:  # any refusal: jsonschema says what is wrong
            pass
        else:
            return _VALID
    if direction == "output":
        stripped = without_nulls(instance)
        if stripped != instance:
            return _validate_output(operation, stripped)
    return validate_with(validator_for(operation, direction), instance, direction=direction)


def _validate_output(operation: str, instance: Any) -> ValidationResult:
    fast = _fast_validator(operation_shape_name(operation, "output"), "output")
    if fast is not None:
        try:
            fast(instance)
        except Exception:
            pass
        else:
            return _VALID
    return validate_with(validator_for(operation, "output"), instance, direction="output")


def validate_with(
    validator: jsonschema.Draft202012Validator,
    instance: Any,
    *,
    direction: Direction = "input",
) -> ValidationResult:
    """Validate ``instance``, telling what the model does not know apart from violations.

    Unknown members, and in responses values outside an enum, are ``unknown_members``.
    """
    violations: list[Violation] = []
    unknown: list[Violation] = []
    for error in validator.iter_errors(instance):
        for is_unknown, violation in _describe(error, direction):
            (unknown if is_unknown else violations).append(violation)
    violations.sort(key=lambda v: v.path)
    unknown.sort(key=lambda v: v.path)
    return ValidationResult(tuple(violations), tuple(unknown))


def all_schemas() -> Mapping[str, Mapping[Direction, JsonSchema]]:
    """Input and output schemas of every operation in the installed model."""
    return {
        op: {"input": operation_schema(op, "input"), "output": operation_schema(op, "output")}
        for op in load_model().operation_names
    }
