"""Throwaway repositories and images, their names, the cleanup ledger, and the sweeper.

Every repository the plugin creates has a name under the run's prefix and a
marker tag; every resource is recorded in one :class:`Ledger` and removed in
reverse order. Leftovers of killed runs are found by :func:`sweep`, which never
touches a repository without the marker tag.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import ClientError

from .images import (
    BuiltManifest,
    EcrClient,
    ManifestFormat,
    Platform,
    Pusher,
    build_artifact,
    build_image,
    build_index,
)
from .prerequisites import prerequisite
from .settings import NAME_COMPONENT
from .wire import CURRENT_SCOPE

DEFAULT_PREFIX = "pytest-ecr"
#: The tag every repository the plugin creates carries; its value is the run id.
MARKER_TAG = "pytest-ecr:run"

TagMutability = Literal[
    "MUTABLE", "IMMUTABLE", "MUTABLE_WITH_EXCLUSION", "IMMUTABLE_WITH_EXCLUSION"
]


def new_run_id() -> str:
    return "r" + secrets.token_hex(4)


def sanitize_component(text: str, *, limit: int = 60) -> str:
    """A repository-name component from any text: lower case, runs of others -> '-'."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower())[:limit].strip("-")
    return cleaned or "x"


@dataclass
class Namer:
    """Unique names under ``<prefix>/<run id>/<worker>/``, valid for RepositoryName.

    ``repeatable`` names (for cassettes) depend only on the scope that asks (the test, or
    an explicit scope such as a module) and the hint, never on the order tests run in:
    ``<hint>-<scope hash>-<n>``, with ``n`` counted per scope and hint.
    """

    prefix: str = DEFAULT_PREFIX
    run_id: str = field(default_factory=new_run_id)
    worker: str = "main"
    repeatable: bool = False
    _counter: Iterator[int] = field(default_factory=itertools.count, repr=False)
    _scoped: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        for part in (*self.prefix.split("/"), self.run_id, self.worker):
            if not NAME_COMPONENT.fullmatch(part):
                raise ValueError(
                    f"{part!r} cannot be part of a repository name (lower-case letters and "
                    "digits, separated by '.', '_', '__' or '-')"
                )

    @property
    def root(self) -> str:
        return f"{self.prefix}/{self.run_id}/{self.worker}"

    def name(self, hint: str, scope: str | None = None) -> str:
        stem = sanitize_component(hint)
        if not self.repeatable:
            with self._lock:
                n = next(self._counter)
            return f"{self.root}/{stem}-{n}"
        where = scope if scope is not None else CURRENT_SCOPE.get()
        with self._lock:
            n = self._scoped.get((where, stem), 0)
            self._scoped[(where, stem)] = n + 1
        digest = hashlib.sha256(where.encode()).hexdigest()[:8]
        return f"{self.root}/{stem}-{digest}-{n}"


@dataclass(frozen=True)
class Repository:
    name: str
    arn: str
    uri: str
    registry_id: str
    region: str
    tag_mutability: str = "MUTABLE"

    @property
    def registry(self) -> str:
        """The registry host: ``<registry>.dkr.ecr.<region>.amazonaws.com``."""
        return self.uri.split("/", 1)[0]


@dataclass(frozen=True)
class Image:
    """A pushed image (or index, or artifact)."""

    repository: Repository
    digest: str
    tags: tuple[str, ...]
    media_type: str
    manifest: str
    #: Compressed bytes of its layers (for an index: the largest child's).
    size: int
    layer_digests: tuple[str, ...]
    config_digest: str | None
    built: BuiltManifest
    children: tuple[Image, ...] = ()
    platform: str | None = None
    artifact_type: str | None = None

    @property
    def uri(self) -> str:
        """``<registry>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:...``."""
        return f"{self.repository.uri}@{self.digest}"

    @property
    def blobs(self) -> Mapping[str, bytes]:
        return {blob.digest: blob.data for blob in self.built.blobs}


class CleanupError(RuntimeError):
    """Some resources could not be removed; the message names each one."""


@dataclass
class _Entry:
    kind: str
    ident: str
    remove: Callable[[], None]


class Ledger:
    """Every resource a run created, removed in reverse order (once, whatever happens)."""

    def __init__(self) -> None:
        self._entries: list[_Entry] = []
        self._lock = threading.Lock()

    def record(self, kind: str, ident: str, remove: Callable[[], None]) -> _Entry:
        entry = _Entry(kind, ident, remove)
        with self._lock:
            self._entries.append(entry)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def pending(self) -> list[str]:
        return [f"{e.kind} {e.ident}" for e in self._entries]

    def release(self, *entries: _Entry) -> None:
        """Remove these resources now (in reverse order); raise CleanupError if any fails."""
        failures = []
        for entry in reversed(entries):
            with self._lock:
                if entry not in self._entries:
                    continue
                self._entries.remove(entry)
            try:
                entry.remove()
            except Exception as exc:  # keep going: the others must still be removed
                failures.append(f"{entry.kind} {entry.ident}: {exc}")
        if failures:
            raise CleanupError(
                "pytest-ecr could not remove: "
                + "; ".join(failures)
                + " (remove them by hand or with `pytest-ecr sweep`)"
            )

    def close(self) -> None:
        with self._lock:
            entries = list(self._entries)
        self.release(*entries)


def _missing_ok(client: EcrClient, action: Callable[[], Any]) -> None:
    try:
        action()
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in (
            "RepositoryNotFoundException",
            "ImageNotFoundException",
        ):
            raise


@dataclass
class RepositoryFactory:
    """Creates repositories for tests (``ecr_repository_factory``)."""

    client: EcrClient
    namer: Namer
    ledger: Ledger
    region: str
    _entries: dict[str, _Entry] = field(default_factory=dict, repr=False)

    def create(
        self,
        hint: str = "repo",
        *,
        name: str | None = None,
        tag_mutability: TagMutability = "MUTABLE",
        exclusion_filters: Sequence[str] = (),
        scan_on_push: bool = False,
        encryption: Literal["AES256", "KMS", "KMS_DSSE"] | None = None,
        kms_key: str | None = None,
        tags: Mapping[str, str] | None = None,
        scope: str | None = None,
    ) -> Repository:
        """Create a repository; ``hint`` (usually the test name) goes into its name.

        ``exclusion_filters`` are wildcard filters for the ``*_WITH_EXCLUSION`` modes.
        """
        repo_name = name if name is not None else self.namer.name(hint, scope)
        if name is not None and not name.startswith(self.namer.prefix + "/"):
            raise ValueError(
                f"repository name {name!r} must start with {self.namer.prefix + '/'!r} so "
                "that the sweeper can find it"
            )
        all_tags = {**(tags or {}), MARKER_TAG: self.namer.run_id}
        params: dict[str, Any] = {
            "repositoryName": repo_name,
            "imageTagMutability": tag_mutability,
            "imageScanningConfiguration": {"scanOnPush": scan_on_push},
            "tags": [{"Key": k, "Value": v} for k, v in all_tags.items()],
        }
        if exclusion_filters:
            params["imageTagMutabilityExclusionFilters"] = [
                {"filterType": "WILDCARD", "filter": f} for f in exclusion_filters
            ]
        if encryption is not None:
            params["encryptionConfiguration"] = {"encryptionType": encryption}
            if kms_key is not None:
                params["encryptionConfiguration"]["kmsKey"] = kms_key
        with prerequisite("creating a repository"):
            created = self._create(params)
        repository = Repository(
            name=created["repositoryName"],
            arn=created["repositoryArn"],
            uri=created["repositoryUri"],
            registry_id=created["registryId"],
            region=self.region,
            tag_mutability=created.get("imageTagMutability", tag_mutability),
        )
        self._entries[repository.name] = self.ledger.record(
            "repository", repository.name, lambda: self.delete(repository)
        )
        return repository

    def _create(self, params: dict[str, Any]) -> dict[str, Any]:
        """CreateRepository, safe under botocore's retries: an attempt that succeeded but
        whose answer was lost (a read timeout, a reset) makes the retry answer
        RepositoryAlreadyExistsException. A name the run just asked for that exists with
        the run's own marker tag is that repository."""
        try:
            created: dict[str, Any] = self.client.create_repository(**params)["repository"]
            return created
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code != "RepositoryAlreadyExistsException":
                raise
            (found,) = self.client.describe_repositories(
                repositoryNames=[params["repositoryName"]]
            )["repositories"]
            tags = self.client.list_tags_for_resource(resourceArn=found["repositoryArn"])
            owner = {t["Key"]: t["Value"] for t in tags.get("tags", [])}.get(MARKER_TAG)
            if owner != self.namer.run_id:
                raise
            return dict(found)

    @property
    def marker_tag(self) -> dict[str, str]:
        """The marker tag, as CreateRepository and TagResource take it."""
        return {"Key": MARKER_TAG, "Value": self.namer.run_id}

    def reserve(self, hint: str = "new") -> str:
        """A fresh name for a repository that a test creates itself (or a request might).

        The repository of that name is deleted at the end of the session if it exists.
        """
        name = self.namer.name(hint)

        def remove() -> None:
            _missing_ok(
                self.client,
                lambda: self.client.delete_repository(repositoryName=name, force=True),
            )

        self.ledger.record("repository", name, remove)
        return name

    def release(self, repository: Repository) -> None:
        """Delete ``repository`` now (with its images) instead of at the end of the run."""
        entry = self._entries.pop(repository.name, None)
        if entry is not None:
            self.ledger.release(entry)

    def delete(self, repository: Repository) -> None:
        _missing_ok(
            self.client,
            lambda: self.client.delete_repository(
                repositoryName=repository.name, registryId=repository.registry_id, force=True
            ),
        )


@dataclass
class ImageFactory:
    """Builds and pushes images (``ecr_image_factory``)."""

    client: EcrClient
    ledger: Ledger
    _entries: dict[str, _Entry] = field(default_factory=dict, repr=False)

    def push(
        self,
        repository: Repository,
        *,
        tags: Sequence[str] = ("latest",),
        layers: int = 1,
        layer_size: int = 1024,
        manifest_format: ManifestFormat = "docker",
        platforms: Sequence[str] = (),
        seed: str | int = 0,
        artifact_type: str | None = None,
        subject: Image | None = None,
    ) -> Image:
        """Build an image from ``seed`` and push it to ``repository``.

        ``platforms`` (for example ``["linux/amd64", "linux/arm64"]``) makes a
        multi-platform image: one manifest per platform under an OCI image index
        (``manifest_format="oci"``) or a Docker manifest list. ``artifact_type`` makes
        an OCI artifact instead of an image; ``subject`` makes it (or an OCI image)
        refer to another image, as ListImageReferrers lists.
        """
        seed_text = str(seed)
        subject_built = subject.built if subject is not None else None
        if artifact_type is not None:
            if platforms:
                raise ValueError("an artifact has no platforms")
            built = build_artifact(
                seed=seed_text, artifact_type=artifact_type, subject=subject_built
            )
        elif platforms:
            parsed = [Platform.parse(p) for p in platforms]
            children = [
                build_image(
                    seed=f"{seed_text}:{p}",
                    layers=layers,
                    layer_size=layer_size,
                    manifest_format=manifest_format,
                    platform=p,
                )
                for p in parsed
            ]
            built = build_index(children, manifest_format=manifest_format)
        else:
            built = build_image(
                seed=seed_text,
                layers=layers,
                layer_size=layer_size,
                manifest_format=manifest_format,
                subject=subject_built,
            )
        with prerequisite("pushing an image"):
            Pusher(self.client, repository.name, repository.registry_id).put(built, tuple(tags))
        image = image_from_built(repository, built, tuple(tags))
        self._entries[image.uri] = self.ledger.record(
            "image", image.uri, lambda: self.delete(image)
        )
        return image

    def release(self, image: Image) -> None:
        """Delete ``image`` now instead of at the end of the run."""
        entry = self._entries.pop(image.uri, None)
        if entry is not None:
            self.ledger.release(entry)

    def delete(self, image: Image) -> None:
        ids = [{"imageDigest": image.digest}]
        ids += [{"imageDigest": child.digest} for child in image.children]
        _missing_ok(
            self.client,
            lambda: self.client.batch_delete_image(
                repositoryName=image.repository.name,
                registryId=image.repository.registry_id,
                imageIds=ids,
            ),
        )


def image_from_built(repository: Repository, built: BuiltManifest, tags: tuple[str, ...]) -> Image:
    children = tuple(image_from_built(repository, child, ()) for child in built.children)
    size = max(c.size for c in children) if children else sum(blob.size for blob in built.layers)
    return Image(
        repository=repository,
        digest=built.digest,
        tags=tags,
        media_type=built.media_type,
        manifest=built.manifest.decode(),
        size=size,
        layer_digests=tuple(blob.digest for blob in built.layers),
        config_digest=built.config_digest,
        built=built,
        children=children,
        platform=str(built.platform) if built.platform else None,
        artifact_type=built.artifact_type,
    )
