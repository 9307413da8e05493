from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from typing import Any

import pytest

from pytest_ecr.images import (
    DOCKER_CONFIG,
    DOCKER_LAYER,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_EMPTY,
    OCI_INDEX,
    OCI_LAYER,
    OCI_MANIFEST,
    Platform,
    Pusher,
    build_artifact,
    build_image,
    build_index,
    deterministic_gzip,
)
from pytest_ecr.settings import EcrSettings
from pytest_ecr.targets import MotoTarget


@pytest.mark.parametrize("size", [0, 1, 65534, 65535, 65536, 200_003])
def test_deterministic_gzip_is_real_gzip(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    packed = deterministic_gzip(data)
    assert gzip.decompress(packed) == data
    assert packed == deterministic_gzip(data)


def test_same_seed_same_digests_and_other_seed_other_digests() -> None:
    first = build_image(seed="a", layers=2, layer_size=3000)
    assert build_image(seed="a", layers=2, layer_size=3000) == first
    other = build_image(seed="b", layers=2, layer_size=3000)
    assert other.digest != first.digest
    assert not {b.digest for b in other.layers} & {b.digest for b in first.layers}


def test_config_diff_ids_match_the_uncompressed_layers() -> None:
    built = build_image(seed="x", layers=3, layer_size=5000)
    manifest = json.loads(built.manifest)
    config_blob = next(b for b in built.blobs if b.digest == built.config_digest)
    config = json.loads(config_blob.data)
    assert manifest["config"] == {
        "mediaType": DOCKER_CONFIG,
        "size": config_blob.size,
        "digest": config_blob.digest,
    }
    diff_ids = []
    for descriptor, blob in zip(manifest["layers"], built.layers, strict=True):
        assert descriptor == {
            "mediaType": DOCKER_LAYER,
            "size": blob.size,
            "digest": "sha256:" + hashlib.sha256(blob.data).hexdigest(),
        }
        tar_bytes = gzip.decompress(blob.data)
        diff_ids.append("sha256:" + hashlib.sha256(tar_bytes).hexdigest())
        with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
            (member,) = tar.getmembers()
            extracted = tar.extractfile(member)
            assert extracted is not None
            assert len(extracted.read()) == 5000
    assert config["rootfs"] == {"type": "layers", "diff_ids": diff_ids}
    assert manifest["mediaType"] == built.media_type == DOCKER_MANIFEST


def test_oci_image_uses_oci_media_types() -> None:
    manifest = json.loads(build_image(manifest_format="oci").manifest)
    assert manifest["mediaType"] == OCI_MANIFEST
    assert {layer["mediaType"] for layer in manifest["layers"]} == {OCI_LAYER}


@pytest.mark.parametrize(
    ("fmt", "media_type"), [("docker", DOCKER_MANIFEST_LIST), ("oci", OCI_INDEX)]
)
def test_index_lists_one_manifest_per_platform(fmt: Any, media_type: str) -> None:
    platforms = [Platform.parse("linux/amd64"), Platform.parse("linux/arm/v7")]
    children = [build_image(seed=str(p), platform=p, manifest_format=fmt) for p in platforms]
    index = build_index(children, manifest_format=fmt)
    body = json.loads(index.manifest)
    assert body["mediaType"] == index.media_type == media_type
    assert [m["platform"] for m in body["manifests"]] == [
        {"os": "linux", "architecture": "amd64"},
        {"os": "linux", "architecture": "arm", "variant": "v7"},
    ]
    assert [m["digest"] for m in body["manifests"]] == [c.digest for c in children]
    child_config = json.loads(
        next(b for b in children[1].blobs if b.digest == children[1].config_digest).data
    )
    assert (child_config["os"], child_config["architecture"]) == ("linux", "arm")


def test_artifact_refers_to_its_subject() -> None:
    subject = build_image(manifest_format="oci")
    artifact = build_artifact(artifact_type="application/vnd.example.sbom+json", subject=subject)
    body = json.loads(artifact.manifest)
    assert body["artifactType"] == "application/vnd.example.sbom+json"
    assert body["config"] == {
        "mediaType": OCI_EMPTY,
        "size": 2,
        "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
    }
    assert body["subject"] == {
        "mediaType": OCI_MANIFEST,
        "size": len(subject.manifest),
        "digest": subject.digest,
    }


@pytest.mark.parametrize("text", ["linux", "linux/", "/amd64", "a/b/c/d"])
def test_bad_platform_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="platform"):
        Platform.parse(text)


class SmallParts:
    """A client whose InitiateLayerUpload hands out a small part size, recording the parts."""

    def __init__(self, client: Any, part_size: int) -> None:
        self._client = client
        self._part_size = part_size
        self.parts: list[tuple[int, int, int]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def initiate_layer_upload(self, **kwargs: Any) -> Any:
        return {**self._client.initiate_layer_upload(**kwargs), "partSize": self._part_size}

    def upload_layer_part(self, **kwargs: Any) -> Any:
        self.parts.append(
            (kwargs["partFirstByte"], kwargs["partLastByte"], len(kwargs["layerPartBlob"]))
        )
        return self._client.upload_layer_part(**kwargs)


def test_pusher_uploads_in_parts_of_the_returned_size_and_skips_known_blobs() -> None:
    target = MotoTarget(EcrSettings())
    target.start()
    try:
        client = target.client()
        client.create_repository(repositoryName="parts")
        proxy = SmallParts(client, part_size=4096)
        built = build_image(seed="p", layers=1, layer_size=10_000)
        pusher = Pusher(proxy, "parts")
        pusher.put(built, ["v1"])
        layer = built.layers[0]
        expected = [
            (start, min(start + 4096, layer.size) - 1, min(4096, layer.size - start))
            for start in range(0, layer.size, 4096)
        ]
        assert proxy.parts[: len(expected)] == expected
        assert pusher.stats.blobs_uploaded == 2  # the layer and the config
        again = Pusher(proxy, "parts")
        again.put(built, ["v2"])
        assert (again.stats.blobs_uploaded, again.stats.blobs_skipped) == (0, 2)
    finally:
        target.stop()
