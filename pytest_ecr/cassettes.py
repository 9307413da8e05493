"""Recorded cassettes: record once against a live target, replay offline.

Files are vcrpy's cassette format (YAML with ``interactions`` and ``version: 1``, written
as JSON text, which is YAML), one per test at ``<cassette dir>/<module>/<test>.yaml``,
so that vcrpy can open them; the
recording and the playback run through botocore's own events (``before-send`` and
``before-parse``) instead of patching the HTTP stack, which is both faster and exact
about which request was which.

Matching. Every ECR request is ``POST /``; a request is identified by its
``X-Amz-Target`` operation and its canonical JSON body (parsed, keys sorted, strings
over 1 KiB replaced by their digest). Host, port, scheme and volatile headers (date,
signature, user agent, invocation id) never take part, so a cassette recorded against
one endpoint replays against any.

Playback order. A test replays from its own cassette, in order, each interaction once.
A request that its cassette never had (setup a module-scoped fixture did in another
test, or the end of the session) is looked up in the other cassettes of its module and
then of the run. A request its cassette had, asked for more often than recorded, fails.

Secrets. Before anything is written: request headers other than the operation and the
content type are dropped (Authorization, X-Amz-Security-Token, cookies, dates); the
``authorizationToken`` of GetAuthorizationToken and the signature parts of pre-signed
URLs are replaced by fixed placeholders; access key ids are replaced anywhere; with
``--ecr-scrub-account-id`` the account id is replaced by ``000000000000``.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import botocore
import yaml

from .scrub import Scrubber
from .wire import JSON_CONTENT_TYPE, TARGET_PREFIX, Exchange, Subscriber, canonical_body

RecordMode = Literal["none", "once", "new_episodes", "all"]
RECORD_MODES: tuple[str, ...] = ("none", "once", "new_episodes", "all")

_KEEP_REQUEST_HEADERS = ("X-Amz-Target", "Content-Type")
_KEEP_RESPONSE_HEADERS = ("Content-Type", "x-amzn-RequestId", "X-Amzn-ErrorType")


#: libyaml's safe loader where PyYAML was built with it (as vcrpy does), for YAML
#: cassettes (vcrpy's own): parsing them in pure Python was four fifths of the replay
#: time (bench/run.py).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CassetteError(RuntimeError):
    """A cassette that cannot be used; the message names the file."""


class ReplayMismatch(AssertionError):
    """A request the cassettes do not have; names the test, operation and first difference."""


class NetworkBlocked(RuntimeError):
    """A connection attempted while replaying."""


def first_difference(recorded: Any, live: Any, path: str = "$") -> str | None:
    """The path of the first place two parsed bodies differ, with both values."""
    if isinstance(recorded, dict) and isinstance(live, dict):
        for key in sorted(set(recorded) | set(live)):
            if key not in recorded:
                return f"{path}.{key}: not recorded, sent {live[key]!r}"
            if key not in live:
                return f"{path}.{key}: recorded {recorded[key]!r}, not sent"
            found = first_difference(recorded[key], live[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(live, list):
        for index, (a, b) in enumerate(zip(recorded, live, strict=False)):
            found = first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        if len(recorded) != len(live):
            return f"{path}: {len(recorded)} items recorded, {len(live)} sent"
        return None
    if recorded != live:
        return f"{path}: recorded {recorded!r}, sent {live!r}"
    return None


def to_vcr(exchange: Exchange, endpoint: str) -> dict[str, Any]:
    """One recorded call in vcrpy's cassette format."""
    status = exchange.status or 0
    return {
        "request": {
            "method": "POST",
            "uri": endpoint.rstrip("/") + "/",
            "body": exchange.canonical,
            "headers": {
                "X-Amz-Target": [f"{TARGET_PREFIX}.{exchange.operation}"],
                "Content-Type": [JSON_CONTENT_TYPE],
            },
        },
        "response": {
            "status": {"code": status, "message": "OK" if status < 300 else "Error"},
            "headers": {k: [v] for k, v in sorted(exchange.headers.items())},
            "body": {"string": exchange.text},
        },
    }


def from_vcr(data: Any, where: str) -> Exchange:
    """A recorded call from vcrpy's cassette format."""
    try:
        request, response = data["request"], data["response"]
        target = request["headers"]["X-Amz-Target"]
        target = target[0] if isinstance(target, list) else target
        headers = {
            k: (v[0] if isinstance(v, list) else v)
            for k, v in (response.get("headers") or {}).items()
        }
        body = response["body"]["string"]
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        return Exchange(
            str(target).split(".", 1)[1],
            canonical=canonical_body(request.get("body")),
            status=int(response["status"]["code"]),
            headers={str(k): str(v) for k, v in headers.items()},
            body=str(body),
        )
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise CassetteError(
            f"{where}: an interaction is not a recorded ECR call ({exc!r})"
        ) from None


def cassette_path(root: Path, nodeid: str) -> Path:
    """``<root>/<directories>/<module>/<test name>.yaml`` for a test (its path as the suite
    names it, so that two modules of one name in two directories never share a file);
    ``<root>/_session.yaml`` for what no test did.

    A cassette recorded by an earlier release at ``<root>/<module>/<test name>.yaml`` is
    found there as long as the new path holds none. The path follows the test: moving or
    renaming a test file, or a test, needs its cassette re-recorded (or moved with it).
    """
    if nodeid == "session":
        return root / "_session.yaml"
    path, _, name = nodeid.partition("::")
    safe = re.sub(r"[^A-Za-z0-9._\[\]=-]+", "_", name.replace("::", "."))
    if len(safe) > 150:
        safe = safe[:120] + "-" + hashlib.sha256(safe.encode()).hexdigest()[:16]
    parts = [p for p in Path(path).with_suffix("").parts if p not in ("", ".", "..", "/")]
    current = root.joinpath(*parts) / f"{safe}.yaml"
    if not current.exists():
        legacy = root / Path(path).stem / f"{safe}.yaml"
        if legacy.exists():
            return legacy
    return current


def read_cassette(path: Path) -> tuple[dict[str, Any], list[Exchange]]:
    """A cassette: the JSON text pytest-ecr writes, or any YAML one (vcrpy's own)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CassetteError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw)
    except ValueError:
        try:
            data = yaml.load(raw, Loader=_LOADER)
        except yaml.YAMLError as exc:
            raise CassetteError(f"{path}: not a YAML cassette ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f'{path}: not a cassette (no "interactions" list)')
    if data.get("version") != 1:
        raise CassetteError(f"{path}: cassette version {data.get('version')!r}, expected 1")
    meta = data.get("pytest_ecr") or {}
    return meta, [from_vcr(i, str(path)) for i in data["interactions"]]


class Pool:
    """Every call of every cassette under ``root``, by a key of its calls, for a request a
    test's own cassette lacks: a module-scoped fixture's calls are recorded in the
    cassette of the test that ran first, so in another order another test makes them.

    ``keys`` turns one cassette's calls into their keys; ``read`` reads a cassette.
    """

    def __init__(
        self,
        root: Path,
        keys: Callable[[list[Exchange]], Sequence[Hashable]],
        read: Callable[[Path], tuple[dict[str, Any], list[Exchange]]] = read_cassette,
    ) -> None:
        self.root = root
        self._keys = keys
        self._read = read
        self._calls: dict[Hashable, list[tuple[str, Exchange]]] | None = None

    def find(self, scope: str, key: Hashable) -> Exchange | None:
        """The call of ``key``, from ``scope``'s own module first."""
        if self._calls is None:
            calls: dict[Hashable, list[tuple[str, Exchange]]] = {}
            for path in sorted(self.root.rglob("*.yaml")):
                interactions = self._read(path)[1]
                for k, interaction in zip(self._keys(interactions), interactions, strict=True):
                    calls.setdefault(k, []).append((str(path), interaction))
            self._calls = calls
        module = str(cassette_path(self.root, scope).parent)
        candidates = self._calls.get(key, [])
        return min(candidates, key=lambda c: not c[0].startswith(module))[1] if candidates else None


def write_cassette(path: Path, interactions: list[Exchange], meta: dict[str, Any]) -> None:
    document = {
        "interactions": [
            to_vcr(i, meta.get("endpoint") or "https://ecr.invalid") for i in interactions
        ],
        "version": 1,
        "pytest_ecr": meta,
    }
    # JSON text, which is YAML (YAML 1.2 is a superset of JSON; PyYAML, and so vcrpy's
    # YAML serializer, read it): vcrpy opens the file as ever, and reading it back takes
    # json.loads instead of building YAML nodes in Python, a third of replay's time on a
    # first run (bench/run.py). Non-ASCII stays UTF-8: PyYAML reads escaped surrogate
    # pairs as two characters.
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    tmp = path.with_suffix(".yaml.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)  # whole or not at all: a cassette is never half written
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CassetteError(_cannot_write(path, exc)) from None


def _cannot_write(path: Path, exc: OSError) -> str:
    return (
        f"--ecr-cassette-dir: cannot write {path} ({exc.strerror or exc}); choose a "
        "directory this user can write with --ecr-cassette-dir"
    )


@dataclass(eq=False)
class Engine(Subscriber):
    """Records or replays every ECR call of the run's clients, test by test (the
    ``cassettes`` subscriber of :mod:`pytest_ecr.wire`)."""

    stage = "cassettes"

    root: Path
    mode: RecordMode
    scrubber: Scrubber
    meta: dict[str, Any]
    replay_only: bool
    _recorded: dict[str, list[Exchange]] = field(default_factory=dict)
    _queues: dict[str, dict[tuple[str, str], deque[Exchange]]] = field(default_factory=dict)
    _pool: Pool | None = None
    #: Each cassette file parsed once per run (a test's queue, the pool, a repeat).
    _parsed: dict[Path, tuple[dict[str, Any], list[Exchange]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The cassettes this run wrote.
    written: list[Path] = field(default_factory=list)

    # -- per test -------------------------------------------------------------------

    def replays(self, scope: str) -> bool:
        """Whether ``scope``'s calls come from its cassette (else they are recorded)."""
        if self.replay_only or self.mode == "none":
            return True
        if self.mode == "all":
            return False
        return cassette_path(self.root, scope).exists()

    def _queue(self, scope: str) -> dict[tuple[str, str], deque[Exchange]]:
        if scope not in self._queues:
            path = cassette_path(self.root, scope)
            queues: dict[tuple[str, str], deque[Exchange]] = {}
            if path.exists():
                meta, interactions = self._read(path)
                self._check_meta(path, meta)
                for interaction in interactions:
                    queues.setdefault(interaction.key, deque()).append(interaction)
            self._queues[scope] = queues
        return self._queues[scope]

    def _check_meta(self, path: Path, meta: dict[str, Any]) -> None:
        recorded = meta.get("botocore")
        if recorded and recorded != botocore.__version__:
            self.warnings.append(
                f"{path}: recorded with botocore {recorded}, replayed with "
                f"{botocore.__version__}; re-record it if the model changed"
            )

    def _read(self, path: Path) -> tuple[dict[str, Any], list[Exchange]]:
        """A cassette as parsed the first time this run read it (replay only: while
        recording, files change under us)."""
        if not self.replay_only:
            return read_cassette(path)
        if path not in self._parsed:
            self._parsed[path] = read_cassette(path)
        return self._parsed[path]

    def adopt(self, scope: str, exchanges: list[Exchange]) -> None:
        """Calls of ``scope`` recorded elsewhere (another process, through the recording
        proxy), already scrubbed: written with the test's own."""
        if exchanges:
            self._recorded.setdefault(scope, []).extend(exchanges)

    def finish(self, scope: str, *, complete: bool = True) -> None:
        """Write what ``scope`` recorded. A recording that is not ``complete`` (its test
        failed, or the run was interrupted) never replaces a cassette that exists: it
        would hold only the calls made up to the failure."""
        recorded = self._recorded.pop(scope, None)
        self._queues.pop(scope, None)
        if recorded:
            path = cassette_path(self.root, scope)
            if not complete and path.exists():
                self.warnings.append(
                    f"{path}: kept as it was: {scope} did not finish cleanly, so its new "
                    "recording is incomplete"
                )
                return
            if self.mode == "new_episodes" and path.exists():
                _, old = read_cassette(path)
                recorded = old + [r for r in recorded if r.key not in {o.key for o in old}]
            write_cassette(path, recorded, self.meta)
            self.written.append(path)

    # -- what the tap hands over ---------------------------------------------------------

    def answer(self, exchange: Exchange) -> Exchange | None:
        scope = exchange.scope
        if self.replays(scope) or self.mode == "new_episodes":
            found = self._lookup(scope, exchange.operation, exchange.canonical)
            if found is not None:
                return found
            if self.replays(scope) and self.mode != "new_episodes":
                raise self._mismatch(scope, exchange.operation, exchange.canonical)
        return None

    def _lookup(self, scope: str, operation: str, body: str) -> Exchange | None:
        key = (operation, body)
        queues = self._queue(scope)
        if key in queues:
            if queues[key]:
                return queues[key].popleft()
            raise ReplayMismatch(
                f"{scope}: {operation} is called more often than its cassette "
                f"{cassette_path(self.root, scope)} recorded"
            )
        if self._pool is None:
            self._pool = Pool(self.root, lambda calls: [i.key for i in calls], self._read)
        return self._pool.find(scope, key)

    def _mismatch(self, scope: str, operation: str, body: str) -> ReplayMismatch:
        path = cassette_path(self.root, scope)
        same_op = [k for k in self._queue(scope) if k[0] == operation]
        detail = "its cassette has no such call"
        if not path.exists():
            detail = (
                f"there is no cassette at {path}: a new test, or one moved or renamed since "
                "it was recorded (names of what a test creates follow its id too), needs "
                "recording"
            )
        elif same_op:
            recorded = json.loads(same_op[0][1])
            difference = first_difference(recorded, json.loads(body))
            detail = f"first difference from the recorded {operation}: {difference}"
        return ReplayMismatch(
            f"{scope}: no recorded interaction for {operation} in {path} or the other "
            f"cassettes ({detail}); re-record with --ecr-record-mode=all against a live target"
        )

    def on_response(self, exchange: Exchange) -> None:
        if exchange.answered_by is not None:
            return  # replayed, not recorded
        keep = {h.lower() for h in _KEEP_RESPONSE_HEADERS}
        recorded = Exchange(
            exchange.operation,
            canonical=self.scrubber.text(exchange.canonical),
            status=exchange.status,
            headers={k: v for k, v in exchange.headers.items() if k.lower() in keep},
            body=self.scrubber.response_body(exchange.operation, exchange.text),
        )
        self._recorded.setdefault(exchange.scope, []).append(recorded)


INDEX = "cassettes.json"


def recording_meta(target: str) -> dict[str, Any]:
    """What a cassette is evidence of: the target it was recorded against, and when."""
    return {
        "target": target,
        "endpoint": "https://ecr.invalid",  # never the real host
        "botocore": botocore.__version__,
        "recorded": datetime.now(timezone.utc).date().isoformat(),
    }


def check_writable(root: Path) -> None:
    """Stop a recording run at its start when its directory cannot be written (a file
    written and removed), before any test records what would be lost."""
    probe = root / ".pytest-ecr-write-check"
    try:
        root.mkdir(parents=True, exist_ok=True)
        probe.write_text("", "utf-8")
        probe.unlink()
    except OSError as exc:
        raise CassetteError(_cannot_write(root / INDEX, exc)) from None


def write_index(root: Path, meta: dict[str, Any]) -> None:
    """Written when a run wrote cassettes (and only then): what they were recorded
    against, merged with what an earlier index said of operations this run did not
    learn anything about."""
    path = root / INDEX
    try:
        root.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", "utf-8")
    except OSError as exc:
        raise CassetteError(_cannot_write(path, exc)) from None


def read_index(root: Path) -> dict[str, Any]:
    from .jsonfiles import FileFormatError, read_json

    path = root / INDEX
    if not path.exists() and not path.is_symlink():
        raise CassetteError(
            f"{path}: cannot read it (No such file or directory); record cassettes first "
            "with --ecr-record-mode=all against a live target"
        )
    try:
        data = read_json(path)
    except FileFormatError as exc:
        raise CassetteError(str(exc)) from None
    if not isinstance(data, dict) or "target" not in data:
        raise CassetteError(f'{path}: no "target" (what the cassettes were recorded against)')
    return data


class SocketGuard:
    """Blocks every new connection while replaying (restored by :meth:`stop`)."""

    def __init__(self, hint: str) -> None:
        self.hint = hint
        self._original: Any = None

    def start(self) -> None:
        original = socket.socket.connect
        hint = self.hint

        def blocked(sock: socket.socket, address: Any) -> None:
            if isinstance(address, tuple) and len(address) >= 2:
                where = f"{address[0]}:{address[1]}"
            else:
                where = str(address)
            raise NetworkBlocked(
                f"pytest-ecr replay blocks the network: connect to {where} ({hint})"
            )

        self._original = original
        socket.socket.connect = blocked  # type: ignore[method-assign,assignment]

    def stop(self) -> None:
        if self._original is not None:
            socket.socket.connect = self._original  # type: ignore[method-assign]
            self._original = None
