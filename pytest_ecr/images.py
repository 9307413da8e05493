"""Synthetic container images, built from a seed and pushed through the ECR API.

No Docker: the blobs, the config and the manifest are built here, and pushed the
way a registry client pushes over the ECR API (Amazon ECR User Guide, "Pushing an
image", and the API Reference of each call): BatchCheckLayerAvailability,
InitiateLayerUpload, UploadLayerPart in order and in parts no larger than the
part size the target returns, CompleteLayerUpload, then PutImage.

Same seed, same bytes, same digests: the gzip and tar encodings are written so
that they depend on nothing but the seed (no timestamps, no compressor version).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import struct
import tarfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

ManifestFormat = Literal["docker", "oci"]
#: A boto3 ECR client. botocore generates its methods at run time, so for the type
#: checker it is ``Any``.
EcrClient = Any

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
#: The OCI empty descriptor (image-spec v1.1, "Guidance for an Empty Descriptor").
OCI_EMPTY = "application/vnd.oci.empty.v1+json"

#: UploadLayerPart's blob is at most 20 MiB (the model's LayerPartBlob max).
MAX_PART_SIZE = 20 * 1024 * 1024
#: The part size used when a target returns none (or 0).
DEFAULT_PART_SIZE = 10 * 1024 * 1024
#: BatchCheckLayerAvailability takes at most 100 digests (BatchedOperationLayerDigestList).
MAX_CHECK_BATCH = 100


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def deterministic_gzip(data: bytes) -> bytes:
    """gzip (RFC 1952) of ``data`` in stored deflate blocks (RFC 1951, BTYPE=00).

    Real gzip that any tool unpacks, but byte-for-byte the same on every machine,
    whatever zlib build is installed: no mtime, no compressor choices.
    """
    out = bytearray(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")  # magic, deflate, no mtime
    view = memoryview(data)
    block = 0xFFFF
    if not data:
        out += b"\x01\x00\x00\xff\xff"
    for start in range(0, len(data), block):
        chunk = view[start : start + block]
        final = 1 if start + block >= len(data) else 0
        out += struct.pack("<BHH", final, len(chunk), len(chunk) ^ 0xFFFF)
        out += chunk
    out += struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return bytes(out)


def _layer_tar(name: str, content: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size = len(content)
        info.mtime = 0
        info.mode = 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@dataclass(frozen=True)
class Blob:
    media_type: str
    data: bytes

    @property
    def digest(self) -> str:
        return sha256_digest(self.data)

    @property
    def size(self) -> int:
        return len(self.data)

    def descriptor(self, **extra: Any) -> dict[str, Any]:
        return {"mediaType": self.media_type, "size": self.size, "digest": self.digest, **extra}


@dataclass(frozen=True)
class Platform:
    os: str
    architecture: str
    variant: str | None = None

    @classmethod
    def parse(cls, text: str) -> Platform:
        """``linux/amd64`` or ``linux/arm/v7``."""
        parts = text.split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise ValueError(f"platform {text!r} is not OS/ARCH or OS/ARCH/VARIANT")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None)

    def as_dict(self) -> dict[str, str]:
        out = {"os": self.os, "architecture": self.architecture}
        if self.variant:
            out["variant"] = self.variant
        return out

    def __str__(self) -> str:
        return "/".join(p for p in (self.os, self.architecture, self.variant) if p)


@dataclass(frozen=True)
class BuiltManifest:
    """A manifest (image, artifact, or index) and the blobs it needs in the registry."""

    media_type: str
    manifest: bytes
    blobs: tuple[Blob, ...]
    children: tuple[BuiltManifest, ...] = ()
    platform: Platform | None = None
    config_digest: str | None = None
    artifact_type: str | None = None

    @property
    def digest(self) -> str:
        return sha256_digest(self.manifest)

    @property
    def layers(self) -> tuple[Blob, ...]:
        return tuple(b for b in self.blobs if b.digest != self.config_digest)

    def descriptor(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mediaType": self.media_type,
            "size": len(self.manifest),
            "digest": self.digest,
        }
        if self.platform is not None:
            out["platform"] = self.platform.as_dict()
        if self.artifact_type is not None:
            out["artifactType"] = self.artifact_type
        return out


def _layers(seed: str, count: int, size: int, media_type: str) -> list[tuple[Blob, str]]:
    """``count`` gzip tar layers of ``size`` content bytes each; with their diff ids."""
    out = []
    for index in range(count):
        content = random.Random(f"{seed}:layer:{index}").randbytes(size)
        tar = _layer_tar(f"layer-{index}.bin", content)
        out.append((Blob(media_type, deterministic_gzip(tar)), sha256_digest(tar)))
    return out


def build_image(
    *,
    seed: str = "0",
    layers: int = 1,
    layer_size: int = 1024,
    manifest_format: ManifestFormat = "docker",
    platform: Platform | None = None,
    subject: BuiltManifest | None = None,
) -> BuiltManifest:
    """One single-platform image manifest with a valid config and ``layers`` layers.

    The config's ``rootfs.diff_ids`` are the digests of the uncompressed layer tars
    (OCI image-spec, "Image Configuration", rootfs).
    """
    if layers < 1:
        raise ValueError("an image needs at least one layer")
    if layer_size < 0:
        raise ValueError("layer_size must not be negative")
    oci = manifest_format == "oci"
    built = _layers(seed, layers, layer_size, OCI_LAYER if oci else DOCKER_LAYER)
    target = platform or Platform("linux", "amd64")
    config = {
        **target.as_dict(),
        "config": {"Labels": {"org.pytest-ecr.seed": seed}},
        "rootfs": {"type": "layers", "diff_ids": [diff_id for _, diff_id in built]},
        "history": [{"created_by": f"pytest-ecr layer {i}"} for i in range(layers)],
    }
    config_blob = Blob(OCI_CONFIG if oci else DOCKER_CONFIG, _canonical_json(config))
    media_type = OCI_MANIFEST if oci else DOCKER_MANIFEST
    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "config": config_blob.descriptor(),
        "layers": [blob.descriptor() for blob, _ in built],
    }
    if subject is not None:
        if not oci:
            raise ValueError("a subject needs an OCI manifest (manifest_format='oci')")
        manifest["subject"] = _subject_descriptor(subject)
    return BuiltManifest(
        media_type=media_type,
        manifest=_canonical_json(manifest),
        blobs=(*(blob for blob, _ in built), config_blob),
        platform=platform,
        config_digest=config_blob.digest,
    )


def _subject_descriptor(subject: BuiltManifest) -> dict[str, Any]:
    return {
        "mediaType": subject.media_type,
        "size": len(subject.manifest),
        "digest": subject.digest,
    }


def build_index(
    children: Sequence[BuiltManifest], *, manifest_format: ManifestFormat = "docker"
) -> BuiltManifest:
    """An OCI image index or a Docker manifest list over per-platform manifests."""
    media_type = OCI_INDEX if manifest_format == "oci" else DOCKER_MANIFEST_LIST
    manifest = {
        "schemaVersion": 2,
        "mediaType": media_type,
        "manifests": [child.descriptor() for child in children],
    }
    return BuiltManifest(media_type, _canonical_json(manifest), (), tuple(children))


def build_artifact(
    *,
    seed: str = "0",
    artifact_type: str,
    subject: BuiltManifest | None = None,
    payload_size: int = 256,
) -> BuiltManifest:
    """An OCI artifact (image-spec v1.1): ``artifactType``, the empty config, one blob."""
    if payload_size < 1:
        raise ValueError("an artifact's payload needs at least one byte")
    payload = Blob(artifact_type, random.Random(f"{seed}:artifact").randbytes(payload_size))
    empty = Blob(OCI_EMPTY, b"{}")
    manifest: dict[str, Any] = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": artifact_type,
        "config": empty.descriptor(),
        "layers": [payload.descriptor()],
    }
    if subject is not None:
        manifest["subject"] = _subject_descriptor(subject)
    return BuiltManifest(
        media_type=OCI_MANIFEST,
        manifest=_canonical_json(manifest),
        blobs=(payload, empty),
        config_digest=empty.digest,
        artifact_type=artifact_type,
    )


# -- pushing -------------------------------------------------------------------


class PushError(RuntimeError):
    """The target broke the push sequence; the message names the call and the blob."""


@dataclass
class PushStats:
    blobs_uploaded: int = 0
    blobs_skipped: int = 0
    parts: int = 0
    bytes_uploaded: int = 0


@dataclass
class Pusher:
    """Pushes built manifests into one repository, skipping blobs it already has."""

    client: EcrClient
    repository: str
    registry_id: str | None = None
    stats: PushStats = field(default_factory=PushStats)

    def _ids(self) -> dict[str, str]:
        out = {"repositoryName": self.repository}
        if self.registry_id:
            out["registryId"] = self.registry_id
        return out

    def missing(self, digests: Iterable[str]) -> list[str]:
        wanted = list(dict.fromkeys(digests))
        missing: list[str] = []
        for start in range(0, len(wanted), MAX_CHECK_BATCH):
            batch = wanted[start : start + MAX_CHECK_BATCH]
            answer = self.client.batch_check_layer_availability(**self._ids(), layerDigests=batch)
            available = {
                layer["layerDigest"]
                for layer in answer.get("layers", [])
                if layer.get("layerAvailability") == "AVAILABLE"
            }
            missing += [d for d in batch if d not in available]
        return missing

    def upload(self, blob: Blob) -> None:
        started = self.client.initiate_layer_upload(**self._ids())
        upload_id = started["uploadId"]
        part_size = int(started.get("partSize") or 0) or DEFAULT_PART_SIZE
        part_size = min(part_size, MAX_PART_SIZE)
        data = blob.data
        for first in range(0, len(data), part_size):
            part = data[first : first + part_size]
            self.client.upload_layer_part(
                **self._ids(),
                uploadId=upload_id,
                partFirstByte=first,
                partLastByte=first + len(part) - 1,
                layerPartBlob=part,
            )
            self.stats.parts += 1
        done = self.client.complete_layer_upload(
            **self._ids(), uploadId=upload_id, layerDigests=[blob.digest]
        )
        if done.get("layerDigest") != blob.digest:
            raise PushError(
                f"CompleteLayerUpload in {self.repository}: the target computed "
                f"{done.get('layerDigest')!r} for a blob whose digest is {blob.digest}"
            )
        self.stats.blobs_uploaded += 1
        self.stats.bytes_uploaded += len(data)

    def push_blobs(self, blobs: Iterable[Blob]) -> None:
        by_digest = {blob.digest: blob for blob in blobs}
        missing = set(self.missing(by_digest))
        for digest, blob in by_digest.items():
            if digest in missing:
                self.upload(blob)
            else:
                self.stats.blobs_skipped += 1

    def put(self, built: BuiltManifest, tags: Sequence[str] = ()) -> None:
        """Push a manifest (children and blobs first), once per tag or untagged."""
        for child in built.children:
            self.put(child)
        if built.blobs:
            self.push_blobs(built.blobs)
        manifest = built.manifest.decode()
        tag_list: list[str | None] = [*tags] or [None]
        for tag in tag_list:
            params: dict[str, Any] = {
                **self._ids(),
                "imageManifest": manifest,
                "imageManifestMediaType": built.media_type,
                "imageDigest": built.digest,
            }
            if tag is not None:
                params["imageTag"] = tag
            answer = self.client.put_image(**params)
            got = answer.get("image", {}).get("imageId", {}).get("imageDigest")
            if got != built.digest:
                raise PushError(
                    f"PutImage in {self.repository}: the target answered digest {got!r} "
                    f"for a manifest whose digest is {built.digest}"
                )
