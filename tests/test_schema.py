from __future__ import annotations

import itertools
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from botocore.model import ShapeResolver

from pytest_ecr import schema
from pytest_ecr.model import load_model
from pytest_ecr.patterns import EcrModelWarning, PatternTranslationError, translate_pattern
from pytest_ecr.schema import build_schema, validate, validate_with


def inline(shapes: dict[str, Any], root: str = "Root") -> jsonschema.Draft202012Validator:
    resolver = ShapeResolver(shapes)
    built = build_schema(resolver.get_shape_by_name(root))
    jsonschema.Draft202012Validator.check_schema(built)
    return jsonschema.Draft202012Validator(built)


def paths(validator: jsonschema.Draft202012Validator, value: Any) -> list[str]:
    return [v.path for v in validate_with(validator, value).violations]


# -- every shape of the installed model ----------------------------------------


def test_every_type_the_model_uses_has_a_builder() -> None:
    model = load_model()
    used = {model.shape(name).type_name for name in model.shape_names}
    assert used <= schema.SUPPORTED_TYPES


def test_every_operation_has_valid_input_and_output_schemas() -> None:
    model = load_model()
    with warnings.catch_warnings():
        warnings.simplefilter("error", EcrModelWarning)
        schemas = schema.all_schemas()
    assert set(schemas) == set(model.operation_names)
    for operation, pair in schemas.items():
        for direction in ("input", "output"):
            jsonschema.Draft202012Validator.check_schema(pair[direction])
            shape = (model.input_shape if direction == "input" else model.output_shape)(operation)
            if shape is not None:
                assert pair[direction]["$ref"] == f"#/$defs/{shape.name}"


def test_every_model_pattern_translates() -> None:
    model = load_model()
    for name in model.shape_names:
        pattern = model.shape(name).metadata.get("pattern")
        if pattern is not None:
            re.compile(translate_pattern(pattern))


def test_one_shape_is_held_to_its_minimum_in_requests_only() -> None:
    """ImageIdentifierList (min 1) is BatchDeleteImage's input and ListImages' output: a
    request must name an image, an answer may list none."""
    assert schema.validate("ListImages", "output", {"imageIds": []}).ok
    refused = schema.validate("BatchDeleteImage", "input", {"repositoryName": "ab", "imageIds": []})
    assert [v.path for v in refused.violations] == ["$.imageIds"]


# -- one table entry per botocore type ---------------------------------------

TYPE_TABLE: list[tuple[str, dict[str, Any], list[Any], list[Any]]] = [
    (
        "structure",
        {
            "Root": {
                "type": "structure",
                "required": ["a"],
                "members": {"a": {"shape": "S"}, "b": {"shape": "S"}},
            },
            "S": {"type": "string"},
        },
        [{"a": "x"}, {"a": "x", "b": "y"}],
        [{}, {"b": "y"}, {"a": 1}, "x", []],
    ),
    (
        "list",
        {
            "Root": {"type": "list", "member": {"shape": "S"}, "min": 1, "max": 2},
            "S": {"type": "string"},
        },
        [["a"], ["a", "b"]],
        [[], ["a", "b", "c"], [1], "a"],
    ),
    (
        "map",
        {
            "Root": {"type": "map", "key": {"shape": "K"}, "value": {"shape": "V"}, "max": 2},
            "K": {"type": "string", "pattern": "[a-z]+"},
            "V": {"type": "integer"},
        },
        [{}, {"ab": 1}],
        [{"AB": 1}, {"a": "1"}, {"a": 1, "b": 2, "c": 3}, []],
    ),
    (
        "string",
        {"Root": {"type": "string", "min": 2, "max": 3, "pattern": "[a-z]+"}},
        ["ab", "abc"],
        ["a", "abcd", "AB", "ab ", 12],
    ),
    (
        "enum string",
        {"Root": {"type": "string", "enum": ["MUTABLE", "IMMUTABLE"]}},
        ["MUTABLE"],
        ["mutable", "OTHER", ""],
    ),
    (
        "integer",
        {"Root": {"type": "integer", "min": 1, "max": 1000}},
        [1, 1000],
        [0, 1001, 1.5, "5", True],
    ),
    ("long", {"Root": {"type": "long", "min": 0}}, [0, 2**40], [-1, "1"]),
    ("double", {"Root": {"type": "double"}}, [1.5, 2], ["1.5", None]),
    ("boolean", {"Root": {"type": "boolean"}}, [True, False], ["true", 0]),
    (
        "timestamp",
        {"Root": {"type": "timestamp"}},
        [1700000000, 1700000000.123],
        ["2024-01-01T00:00:00Z", None],
    ),
    (
        "blob",
        {"Root": {"type": "blob"}},
        ["", "aGVsbG8=", "aGVsbG8gd29ybGQh"],
        ["not base64!", "aGVsbG8", b"raw".hex() + "="],
    ),
]


@pytest.mark.parametrize(
    ("kind", "shapes", "good", "bad"), TYPE_TABLE, ids=[row[0] for row in TYPE_TABLE]
)
def test_type_table(kind: str, shapes: dict[str, Any], good: list[Any], bad: list[Any]) -> None:
    validator = inline(shapes)
    for value in good:
        assert validate_with(validator, value).ok, (kind, value)
    for value in bad:
        assert not validate_with(validator, value).ok, (kind, value)


def test_table_covers_every_supported_type() -> None:
    covered = {
        ShapeResolver(shapes).get_shape_by_name("Root").type_name for _, shapes, _, _ in TYPE_TABLE
    }
    assert covered >= schema.SUPPORTED_TYPES - {"float"}
    assert schema.SUPPORTED_TYPES - covered <= {"float"}


def test_unknown_type_is_named() -> None:
    with pytest.raises(schema.UnsupportedShapeType, match=r"Root.*'document'"):
        inline({"Root": {"type": "document"}})


# -- patterns ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("java", "matches", "rejects"),
    [
        # RepositoryName has no anchors in the model; AWS full-matches.
        (
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*",
            ["abc", "a/b-c", "a__b"],
            ["Bad Name", "abc\n", "-abc", "abc/", ""],
        ),
        ("[0-9]{12}", ["123456789012"], ["1234567890123", "x123456789012"]),
        # An alternation whose second branch has no anchors.
        (
            "^$|arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:[0-9]{12}:key\\/[a-z0-9-]+",
            ["", "arn:aws:kms:us-east-1:123456789012:key/abc"],
            [
                "xarn:aws:kms:us-east-1:123456789012:key/abc",
                "arn:aws:kms:us-east-1:123456789012:key/abc!",
            ],
        ),
        # Java's \w is ASCII-only.
        (
            "^arn:aws(-[a-z]+)*:iam::[0-9]{12}:(role|user)/[\\w+=,.@-]+$",
            ["arn:aws:iam::123456789012:role/my_role"],
            ["arn:aws:iam::123456789012:role/rôle"],
        ),
        ("[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+", ["sha256:abc", "a-b_c+d.e:0"], ["sha256:xyz"]),
        ("^\\S+$", ["abc"], ["a b", "é b"]),
    ],
)
def test_translated_patterns_full_match(java: str, matches: list[str], rejects: list[str]) -> None:
    compiled = re.compile(translate_pattern(java))
    for value in matches:
        assert compiled.search(value), value
    for value in rejects:
        assert not compiled.search(value), value


@pytest.mark.parametrize("java", ["\\p{Alpha}+", "[a-z&&[^b]]", "[abc", "a\\", "\\Qa.b\\E", "[]a]"])
def test_untranslatable_patterns_are_refused(java: str) -> None:
    with pytest.raises(PatternTranslationError):
        translate_pattern(java)


def test_untranslatable_pattern_is_reported_once_by_shape_name() -> None:
    shapes = {
        "Root": {"type": "structure", "members": {"a": {"shape": "Odd"}, "b": {"shape": "Odd"}}},
        "Odd": {"type": "string", "pattern": "\\p{Alpha}+", "max": 3},
    }
    with pytest.warns(EcrModelWarning, match="shape Odd") as record:
        validator = inline(shapes)
    with warnings.catch_warnings():
        warnings.simplefilter("error", EcrModelWarning)
        inline(shapes)  # reported once only
    assert len(record) == 1
    # The rest of the shape's constraints still hold.
    assert paths(validator, {"a": "abcd"}) == ["$.a"]
    assert validate_with(validator, {"a": "123"}).ok


# -- validation of real-looking bodies -----------------------------------------


GOOD_REPOSITORY = {
    "repositoryArn": "arn:aws:ecr:us-east-1:123456789012:repository/abc",
    "registryId": "123456789012",
    "repositoryName": "abc",
    "repositoryUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/abc",
    "createdAt": 1700000000.5,
    "imageTagMutability": "MUTABLE",
    "imageScanningConfiguration": {"scanOnPush": False},
    "encryptionConfiguration": {"encryptionType": "AES256"},
}


def test_valid_body_passes() -> None:
    assert validate("DescribeRepositories", "output", {"repositories": [GOOD_REPOSITORY]}).ok


@pytest.mark.parametrize(
    ("mutation", "path", "expected"),
    [
        ({"createdAt": "2024-01-01"}, "$.repositories[0].createdAt", "JSON number"),
        ({"repositoryName": "a" * 257}, "$.repositories[0].repositoryName", "maxLength 256"),
        ({"repositoryName": "Bad Name"}, "$.repositories[0].repositoryName", "a full match"),
        (
            {"encryptionConfiguration": {}},
            "$.repositories[0].encryptionConfiguration.encryptionType",
            "a required member",
        ),
        (
            {"imageScanningConfiguration": {"scanOnPush": "false"}},
            "$.repositories[0].imageScanningConfiguration.scanOnPush",
            "JSON boolean",
        ),
    ],
)
def test_mutated_body_is_rejected_with_its_path(
    mutation: dict[str, Any], path: str, expected: str
) -> None:
    body = {"repositories": [{**GOOD_REPOSITORY, **mutation}]}
    result = validate("DescribeRepositories", "output", body)
    assert [v.path for v in result.violations] == [path]
    assert result.violations[0].expected.startswith(expected)


def test_every_violation_is_listed() -> None:
    body = {
        "repositories": [
            {**GOOD_REPOSITORY, "createdAt": "x", "imageTagMutability": "NO"},
            {**GOOD_REPOSITORY, "registryId": 123456789012},
        ],
        "nextToken": 7,
    }
    result = validate("DescribeRepositories", "output", body)
    assert [v.path for v in result.violations] == [
        "$.nextToken",
        "$.repositories[0].createdAt",
        "$.repositories[1].registryId",
    ]
    assert [v.path for v in result.unknown_members] == ["$.repositories[0].imageTagMutability"]


def test_unknown_members_are_notes_not_violations() -> None:
    body = {"repositories": [{**GOOD_REPOSITORY, "newFeature": {"x": 1}}], "alsoNew": 1}
    result = validate("DescribeRepositories", "output", body)
    assert result.ok
    assert [v.path for v in result.unknown_members] == ["$.alsoNew", "$.repositories[0].newFeature"]


def test_input_schema_catches_what_botocore_does_not() -> None:
    """botocore checks only required and min on the client; max, pattern and enum reach AWS."""
    result = validate(
        "CreateRepository", "input", {"repositoryName": "UPPER", "imageTagMutability": "SOMETIMES"}
    )
    assert [v.path for v in result.violations] == ["$.imageTagMutability", "$.repositoryName"]


def test_schema_copies_are_independent() -> None:
    first = schema.operation_schema("ListImages", "output")
    first["$defs"].clear()
    assert schema.operation_schema("ListImages", "output")["$defs"]


def test_output_lists_may_be_empty_where_requests_may_not() -> None:
    """ImageIdentifierList has min 1: a request needs an image id, a response of an empty
    repository has none."""
    assert validate("ListImages", "output", {"imageIds": []}).ok
    result = validate("BatchDeleteImage", "input", {"repositoryName": "abc", "imageIds": []})
    assert [v.path for v in result.violations] == ["$.imageIds"]


def test_unknown_enum_value_in_a_response_is_a_note() -> None:
    body = {"repositories": [{**GOOD_REPOSITORY, "imageTagMutability": "SOMETIMES_LATER"}]}
    result = validate("DescribeRepositories", "output", body)
    assert result.ok
    assert [v.path for v in result.unknown_members] == ["$.repositories[0].imageTagMutability"]
    request = validate(
        "CreateRepository",
        "input",
        {"repositoryName": "abc", "imageTagMutability": "SOMETIMES_LATER"},
    )
    assert [v.path for v in request.violations] == ["$.imageTagMutability"]


def _recorded_bodies() -> list[tuple[str, Any]]:
    from pytest_ecr.cassettes import read_cassette

    bodies = []
    for path in sorted((Path(__file__).resolve().parents[1] / "cassettes").rglob("*.yaml")):
        for interaction in read_cassette(path)[1]:
            if interaction.status == 200 and interaction.text.startswith("{"):
                bodies.append((interaction.operation, json.loads(interaction.text)))
    return bodies


def _mutations(value: Any) -> Iterator[Any]:
    """``value`` with one leaf replaced by a wrong type, an empty, an overlong or an unknown
    value, or one unknown member added, in turn."""
    if isinstance(value, dict):
        yield {**value, "notAMember": 1}
        for key, item in value.items():
            for changed in _mutations(item):
                yield {**value, key: changed}
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            for changed in _mutations(item):
                yield [*value[:index], changed, *value[index + 1 :]]
    else:
        yield from ([], {}, None, True, -1, 1.5, "", "x" * 3000, "NOT_AN_ENUM_VALUE")


def test_the_fast_path_never_accepts_what_jsonschema_refuses() -> None:
    """The compiled fast path agrees with jsonschema on every recorded answer, and says
    "valid" to no mutation of one that jsonschema finds a problem with."""
    checked = 0
    for operation, body in _recorded_bodies():
        fast = schema._fast_validator(schema.operation_shape_name(operation, "output"), "output")
        assert fast is not None, operation
        full = schema.validator_for(operation, "output")
        for instance in [body, *itertools.islice(_mutations(body), 60)]:
            fast_ok = True
            try:
                fast(instance)
            except Exception:
                fast_ok = False
            if fast_ok:
                assert not list(full.iter_errors(instance)), (operation, instance)
            checked += 1
    assert checked > 10_000


def test_schemas_use_no_ref_siblings_that_draft_7_would_ignore() -> None:
    """The fast path's compiler implements draft 7, where keywords beside ``$ref`` are
    ignored; our schemas must never put any there."""

    def walk(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for operation in load_model().operation_names:
        for direction in ("input", "output"):
            for node in walk(schema.operation_schema(operation, direction)):
                if "$ref" in node:
                    assert set(node) <= {"$ref", "$defs", "$schema"}, (operation, node)
