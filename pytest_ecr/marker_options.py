"""The keywords ``@pytest.mark.ecr_repository`` and ``@pytest.mark.ecr_image`` take, and
their check: a bad one fails the test's set-up with one line naming the marker and the
keyword (``manifest_format="OCI"`` would have pushed a Docker image; ``tags="v1"`` would
have tagged it ``v`` and ``1``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], str | None]


def _choice(*choices: Any) -> Check:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        near = [c for c in choices if isinstance(c, str) and str(value).lower() == c.lower()]
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        return f"is not one of {', '.join(map(repr, choices))}{hint}"

    return check


def _strings(value: Any) -> str | None:
    if isinstance(value, str):
        return f"must be a list of strings, not the string {value!r} (write [{value!r}])"
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        return "must be a list of strings"
    return None


def _count(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return "must be a whole number, 0 or more"
    return None


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def _text_or_none(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "must be a string"


def _seed(value: Any) -> str | None:
    ok = isinstance(value, (str, int)) and not isinstance(value, bool)
    return None if ok else "must be a string or a whole number"


def _tags_map(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return "must be a mapping of tag keys to values"
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return "must map strings to strings"
    return None


def _platforms(value: Any) -> str | None:
    problem = _strings(value)
    if problem:
        return problem
    bad = [p for p in value if len(p.split("/")) not in (2, 3) or not all(p.split("/"))]
    return f"has {bad[0]!r}, which is not OS/ARCH or OS/ARCH/VARIANT" if bad else None


def _image_or_none(value: Any) -> str | None:
    from .resources import Image

    return None if value is None or isinstance(value, Image) else "must be an Image (or None)"


OPTIONS: dict[str, dict[str, Check]] = {
    "ecr_repository": {
        "tag_mutability": _choice(
            "MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"
        ),
        "exclusion_filters": _strings,
        "scan_on_push": _flag,
        "encryption": _choice(None, "AES256", "KMS", "KMS_DSSE"),
        "kms_key": _text_or_none,
        "tags": _tags_map,
    },
    "ecr_image": {
        "tags": _strings,
        "layers": _count,
        "layer_size": _count,
        "manifest_format": _choice("docker", "oci"),
        "platforms": _platforms,
        "seed": _seed,
        "artifact_type": _text_or_none,
        "subject": _image_or_none,
    },
}


def problems(marker: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> list[str]:
    """What is wrong with a marker's arguments, one line each."""
    known = OPTIONS[marker]
    out = [f"@pytest.mark.{marker} takes keywords only, not {args!r}"] if args else []
    for name, value in kwargs.items():
        check = known.get(name)
        if check is None:
            out.append(
                f"@pytest.mark.{marker}: unknown keyword {name!r} "
                f"(it takes {', '.join(sorted(known))})"
            )
            continue
        problem = check(value)
        if problem:
            out.append(f"@pytest.mark.{marker}: {name}={value!r} {problem}")
    return out
