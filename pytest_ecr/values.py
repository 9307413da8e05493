"""The values of ``--ecr-*`` settings: each parsed and checked, or refused with a
:class:`SettingsError` naming the option and what was wrong with the value."""

from __future__ import annotations

import functools
import re
from typing import Any, Literal, cast, get_args
from urllib.parse import urlsplit

TargetName = Literal["moto", "moto-server", "url", "aws", "replay"]
TARGETS: tuple[str, ...] = get_args(TargetName)


class SettingsError(ValueError):
    """A bad setting value; the message names the option and what was wrong."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}")
        self.option = option


def parse_bool(option: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(option, f"{value!r} is not a boolean (use true or false)")


def parse_target(option: str, value: Any) -> TargetName:
    if value not in TARGETS:
        raise SettingsError(option, f"unknown target {value!r} (choose from {', '.join(TARGETS)})")
    return cast(TargetName, value)


def parse_endpoint_url(option: str, value: Any) -> str:
    text = str(value).strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # "Invalid IPv6 URL" for an unclosed [
        raise SettingsError(option, f"{text!r} is not an endpoint URL ({exc})") from None
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise SettingsError(option, f"{text!r} is not an endpoint URL (it has a space or control)")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            option, f"{text!r} is not an endpoint URL (expected http://HOST:PORT or https://HOST)"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise SettingsError(option, f"{text!r} has an invalid port") from None
    if parts.query or parts.fragment:
        raise SettingsError(option, f"{text!r} must not have a query or fragment")
    return text.rstrip("/")


#: The commercial partition's form of a Region name (``regionRegex`` of the ``aws``
#: partition in botocore's ``endpoints.json``): most names are checked without the file.
COMMERCIAL_REGION = re.compile(r"(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+")


@functools.cache
def _region_rules() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The Regions botocore knows, and each partition's pattern for Regions it will know,
    from botocore's ``endpoints.json`` read as a file: importing botocore (or making a
    session, which reads the AWS configuration) is not a cost a run that never uses ECR
    should pay for checking ``AWS_REGION``."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("botocore")  # finds the package without importing it
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    data: dict[str, Any] = {"partitions": []}
    for location in locations:
        path = Path(location) / "data" / "endpoints.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            break
    known = frozenset(r for p in data["partitions"] for r in p.get("regions", {}))
    patterns = tuple(re.compile(p["regionRegex"]) for p in data["partitions"] if "regionRegex" in p)
    return known, patterns or (COMMERCIAL_REGION,)


def parse_region(option: str, value: Any) -> str:
    """A Region of AWS's partitions: one botocore knows, or one of a partition's form
    (``us-east1``, ``EU-WEST-1`` or ``zz-nowhere-9`` are none)."""
    text = str(value).strip()
    if COMMERCIAL_REGION.fullmatch(text):
        return text
    known, patterns = _region_rules()
    if text not in known and not any(p.fullmatch(text) for p in patterns):
        near = sorted(r for r in known if r.replace("-", "") == text.lower().replace("-", ""))
        hint = f"; did you mean {near[0]}?" if near else " (for example us-east-1)"
        raise SettingsError(option, f"{text!r} is not an AWS Region{hint}")
    return text


#: One path component of the model's RepositoryName pattern.
NAME_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*")


def parse_name_prefix(option: str, value: Any) -> str:
    text = str(value).strip().strip("/")
    if not all(NAME_COMPONENT.fullmatch(part) for part in text.split("/")):
        raise SettingsError(
            option,
            f"{text!r} cannot start a repository name (lower-case letters and digits, "
            "separated by '.', '_', '__', '-' or '/')",
        )
    return text


def parse_run_id(option: str, value: Any) -> str:
    text = str(value).strip()
    if not NAME_COMPONENT.fullmatch(text) or len(text) > 40:
        raise SettingsError(
            option, f"{text!r} is not a run id (up to 40 lower-case letters, digits and '-')"
        )
    return text


RECORD_MODES: tuple[str, ...] = ("none", "once", "new_episodes", "all")


def parse_choice(option: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SettingsError(option, f"{value!r} is not one of {', '.join(choices)}")
    return str(value)


def parse_positive_int(option: str, value: Any, *, most: int = 10_000) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise SettingsError(option, f"{value!r} is not a whole number") from None
    if not 1 <= number <= most:
        raise SettingsError(option, f"{number} must be from 1 to {most}")
    return number


def parse_attempts(option: str, value: Any) -> int:
    """Attempts per request: botocore's standard retry mode, a handful at most."""
    return parse_positive_int(option, value, most=20)


def parse_positive_float(option: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(option, f"{value!r} is not a number of seconds") from None
    if not 0 < number <= 3600:
        raise SettingsError(option, f"{value!r} must be more than 0 and at most 3600 seconds")
    return number


_ACCOUNT = re.compile(r"[0-9]{12}")  # an AWS account id: 12 digits


def parse_accounts(option: str, value: Any) -> tuple[str, ...]:
    """A comma- or space-separated list of AWS account ids."""
    accounts = tuple(a for a in re.split(r"[\s,]+", str(value).strip()) if a)
    bad = [a for a in accounts if not _ACCOUNT.fullmatch(a)]
    if bad or not accounts:
        raise SettingsError(
            option,
            f"{', '.join(map(repr, bad)) or repr(value)} is not an AWS account id "
            "(12 digits; separate several with commas)",
        )
    return accounts
