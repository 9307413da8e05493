"""The reference directory (cassettes recorded against a reference target, and their
index) and the file of differences from it that a target's authors accept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cassettes import CassetteError, cassette_path, read_cassette, read_index
from ..jsonfiles import FileFormatError, load
from ..wire import Exchange
from .diff import Difference


class ReferenceFileError(FileFormatError):
    """A reference or known-deviations file that cannot be used; the message names it."""


DEVIATIONS_FORMAT = "pytest-ecr-reference-deviations"


@dataclass(frozen=True)
class KnownDeviation:
    """A difference the target's authors accept: operation, path pattern and reason.

    ``path`` may use ``*`` for any run of characters, so ``$.repositories[*].createdAt``
    matches every repository; ``operation`` may be ``*`` for every operation.
    """

    operation: str
    path: str
    reason: str
    layer: str | None = None
    link: str | None = None

    def matches(self, difference: Difference) -> bool:
        return (
            self.operation in ("*", difference.operation)
            and (self.layer is None or self.layer == difference.layer)
            and re.fullmatch(re.escape(self.path).replace(r"\*", ".*"), difference.path) is not None
        )

    @property
    def ident(self) -> str:
        return f"{self.operation} {self.layer or '*'} {self.path}"


def load_known_deviations(path: Path) -> tuple[str, list[KnownDeviation]]:
    """The target name and the entries of a known-deviations file."""
    try:
        data = load(path, DEVIATIONS_FORMAT, legacy=True)
    except FileFormatError as exc:
        raise ReferenceFileError(str(exc)) from None
    entries = []
    for n, entry in enumerate(data.get("deviations") or []):
        try:
            entries.append(
                KnownDeviation(
                    operation=str(entry["operation"]),
                    path=str(entry["path"]),
                    reason=str(entry["reason"]),
                    layer=entry.get("layer"),
                    link=entry.get("link"),
                )
            )
        except (KeyError, TypeError):
            raise ReferenceFileError(
                f"{path}: deviation {n} needs an operation, a path and a reason"
            ) from None
        if not entries[-1].reason.strip():
            raise ReferenceFileError(f"{path}: deviation {n} ({entries[-1].ident}) has no reason")
    return str(data.get("target") or ""), entries


@dataclass
class Reference:
    """A reference cassette directory: its index, and its cassettes read on demand."""

    root: Path
    index: dict[str, Any]
    _cache: dict[Path, tuple[dict[str, Any], list[Exchange]]] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> Reference:
        try:
            index = read_index(root)
        except CassetteError as exc:
            problem = str(exc).split("; record cassettes first", 1)[0]
            raise ReferenceFileError(
                f"--ecr-reference: {problem}; record a reference with --ecr-record-mode=all "
                "--ecr-cassette-dir DIR against the target it stands for"
            ) from None
        return cls(root, index)

    @property
    def recorded_against(self) -> str:
        return str(self.index["target"])

    def stale(self, operation: str, checksum: str) -> str | None:
        """Why the reference of ``operation`` no longer describes the installed model."""
        recorded = (self.index.get("model_checksums") or {}).get(operation)
        if recorded is None:
            return f"the reference has no model checksum for {operation}"
        if recorded != checksum:
            return (
                f"the installed botocore model of {operation} differs from the one the "
                f"reference was recorded with (botocore {self.index.get('botocore', '?')})"
            )
        return None

    def calls(self, scope: str) -> list[Exchange]:
        """The reference calls of test ``scope`` (none if it has no cassette)."""
        path = cassette_path(self.root, scope)
        return self.read(path)[1] if path.exists() else []

    def read(self, path: Path) -> tuple[dict[str, Any], list[Exchange]]:
        """A reference cassette, parsed once (by a test's calls or by the pool)."""
        if path not in self._cache:
            try:
                self._cache[path] = read_cassette(path)
            except CassetteError as exc:
                raise ReferenceFileError(f"--ecr-reference: {exc}") from None
        return self._cache[path]
