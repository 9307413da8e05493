"""The scenario a contract module's valid requests are built on: a repository, an image
tagged ``v1`` and layer uploads, created the first time a request needs them."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from ..images import EcrClient
from ..prerequisites import prerequisite
from ..resources import Image, ImageFactory, Repository, RepositoryFactory


class Scenario:
    """The resources valid requests refer to, created the first time they are used.

    One per contract module (the ``ecr_scenario`` fixture); removed with the module.
    """

    def __init__(
        self,
        client: EcrClient,
        repositories: RepositoryFactory,
        images: ImageFactory,
        hint: str,
    ) -> None:
        self.client = client
        self.repositories = repositories
        self.images = images
        self._hint = hint
        self._repository: Repository | None = None
        self._image: Image | None = None
        self._once: dict[str, Any] = {}

    @property
    def repository(self) -> Repository:
        if self._repository is None:
            # Scoped to the module, not to the test that happens to need it first, so that
            # its name is the same whichever tests run (cassettes rely on that).
            self._repository = self.repositories.create(self._hint, scope=f"module:{self._hint}")
        return self._repository

    @property
    def registry_id(self) -> str:
        return self.repository.registry_id

    @property
    def image(self) -> Image:
        """An image tagged ``v1`` in :attr:`repository`."""
        if self._image is None:
            self._image = self.images.push(self.repository, tags=["v1"], seed=self._hint)
        return self._image

    @property
    def layer_digest(self) -> str:
        return self.image.layer_digests[0]

    def new_repository_name(self, hint: str = "new") -> str:
        """A name for a repository a request may create; deleted at the end if it was."""
        return self.repositories.reserve(hint)

    def unique(self, hint: str) -> str:
        """A unique name under the run's root (``<prefix>/<run id>/<worker>/...``)."""
        return self.repositories.namer.name(hint)

    def short_unique(self, hint: str) -> str:
        """A unique lower-case token of at most 30 characters, for short prefixes."""
        full = self.repositories.namer.name(hint)
        return f"{hint[:9]}-{hashlib.sha256(full.encode()).hexdigest()[:10]}"

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()`` the first time ``key`` is asked for; the same value after that."""
        if key not in self._once:
            with prerequisite(f"setting up {key}"):
                self._once[key] = make()
        return self._once[key]

    def on_cleanup(self, kind: str, ident: str, remove: Callable[[], None]) -> None:
        """Remove something a test created, with the run's other resources (gone already,
        or never created by a target that lacks the operation, is fine)."""

        def quietly() -> None:
            try:
                remove()
            except NotImplementedError:
                pass
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", ""))
                if not code.endswith("NotFoundException"):
                    raise

        self.repositories.ledger.record(kind, ident, quietly)

    def new_upload_id(self) -> str:
        """Start a new layer upload in :attr:`repository` and return its id (a fresh one
        each call, so that no case sees what an earlier case did to an upload)."""
        with prerequisite("starting a layer upload"):
            started = self.client.initiate_layer_upload(repositoryName=self.repository.name)
        return str(started["uploadId"])

    def close(self) -> None:
        if self._repository is not None:
            self.repositories.release(self._repository)


class FakeScenario:
    """Fixed, well-formed values in place of a real scenario (for static checks, and for
    requests that must not depend on anything the target has, such as a request naming a
    repository that does not exist)."""

    client = None
    registry_id = "123456789012"
    repository = Repository(
        name="pytest-ecr/r0/main/fake-0",
        arn="arn:aws:ecr:us-east-1:123456789012:repository/pytest-ecr/r0/main/fake-0",
        uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/pytest-ecr/r0/main/fake-0",
        registry_id="123456789012",
        region="us-east-1",
    )

    def new_upload_id(self) -> str:
        return "0f0e0d0c-0b0a-0908-0706-050403020100"

    def new_repository_name(self, hint: str = "new") -> str:
        return f"pytest-ecr/r0/main/{hint}-1"

    def unique(self, hint: str) -> str:
        return f"pytest-ecr/r0/main/{hint}-1"

    def short_unique(self, hint: str) -> str:
        return f"{hint}-r0-1"

    @functools.cached_property
    def image(self) -> Image:
        from ..images import build_image
        from ..resources import image_from_built

        return image_from_built(self.repository, build_image(seed="fake"), ("v1",))

    @property
    def layer_digest(self) -> str:
        return self.image.layer_digests[0]


class ExistingRepository(FakeScenario):
    """A real scenario's repository, and well-formed values for everything else: for a
    request that needs the repository to exist, and nothing in it (a missing image)."""

    def __init__(self, scenario: Scenario) -> None:
        self._scenario = scenario

    @property
    def repository(self) -> Repository:  # type: ignore[override]
        return self._scenario.repository

    @property
    def registry_id(self) -> str:  # type: ignore[override]
        return self._scenario.registry_id
