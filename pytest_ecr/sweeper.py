"""The sweeper and the heartbeat it respects: repositories a killed run left behind
are found by name prefix and marker tag and deleted; a run still in progress keeps a
heartbeat repository fresh, and the sweeper spares its repositories."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .images import (
    EcrClient,
)
from .resources import DEFAULT_PREFIX, MARKER_TAG, Ledger, Namer, _missing_ok

#: The tag a run keeps fresh on its heartbeat repository: epoch seconds of its last beat.
HEARTBEAT_TAG = "pytest-ecr:heartbeat"
#: Seconds between beats; a run whose last beat is within three of them is alive.
HEARTBEAT_INTERVAL = 60.0


class Heartbeat:
    """Tells a sweeper elsewhere that a run is still in progress.

    Against a registry that outlives the run (an endpoint, AWS), the run keeps one
    repository of its own, ``<prefix>/<run id>/<worker>/heartbeat``, whose
    :data:`HEARTBEAT_TAG` it refreshes every :data:`HEARTBEAT_INTERVAL` seconds from a
    background thread, through a client of its own (so no cassette or comparison sees
    it). :func:`sweep` spares every repository of a run with a fresh heartbeat.
    """

    def __init__(self, client: EcrClient, namer: Namer, ledger: Ledger) -> None:
        self.client = client
        self._stop = threading.Event()
        name = f"{namer.root}/heartbeat"
        tags = [{"Key": MARKER_TAG, "Value": namer.run_id}, self._beat()]
        created = client.create_repository(repositoryName=name, tags=tags)["repository"]
        self.arn = str(created["repositoryArn"])
        self.entry = ledger.record("repository", name, lambda: self._close(name))
        self._thread = threading.Thread(target=self._run, name="pytest-ecr-heartbeat", daemon=True)
        self._thread.start()

    @staticmethod
    def _beat() -> dict[str, str]:
        return {"Key": HEARTBEAT_TAG, "Value": str(int(time.time()))}

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_INTERVAL):
            with contextlib.suppress(Exception):  # a missed beat only makes the run look older
                self.client.tag_resource(resourceArn=self.arn, tags=[self._beat()])

    def _close(self, name: str) -> None:
        self._stop.set()
        _missing_ok(self.client, lambda: self.client.delete_repository(repositoryName=name))


@dataclass(frozen=True)
class Leftover:
    name: str
    run_id: str
    created_at: datetime
    deleted: bool
    #: Why it is still there: a failed delete, or a run that is alive.
    problem: str = ""


def sweep(
    client: EcrClient,
    *,
    prefix: str = DEFAULT_PREFIX,
    older_than: float = 0.0,
    dry_run: bool = False,
    run_id: str | None = None,
    ignore_heartbeats: bool = False,
    now: datetime | None = None,
) -> list[Leftover]:
    """Find (and unless ``dry_run``, delete) repositories left by killed runs.

    A repository is a leftover only if its name starts with ``<prefix>/``, it carries
    the marker tag (of ``run_id``, when given), it is older than ``older_than`` seconds,
    and its run has no fresh heartbeat (:class:`Heartbeat`: a beat within
    ``max(older_than, 3 beats)`` seconds means the run is alive). Nothing else is ever
    touched (``ignore_heartbeats``: a run known to be dead is swept although its last
    beat is fresh). A delete that fails does not stop the sweep: the leftover is listed
    with its ``problem``.
    """
    if not (older_than >= 0 and older_than != float("inf")):
        raise ValueError(f"older_than must be a number of seconds, 0 or more, not {older_than!r}")
    now = now or datetime.now(timezone.utc)
    candidates: list[tuple[dict[str, Any], str]] = []
    beats: dict[str, float] = {}
    paginator = client.get_paginator("describe_repositories")
    for page in paginator.paginate():
        for repo in page.get("repositories", []):
            if not repo["repositoryName"].startswith(prefix + "/"):
                continue
            tags = client.list_tags_for_resource(resourceArn=repo["repositoryArn"]).get("tags", [])
            values = {t.get("Key"): t.get("Value") for t in tags}
            owner = values.get(MARKER_TAG)
            if owner is None or (run_id is not None and owner != run_id):
                continue
            beat = values.get(HEARTBEAT_TAG)
            if beat is not None and str(beat).isdigit():
                beats[owner] = max(beats.get(owner, 0.0), float(beat))
            candidates.append((repo, owner))
    alive_within = max(older_than, 3 * HEARTBEAT_INTERVAL)
    found: list[Leftover] = []
    for repo, owner in candidates:
        name = repo["repositoryName"]
        created = repo.get("createdAt") or now
        if (now - created).total_seconds() < older_than:
            continue
        fresh = owner in beats and now.timestamp() - beats[owner] < alive_within
        if fresh and not ignore_heartbeats:
            continue  # the run is still in progress
        problem = ""
        if not dry_run:
            try:
                client.delete_repository(
                    repositoryName=name, registryId=repo["registryId"], force=True
                )
            except client.exceptions.RepositoryNotFoundException:
                pass
            except Exception as exc:  # keep going: list it, with why
                problem = f"not deleted: {exc}"
        found.append(Leftover(name, owner, created, not dry_run and not problem, problem))
    return found
