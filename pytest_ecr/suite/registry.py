"""Registry-wide settings: read, locked and restored around the contracts that change
them.

Each setting is one row of :data:`SETTINGS` (how to read it, how to put a read value
back, and which error code means "not set"), so adding a setting is one row, and a
misspelt setting name is a type error (:data:`SettingName`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, cast, get_args

import pytest
from botocore.exceptions import ClientError

from ..images import EcrClient
from ..jsonfiles import FileFormatError, dump, load
from ..settings import EcrSettings

SettingName = Literal[
    "registry-policy",
    "replication",
    "scanning",
    "signing",
    "account:BASIC_SCAN_TYPE_VERSION",
    "account:REGISTRY_POLICY_SCOPE",
    "account:BLOB_MOUNTING",
    "pull-through-cache-rules",
    "creation-templates",
    "pull-time-exclusions",
]
SETTING_NAMES: tuple[SettingName, ...] = get_args(SettingName)

#: Account settings named in the model's documentation of GetAccountSetting.
ACCOUNT_SETTINGS = ("BASIC_SCAN_TYPE_VERSION", "REGISTRY_POLICY_SCOPE", "BLOB_MOUNTING")

#: The value of a setting the target could not read (it lacks the operation).
UNREADABLE = "<unreadable>"


def allow_registry_changes(settings: EcrSettings) -> None:
    """Skip, with the reason, a contract that changes registry-wide state on real AWS
    unless the run opted in (``--ecr-allow-registry-changes``)."""
    if settings.target == "aws" and not settings.allow_registry_changes:
        pytest.skip(
            "changes registry-wide settings of a real AWS account; pass "
            "--ecr-allow-registry-changes to run it (the prior state is restored)"
        )


@dataclass(frozen=True)
class Setting:
    """One registry-wide setting.

    ``get`` answers the getter's response; ``value`` picks the setting out of it;
    ``missing`` is the error code that means "not set" (read as ``None``); ``put`` puts a
    read value back (``None`` where the plugin never changes anyone else's: rules,
    templates and exclusions are created under the run's names and removed with it).
    """

    get: Callable[[EcrClient], Any]
    value: Callable[[Mapping[str, Any]], Any]
    missing: str = ""
    put: Callable[[EcrClient, Any], None] | None = None


def _put_policy(c: EcrClient, value: Any) -> None:
    if value is None:
        c.delete_registry_policy()
    else:
        c.put_registry_policy(policyText=value)


def _put_signing(c: EcrClient, value: Any) -> None:
    if value is None:
        c.delete_signing_configuration()
    else:
        c.put_signing_configuration(signingConfiguration=value)


def _put_scanning(c: EcrClient, value: Any) -> None:
    c.put_registry_scanning_configuration(
        scanType=value.get("scanType", "BASIC"), rules=value.get("rules", [])
    )


def _account(name: str) -> Setting:
    def put(c: EcrClient, value: Any) -> None:
        if value is not None:
            c.put_account_setting(name=name, value=value)

    return Setting(
        get=lambda c: c.get_account_setting(name=name),
        value=lambda got: got.get("value"),
        put=put,
    )


SETTINGS: Mapping[SettingName, Setting] = {
    "registry-policy": Setting(
        get=lambda c: c.get_registry_policy(),
        value=lambda got: got.get("policyText"),
        missing="RegistryPolicyNotFoundException",
        put=_put_policy,
    ),
    "replication": Setting(
        get=lambda c: c.describe_registry(),
        value=lambda got: got.get("replicationConfiguration", {"rules": []}),
        put=lambda c, value: c.put_replication_configuration(replicationConfiguration=value),
    ),
    "scanning": Setting(
        get=lambda c: c.get_registry_scanning_configuration(),
        value=lambda got: got.get("scanningConfiguration"),
        put=_put_scanning,
    ),
    "signing": Setting(
        get=lambda c: c.get_signing_configuration(),
        value=lambda got: got.get("signingConfiguration"),
        missing="SigningConfigurationNotFoundException",
        put=_put_signing,
    ),
    "account:BASIC_SCAN_TYPE_VERSION": _account("BASIC_SCAN_TYPE_VERSION"),
    "account:REGISTRY_POLICY_SCOPE": _account("REGISTRY_POLICY_SCOPE"),
    "account:BLOB_MOUNTING": _account("BLOB_MOUNTING"),
    "pull-through-cache-rules": Setting(
        get=lambda c: c.describe_pull_through_cache_rules(),
        value=lambda got: sorted(r["ecrRepositoryPrefix"] for r in got["pullThroughCacheRules"]),
    ),
    "creation-templates": Setting(
        get=lambda c: c.describe_repository_creation_templates(),
        value=lambda got: sorted(t["prefix"] for t in got["repositoryCreationTemplates"]),
    ),
    "pull-time-exclusions": Setting(
        get=lambda c: c.list_pull_time_update_exclusions(),
        value=lambda got: sorted(got.get("pullTimeUpdateExclusions", [])),
    ),
}


def _setting(name: str) -> Setting:
    try:
        return SETTINGS[name]  # type: ignore[index]
    except KeyError:
        raise KeyError(f"{name!r} is not a registry-wide setting ({', '.join(SETTINGS)})") from None


JOURNAL = "pytest-ecr-registry-journal"


class RegistrySettings:
    """Reads, locks and restores the registry-wide settings contracts change.

    ``changing(setting)`` takes a lock per setting (shared by xdist workers of one run and
    by runs on this machine against the same registry), writes the setting's value to a
    journal beside the lock *before* anything changes it, and puts it back afterwards,
    also when the test fails; then the journal entry goes. A run killed in between
    (SIGKILL, a lost machine) leaves the journal entry: the next run against the registry,
    or ``pytest-ecr sweep``, puts the value back (:meth:`recover`). ``reading(setting)``
    takes the lock only, for contracts that read a setting others change.
    """

    def __init__(
        self, client: EcrClient, settings: EcrSettings, lock_dir: Path, run_id: str = ""
    ) -> None:
        self.client = client
        self.settings = settings
        self.lock_dir = lock_dir
        self.run_id = run_id
        lock_dir.mkdir(parents=True, exist_ok=True)

    def read(self, name: SettingName) -> Any:
        """The setting's value; ``None`` for "not set"; :data:`UNREADABLE` when the target
        cannot say (it lacks the operation, or answers another error)."""
        setting = _setting(name)
        try:
            got = setting.get(self.client)
        except NotImplementedError:
            return UNREADABLE
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            return None if setting.missing and code == setting.missing else UNREADABLE
        return setting.value(got)

    def restore(self, name: SettingName, value: Any) -> None:
        setting = _setting(name)
        if setting.put is None or value == UNREADABLE or value == self.read(name):
            return
        setting.put(self.client, value)

    @property
    def all_settings(self) -> list[SettingName]:
        return list(SETTING_NAMES)

    def snapshot(self) -> dict[str, Any]:
        """Every registry-wide setting, as it reads now."""
        return {name: self.read(name) for name in SETTING_NAMES}

    @contextlib.contextmanager
    def changing(self, *names: SettingName) -> Iterator[None]:
        """Lock ``names``, record them (durably), and restore them when the block ends."""
        allow_registry_changes(self.settings)
        for name in names:
            _setting(name)
        with contextlib.ExitStack() as stack:
            for name in sorted(names):
                stack.enter_context(self._lock(name))
            before = {name: self.read(name) for name in names}
            for name, value in before.items():
                if value != UNREADABLE:
                    self._journal(name, value)
            try:
                yield
            finally:
                for name in names:
                    self.restore(name, before[name])
                    self._journal_path(name).unlink(missing_ok=True)

    @contextlib.contextmanager
    def reading(self, *names: SettingName) -> Iterator[None]:
        """Lock ``names`` while a contract reads them (another worker may be changing
        them); nothing is recorded or restored."""
        for name in names:
            _setting(name)
        with contextlib.ExitStack() as stack:
            for name in sorted(names):
                stack.enter_context(self._lock(name))
            yield

    def recover(self) -> list[str]:
        """Put back what killed runs left changed: every journal entry whose lock nobody
        holds (a live run holds the lock while its entry exists). One line per setting."""
        done = []
        for path in sorted(self.lock_dir.glob("*.journal.json")):
            try:
                entry = load(path, JOURNAL)
            except FileFormatError as exc:
                done.append(f"cannot use the journal entry {exc}")
                continue
            name = str(entry.get("setting"))
            if name not in SETTINGS:
                continue
            with self._lock(name, wait=False) as held:
                if not held or not path.exists():
                    continue
                self.restore(cast(SettingName, name), entry.get("value"))
                path.unlink(missing_ok=True)
            done.append(
                f"restored the registry's {name}, left changed by run "
                f"{entry.get('run_id') or '?'} (killed at {entry.get('written') or '?'})"
            )
        return done

    def _journal_path(self, name: str) -> Path:
        return self.lock_dir / (name.replace(":", "-") + ".journal.json")

    def _journal(self, name: SettingName, value: Any) -> None:
        dump(
            self._journal_path(name),
            JOURNAL,
            {
                "setting": name,
                "value": value,
                "run_id": self.run_id,
                "pid": os.getpid(),
                "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            },
        )

    @contextlib.contextmanager
    def _lock(self, name: str, *, wait: bool = True) -> Iterator[bool]:
        path = self.lock_dir / (name.replace(":", "-") + ".lock")
        with open(path, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
