"""The JSON files pytest-ecr reads and writes, through one loader with one header.

Every file starts with ``"format"`` (what it is) and ``"version"`` (of that format):
known deviations, reference deviations, baselines, reports and the cassette index. Files
written before the header was common (deviations files with only ``"version": 1``, an
index with neither) are read as version 1.

Everything that goes wrong is a :class:`FileFormatError` whose message names the file and
what is wrong with it: a file that cannot be read, is not UTF-8 text (a binary file), is
not JSON, or is another kind of file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class FileFormatError(ValueError):
    """A file pytest-ecr cannot use; the message names the file and what is wrong."""


def read_json(path: Path) -> Any:
    """The parsed content of ``path``, or a :class:`FileFormatError` saying why not."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise FileFormatError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(f"{path}: not a text file (not UTF-8)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFormatError(f"{path}: not JSON ({exc})") from None


def load(path: Path, kind: str, *, version: int = 1, legacy: bool = False) -> dict[str, Any]:
    """A file of format ``kind`` at ``version``.

    ``legacy``: a file without ``"format"`` is taken for this kind (files written before
    the header existed), and one without ``"version"`` for version 1.
    """
    data = read_json(path)
    if not isinstance(data, dict):
        raise FileFormatError(f'{path}: not a {kind} file (expected an object with "format")')
    found = data.get("format", kind if legacy else None)
    if found != kind:
        raise FileFormatError(
            f'{path}: not a {kind} file ("format" is {found!r}, expected {kind!r})'
        )
    got = data.get("version", 1 if legacy else None)
    if got != version:
        raise FileFormatError(f"{path}: {kind} version {got!r}, expected {version}")
    return data


def dump(path: Path, kind: str, data: Mapping[str, Any], *, version: int = 1) -> None:
    """Write ``data`` with the header, sorted keys and a trailing newline, whole or not
    at all (a temporary file renamed over the old one)."""
    document = {"format": kind, "version": version, **data}
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise FileFormatError(f"{path}: cannot write it ({exc.strerror or exc})") from None
