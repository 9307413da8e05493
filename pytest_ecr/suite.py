"""What contract modules share: the scenario valid requests are built from, the
model-derived validation tests, and the reasons an error cannot be triggered.

A contract module looks like this::

    OPERATION = "GetRepositoryPolicy"
    pytestmark = pytest.mark.ecr_contract(OPERATION)

    def valid_request(s: Scenario) -> dict[str, Any]:
        return {"registryId": s.registry_id, "repositoryName": s.repository.name}

    test_validation = validation_tests(OPERATION, valid_request)

    UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}

    @pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
    def test_missing_repository(ecr_contract): ...

The coverage test in ``tests/`` checks that every modeled error of ``OPERATION`` is
either named by a test's ``triggers=`` or listed in ``UNTRIGGERED`` with a reason, and
that ``valid_request`` holds every constrained member, so that every constraint gets
a validation case.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .contract import ContractClient, ContractViolation, SuiteError
from .images import EcrClient
from .invalid import (
    ConstraintCase,
    constraint_cases,
    get_path,
    has_path,
    invalid_value,
    with_value,
)
from .model import load_model
from .resources import Image, ImageFactory, Repository, RepositoryFactory
from .settings import EcrSettings

#: Reasons shared by many modules for a modeled error that no test triggers.
SERVER_EXCEPTION = (
    "ServerException is the registry's own internal failure (HTTP 500); no request makes "
    "a correct registry answer it"
)
KMS_EXCEPTION = (
    "needs a KMS key that KMS refuses to use for ECR; the suite cannot make KMS fail on a "
    "generic target"
)
LIMIT_EXCEPTION = (
    "needs an account-level service quota to be reached; the quotas of a generic target are "
    "unknown and reaching AWS's would cost the account"
)
UPSTREAM = (
    "needs a pull-through cache rule whose upstream registry is unreachable; the suite does "
    "not reach upstream registries"
)

NO_INPUT = (
    "the operation takes no input members, so no request to it can be invalid; a target "
    "may still answer it for other reasons the suite cannot cause"
)
REGISTRY_ONLY_SECRETS = (
    "needs a Secrets Manager secret that exists but cannot be read or decrypted by ECR; the "
    "suite creates no secrets"
)


def registry_policy(registry_id: str, region: str) -> str:
    """A registry policy letting the registry's own account replicate into it (Amazon ECR
    User Guide, "Private registry permissions")."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "pytest-ecr",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{registry_id}:root"},
                    "Action": ["ecr:ReplicateImage"],
                    "Resource": f"arn:aws:ecr:{region}:{registry_id}:repository/*",
                }
            ],
        }
    )


def other_region(region: str) -> str:
    """A Region that is not ``region`` (for replication destinations)."""
    return "us-west-2" if region != "us-west-2" else "us-east-1"


def replication_destination(registry_id: str, region: str) -> dict[str, str]:
    """Another Region of the same account, as a replication destination."""
    return {"region": other_region(region), "registryId": registry_id}


def replication(registry_id: str, region: str, prefix: str) -> dict[str, Any]:
    """Replicate repositories whose names start with ``prefix`` to another Region of the
    same account (Amazon ECR User Guide, "Private image replication")."""
    return {
        "rules": [
            {
                "destinations": [replication_destination(registry_id, region)],
                "repositoryFilters": [{"filter": prefix, "filterType": "PREFIX_MATCH"}],
            }
        ]
    }


def missing_secret_arn(s: Any) -> str:
    """A well-formed pull-through cache secret ARN that names no secret."""
    return (
        f"arn:aws:secretsmanager:{s.repository.region}:{s.registry_id}:secret:"
        "ecr-pullthroughcache/pytest-ecr-missing-AbCdEf"
    )


def excluded_principal(s: Any) -> str:
    """A role ARN of the registry's account, unique to the run, for pull-time exclusions."""
    return f"arn:aws:iam::{s.registry_id}:role/{s.short_unique('exclusion')}"


def tags_of(contract: ContractClient, arn: str) -> dict[str, str]:
    """A repository's tags as a dict, read through the contract client."""
    listed = contract.call("ListTagsForResource", resourceArn=arn)["tags"]
    return {t["Key"]: t["Value"] for t in listed}


#: The modeled errors that mean "invalid input" (HTTP 400). AWS answers constraint
#: violations of ECR requests with InvalidParameterException, for example "Invalid
#: parameter at 'repositoryName' failed to satisfy constraint: 'must have length greater
#: than or equal to 2'" (reported in aws/aws-dotnet-deploy#549 and, with "Status Code:
#: 400", in stelligent/mu#323); newer operations also model ValidationException.
VALIDATION_ERRORS = frozenset({"InvalidParameterException", "ValidationException"})


def allow_registry_changes(settings: EcrSettings) -> None:
    """Skip, with the reason, a contract that changes registry-wide state on real AWS
    unless the run opted in (``--ecr-allow-registry-changes``)."""
    if settings.target == "aws" and not settings.allow_registry_changes:
        pytest.skip(
            "changes registry-wide settings of a real AWS account; pass "
            "--ecr-allow-registry-changes to run it (the prior state is restored)"
        )


def validation_codes(case: ConstraintCase) -> frozenset[str]:
    """The codes a refusal of ``case`` may carry: the operation's modeled validation errors."""
    modeled = load_model().modeled_errors(case.operation)
    codes = modeled & VALIDATION_ERRORS
    if "tags" in case.path:
        codes |= modeled & {"InvalidTagParameterException"}
    return codes


#: Well-formed names and digests of things that do not exist.
MISSING_REPOSITORY = "pytest-ecr-missing/no-such-repository"
MISSING_DIGEST = "sha256:" + "0" * 64
MISSING_UPLOAD_ID = "00000000-0000-4000-8000-000000000000"

#: A lifecycle policy (Amazon ECR User Guide, "Lifecycle policy parameters").
LIFECYCLE_POLICY = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "description": "pytest-ecr: expire untagged images after 14 days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 14,
                },
                "action": {"type": "expire"},
            }
        ]
    }
)


def repository_policy(registry_id: str) -> str:
    """A repository policy that lets the registry's own account pull."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "pytest-ecr",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{registry_id}:root"},
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                }
            ],
        }
    )


def ids(repository: Repository) -> dict[str, str]:
    """``registryId`` and ``repositoryName`` of a repository, as most requests take them."""
    return {"registryId": repository.registry_id, "repositoryName": repository.name}


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

    @property
    def upload_id(self) -> str:
        """The id of a new layer upload in :attr:`repository` (a fresh one each time, so
        that no case sees what an earlier case did to an upload)."""
        started = self.client.initiate_layer_upload(repositoryName=self.repository.name)
        return str(started["uploadId"])

    def close(self) -> None:
        if self._repository is not None:
            self.repositories.release(self._repository)


class FakeScenario:
    """Fixed, well-formed values in place of a real scenario (for static checks)."""

    client = None
    registry_id = "123456789012"
    repository = Repository(
        name="pytest-ecr/r0/main/fake-0",
        arn="arn:aws:ecr:us-east-1:123456789012:repository/pytest-ecr/r0/main/fake-0",
        uri="123456789012.dkr.ecr.us-east-1.amazonaws.com/pytest-ecr/r0/main/fake-0",
        registry_id="123456789012",
        region="us-east-1",
    )
    upload_id = "0f0e0d0c-0b0a-0908-0706-050403020100"

    def new_repository_name(self, hint: str = "new") -> str:
        return f"pytest-ecr/r0/main/{hint}-1"

    def unique(self, hint: str) -> str:
        return f"pytest-ecr/r0/main/{hint}-1"

    def short_unique(self, hint: str) -> str:
        return f"{hint}-r0-1"

    @functools.cached_property
    def image(self) -> Image:
        from .images import build_image
        from .resources import image_from_built

        return image_from_built(self.repository, build_image(seed="fake"), ("v1",))

    @property
    def layer_digest(self) -> str:
        return self.image.layer_digests[0]


ValidRequest = Callable[[Any], "dict[str, Any] | list[dict[str, Any]]"]


def request_with(
    requests: dict[str, Any] | list[dict[str, Any]], case: ConstraintCase
) -> dict[str, Any]:
    """The first valid request that holds the member ``case`` constrains.

    ``valid_request`` may give several requests where members exclude each other (for
    example ``imageIds`` and ``maxResults`` of DescribeImages).
    """
    for request in [requests] if isinstance(requests, dict) else requests:
        if has_path(request, case.path):
            return request
    raise SuiteError(f"{case.operation}: no valid request has a member at {case.id}")


Undo = Callable[[EcrClient, dict[str, Any]], None]


def validation_tests(
    operation: str,
    valid_request: ValidRequest,
    *,
    undo: Undo | None = None,
    changes: tuple[str, ...] = (),
) -> Callable[..., None]:
    """One test per constraint of ``operation``'s input, derived from the model.

    Each case sends ``valid_request(scenario)`` with one member replaced by a value that
    breaks one constraint, past botocore's client-side validation, and expects HTTP 400
    with a modeled validation error. ``undo(client, parsed_response)`` reverses what a
    target that wrongly accepts the request did (for example a repository it created).
    ``changes`` names the registry-wide settings a wrongly accepted request would change:
    each case then runs under ``RegistrySettings.changing`` (locked, then restored).
    """
    cases = constraint_cases(operation)

    @pytest.mark.ecr_contract(operation, "validation")
    @pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])
    def test_validation(
        case: ConstraintCase,
        ecr_contract: ContractClient,
        ecr_scenario: Scenario,
        ecr_registry: RegistrySettings,
    ) -> None:
        guard = ecr_registry.changing(*changes) if changes else contextlib.nullcontext()
        with guard:
            _validation_case(operation, valid_request, undo, case, ecr_contract, ecr_scenario)

    test_validation.__doc__ = (
        f"{operation} refuses each value outside the model's constraints with HTTP 400 "
        "and a modeled validation error."
    )
    test_validation.ecr_valid_request = valid_request  # type: ignore[attr-defined]
    if not cases:
        # Nothing in the input is constrained: nothing to collect (not a skip).
        test_validation.__test__ = False  # type: ignore[attr-defined]
    return test_validation


def _validation_case(
    operation: str,
    valid_request: ValidRequest,
    undo: Undo | None,
    case: ConstraintCase,
    ecr_contract: ContractClient,
    ecr_scenario: Scenario,
) -> None:
    request = request_with(valid_request(ecr_scenario), case)
    bad = with_value(request, case.path, invalid_value(case, get_path(request, case.path)))
    try:
        ecr_contract.expect_invalid(operation, validation_codes(case), **bad)
    except ContractViolation as violation:
        exchange = violation.exchange
        if undo is not None and exchange is not None and exchange.status == 200:
            data, _ = exchange.json_body()
            with ecr_contract.unchecked():
                undo(ecr_contract.client, data)
        raise


# -- registry-wide state ---------------------------------------------------------------

#: Account settings named in the model's documentation of GetAccountSetting.
ACCOUNT_SETTINGS = ("BASIC_SCAN_TYPE_VERSION", "REGISTRY_POLICY_SCOPE", "BLOB_MOUNTING")

#: The value of a setting the target could not read (it lacks the operation).
UNREADABLE = "<unreadable>"


def _read(action: Callable[[], Any], missing: str = "") -> Any:
    """What a getter answers; None for "not set" (``missing`` code); UNREADABLE otherwise."""
    try:
        return action()
    except NotImplementedError:
        return UNREADABLE
    except ClientError as exc:
        if missing and exc.response.get("Error", {}).get("Code") == missing:
            return None
        return UNREADABLE


def _without_metadata(answer: Any) -> Any:
    if isinstance(answer, dict):
        return {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    return answer


class RegistrySettings:
    """Reads, locks and restores the registry-wide settings contracts change.

    ``changing(setting)`` takes a lock per setting (shared by xdist workers of one run),
    records the setting's value, and puts it back afterwards, also when the test fails.
    """

    def __init__(self, client: EcrClient, settings: EcrSettings, lock_dir: Path) -> None:
        self.client = client
        self.settings = settings
        self.lock_dir = lock_dir
        lock_dir.mkdir(parents=True, exist_ok=True)

    # Each setting: how to read it, and how to put a read value back.
    def read(self, setting: str) -> Any:
        c = self.client
        if setting == "registry-policy":
            got = _read(c.get_registry_policy, "RegistryPolicyNotFoundException")
            return got.get("policyText") if isinstance(got, dict) else got
        if setting == "replication":
            got = _read(c.describe_registry)
            return (
                got.get("replicationConfiguration", {"rules": []}) if isinstance(got, dict) else got
            )
        if setting == "scanning":
            got = _read(c.get_registry_scanning_configuration)
            return got.get("scanningConfiguration") if isinstance(got, dict) else got
        if setting == "signing":
            got = _read(c.get_signing_configuration, "SigningConfigurationNotFoundException")
            return got.get("signingConfiguration") if isinstance(got, dict) else got
        if setting.startswith("account:"):
            got = _read(lambda: c.get_account_setting(name=setting.split(":", 1)[1]))
            return got.get("value") if isinstance(got, dict) else got
        if setting == "pull-through-cache-rules":
            got = _read(c.describe_pull_through_cache_rules)
            return (
                sorted(r["ecrRepositoryPrefix"] for r in got["pullThroughCacheRules"])
                if (isinstance(got, dict))
                else got
            )
        if setting == "creation-templates":
            got = _read(c.describe_repository_creation_templates)
            return (
                sorted(t["prefix"] for t in got["repositoryCreationTemplates"])
                if (isinstance(got, dict))
                else got
            )
        if setting == "pull-time-exclusions":
            got = _read(c.list_pull_time_update_exclusions)
            return sorted(got.get("pullTimeUpdateExclusions", [])) if isinstance(got, dict) else got
        raise KeyError(setting)

    def restore(self, setting: str, value: Any) -> None:
        if value == UNREADABLE or value == self.read(setting):
            return
        c = self.client
        if setting == "registry-policy":
            if value is None:
                c.delete_registry_policy()
            else:
                c.put_registry_policy(policyText=value)
        elif setting == "replication":
            c.put_replication_configuration(replicationConfiguration=value)
        elif setting == "scanning":
            c.put_registry_scanning_configuration(
                scanType=value.get("scanType", "BASIC"), rules=value.get("rules", [])
            )
        elif setting == "signing":
            if value is None:
                c.delete_signing_configuration()
            else:
                c.put_signing_configuration(signingConfiguration=value)
        elif setting.startswith("account:") and value is not None:
            c.put_account_setting(name=setting.split(":", 1)[1], value=value)
        # Rules, templates and exclusions are created by tests under their own names and
        # removed through the ledger; nothing of anyone else's is ever touched.

    @property
    def all_settings(self) -> list[str]:
        return [
            "registry-policy",
            "replication",
            "scanning",
            "signing",
            *(f"account:{name}" for name in ACCOUNT_SETTINGS),
            "pull-through-cache-rules",
            "creation-templates",
            "pull-time-exclusions",
        ]

    def snapshot(self) -> dict[str, Any]:
        """Every registry-wide setting, as it reads now."""
        return {setting: _without_metadata(self.read(setting)) for setting in self.all_settings}

    @contextlib.contextmanager
    def changing(self, *settings: str) -> Iterator[None]:
        """Lock ``settings``, record them, and restore them when the block ends."""
        allow_registry_changes(self.settings)
        with contextlib.ExitStack() as stack:
            for setting in sorted(settings):
                stack.enter_context(self._lock(setting))
            before = {setting: self.read(setting) for setting in settings}
            try:
                yield
            finally:
                for setting in settings:
                    self.restore(setting, before[setting])

    @contextlib.contextmanager
    def _lock(self, setting: str) -> Iterator[None]:
        path = self.lock_dir / (setting.replace(":", "-") + ".lock")
        with open(path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
