"""Pagination and registry-computed digests, from the model's paginators and shapes."""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# -- pagination -----------------------------------------------------------------

_DEFAULT_PAGE = re.compile(r"returns\s+up\s+to\s+(\d+)\s+results", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def default_page_size(documentation: str | None) -> int | None:
    """The page size an operation uses without ``maxResults``, from its model doc.

    ECR documents it on the limit member: "If this parameter is not used, then
    ``ListImages`` returns up to 100 results and a ``nextToken`` value, if applicable"
    (botocore ``ecr/2015-09-21/service-2.json``, ``ListImagesRequest.maxResults``).
    ``None`` where the documentation states none: such an operation is not paged by
    default.
    """
    if not documentation:
        return None
    text = _TAGS.sub(" ", html.unescape(documentation))
    match = _DEFAULT_PAGE.search(text)
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class PageRule:
    """How one operation is paged, from its ``paginators-1`` entry and its documentation.

    Pages hold ``limit_key`` items (at most; the default from the limit member's
    documentation when the request has none) of every result key; a ``nextToken`` is
    answered while items are left, and the last page has none (the model: "This value
    is null when there are no more results to return", ``ListImagesRequest.nextToken``).
    A request that names one of ``exclusive_with`` (``imageIds`` for DescribeImages:
    "This option cannot be used when you specify images with imageIds") is not paged.
    """

    operation: str
    input_token: str
    output_token: str
    limit_key: str
    result_keys: tuple[tuple[str, ...], ...]
    default_limit: int | None
    exclusive_with: tuple[str, ...] = ()


@dataclass(frozen=True)
class _TokenState:
    operation: str
    fingerprint: str
    offset: int


class _Tokens:
    """Issued page tokens, server-side: an opaque random id stands for the next offset.

    The model says the token "should be treated as an opaque identifier"
    (``DescribeRepositoriesRequest.nextToken``); a random id stored here is one, and a
    token this store never issued (or issued for another request) is refused. The
    oldest tokens are forgotten past ``capacity``.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._states: OrderedDict[str, _TokenState] = OrderedDict()

    def issue(self, state: _TokenState) -> str:
        token = base64.urlsafe_b64encode(secrets.token_bytes(24)).decode("ascii")
        with self._lock:
            self._states[token] = state
            while len(self._states) > self._capacity:
                self._states.popitem(last=False)
        return token

    def get(self, token: str) -> _TokenState | None:
        with self._lock:
            return self._states.get(token)

    def __len__(self) -> int:
        with self._lock:
            return len(self._states)


# -- digests --------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRule:
    """An operation whose input carries a manifest and the manifest's digest.

    When the client leaves the digest out, the registry computes it: ``sha256:`` and
    the lowercase hex SHA-256 of the manifest's bytes as sent, which for PutImage's
    ``imageManifest`` string is its UTF-8 encoding (OCI Image Spec, "Descriptor",
    "Digests": the digest is computed over the exact bytes; Docker Registry HTTP API V2,
    "Content Digests"). Derived from the model: every operation whose input structure
    has a member of shape :data:`MANIFEST_SHAPE` and one of :data:`DIGEST_SHAPE`.
    """

    operation: str
    manifest_member: str
    digest_member: str


MANIFEST_SHAPE = "ImageManifest"
DIGEST_SHAPE = "ImageDigest"


def manifest_digest(manifest: str) -> str:
    """``sha256:`` + hex SHA-256 of the manifest text's UTF-8 bytes."""
    return "sha256:" + hashlib.sha256(manifest.encode("utf-8")).hexdigest()
