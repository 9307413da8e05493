from __future__ import annotations

import re

import pytest

from pytest_ecr.invalid import (
    ConstraintCase,
    NoInvalidValue,
    constraint_cases,
    invalid_value,
    with_value,
)
from pytest_ecr.patterns import translate_pattern
from pytest_ecr.schema import validate


def case(operation: str, ident: str) -> ConstraintCase:
    (found,) = [c for c in constraint_cases(operation) if c.id == ident]
    return found


def test_cases_cover_nested_members_and_skip_unbreakable_minimums() -> None:
    ids = [c.id for c in constraint_cases("CreateRepository")]
    assert "repositoryName-pattern" in ids
    assert "imageTagMutabilityExclusionFilters[0].filter-max" in ids
    assert "encryptionConfiguration.kmsKey-min" in ids
    # BatchedOperationLayerDigest has min 0: a length below 0 does not exist.
    ids = [c.id for c in constraint_cases("BatchCheckLayerAvailability")]
    assert "layerDigests[0]-max" in ids
    assert "layerDigests[0]-min" not in ids
    # A number's minimum 0 can be broken.
    assert "partFirstByte-min" in [c.id for c in constraint_cases("UploadLayerPart")]


def test_no_input_map_carries_constraints() -> None:
    """constraint_cases does not walk maps; this fails when the model gains one."""
    from pytest_ecr.model import children, load_model

    model = load_model()
    for op in model.operation_names:
        shape = model.input_shape(op)
        stack = [shape] if shape is not None else []
        seen = set()
        while stack:
            current = stack.pop()
            if current.name in seen:
                continue
            seen.add(current.name)
            if current.type_name == "map":
                for part in children(current):
                    assert not {"min", "max", "pattern", "enum"} & set(part.metadata), op
            stack.extend(children(current))


def test_too_long_name_still_matches_the_pattern() -> None:
    c = case("CreateRepository", "repositoryName-max")
    value = invalid_value(c, "my-repo")
    assert len(value) == 257
    assert re.search(
        translate_pattern(
            "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(\\/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"
        ),
        value,
    )


@pytest.mark.parametrize(
    ("operation", "ident", "valid", "check"),
    [
        ("CreateRepository", "repositoryName-min", "my-repo", lambda v: len(v) == 1),
        (
            "CreateRepository",
            "repositoryName-pattern",
            "my-repo",
            lambda v: 2 <= len(v) <= 256 and not re.fullmatch("[a-z0-9/._-]+", v),
        ),
        (
            "CreateRepository",
            "registryId-pattern",
            "123456789012",
            lambda v: len(v) == 12 and not v.isdigit(),
        ),
        (
            "CreateRepository",
            "imageTagMutability-enum",
            "MUTABLE",
            lambda v: v not in ("MUTABLE", "IMMUTABLE"),
        ),
        ("DescribeImages", "maxResults-min", 10, lambda v: v == 0),
        ("DescribeImages", "maxResults-max", 10, lambda v: v == 1001),
        ("DescribeImages", "imageIds-min", [{"imageTag": "v1"}], lambda v: v == []),
        ("DescribeImages", "imageIds-max", [{"imageTag": "v1"}], lambda v: len(v) == 101),
        ("UploadLayerPart", "layerPartBlob-max", b"x", lambda v: len(v) == 20 * 1024 * 1024 + 1),
        ("UploadLayerPart", "partFirstByte-min", 0, lambda v: v == -1),
    ],
)
def test_invalid_values_break_their_constraint(
    operation: str, ident: str, valid: object, check: object
) -> None:
    value = invalid_value(case(operation, ident), valid)
    assert check(value), value  # type: ignore[operator]


def test_invalid_values_are_refused_by_the_input_schema() -> None:
    base = {
        "repositoryName": "my-repo",
        "registryId": "123456789012",
        "imageTagMutability": "MUTABLE",
    }
    for c in constraint_cases("CreateRepository"):
        if c.path[0] not in base:
            continue
        bad = with_value(base, c.path, invalid_value(c, base[c.path[0]]))
        assert not validate("CreateRepository", "input", bad).ok, c.id
    assert validate("CreateRepository", "input", base).ok


def test_an_empty_list_cannot_grow() -> None:
    with pytest.raises(NoInvalidValue, match="empty list"):
        invalid_value(case("DescribeImages", "imageIds-max"), [])
