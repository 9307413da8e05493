"""Shared helpers of the contract suite (the plugin itself is loaded by its entry point)."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Callable, Iterator

import pytest

from pytest_ecr import ContractClient

_counter = itertools.count()


@pytest.fixture
def repository_name(
    request: pytest.FixtureRequest, ecr_contract: ContractClient
) -> Iterator[Callable[[], str]]:
    """Names for repositories a test creates itself; each is deleted at teardown.

    Names match the model's RepositoryName pattern and are unique per process.
    """
    created: list[str] = []
    stem = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:40].strip("-")

    def make() -> str:
        name = f"pytest-ecr-{os.getpid()}-{next(_counter)}-{stem}"
        created.append(name)
        return name

    yield make
    missing = ecr_contract.client.exceptions.RepositoryNotFoundException
    for name in reversed(created):
        with contextlib.suppress(missing):
            ecr_contract.client.delete_repository(repositoryName=name, force=True)
