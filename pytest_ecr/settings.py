"""Every ``--ecr-*`` setting, resolved in one place.

Precedence, written once: command line, then marker (where a setting has one),
then environment, then ini file, then the default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pytest

from .values import (
    NAME_COMPONENT as NAME_COMPONENT,
)
from .values import (
    RECORD_MODES,
    parse_accounts,
    parse_attempts,
    parse_bool,
    parse_choice,
    parse_endpoint_url,
    parse_name_prefix,
    parse_positive_float,
    parse_positive_int,
    parse_region,
    parse_run_id,
    parse_target,
)
from .values import (
    TARGETS as TARGETS,
)
from .values import (
    SettingsError as SettingsError,
)
from .values import (
    TargetName as TargetName,
)

DEFAULT_REGION = "us-east-1"

T = TypeVar("T")


@dataclass(frozen=True)
class Resolved(Generic[T]):
    value: T
    #: Where the value came from: "--ecr-target", "marker", "env AWS_REGION",
    #: "ini ecr_target" or "default".
    source: str


def resolve(
    *,
    cli: tuple[str, Any] | None = None,
    marker: Any = None,
    env: tuple[str, str | None] | None = None,
    ini: tuple[str, Any] | None = None,
    default: Any,
) -> Resolved[Any]:
    """The first value given, in the order command line, marker, env, ini, default.

    ``cli``, ``env`` and ``ini`` are ``(name, value)`` pairs; a value of ``None``
    or ``""`` counts as not given.
    """
    if cli is not None and cli[1] not in (None, ""):
        return Resolved(cli[1], cli[0])
    if marker not in (None, ""):
        return Resolved(marker, "marker")
    if env is not None and env[1] not in (None, ""):
        return Resolved(env[1], f"env {env[0]}")
    if ini is not None and ini[1] not in (None, "", []):
        return Resolved(ini[1], f"ini {ini[0]}")
    return Resolved(default, "default")


@dataclass(frozen=True)
class Spec:
    """One setting: its flag, ini key, environment variable, default and parser."""

    name: str
    flag: str
    ini: str | None
    env: str | None
    default: Any
    parse: Callable[[str, Any], Any]
    help: str
    choices: tuple[str, ...] | None = None
    is_flag: bool = False
    extra_env: tuple[str, ...] = ()
    #: A path that, given in the ini file, is relative to the ini file's directory.
    ini_relative: bool = False
    metavar: str | None = None


SPECS: tuple[Spec, ...] = (
    Spec(
        "target",
        "--ecr-target",
        "ecr_target",
        "PYTEST_ECR_TARGET",
        "moto",
        parse_target,
        "Where ECR requests go: moto (in-process, the default), moto-server (a local moto "
        "server started for the run), url (any endpoint, see --ecr-endpoint-url), aws "
        "(real AWS; needs --ecr-allow-aws) or replay (recorded cassettes, network blocked). "
        "An endpoint URL alone selects url.",
        choices=TARGETS,
    ),
    Spec(
        "endpoint_url",
        "--ecr-endpoint-url",
        "ecr_endpoint_url",
        "AWS_ENDPOINT_URL_ECR",
        None,
        parse_endpoint_url,
        "The ECR endpoint of the url target, for example http://127.0.0.1:4566.",
    ),
    Spec(
        "region",
        "--ecr-region",
        "ecr_region",
        "AWS_REGION",
        DEFAULT_REGION,
        parse_region,
        "The AWS region to sign requests for (default: AWS_REGION, AWS_DEFAULT_REGION, "
        "then us-east-1).",
        extra_env=("AWS_DEFAULT_REGION",),
    ),
    Spec(
        "strict",
        "--ecr-strict",
        "ecr_strict",
        "PYTEST_ECR_STRICT",
        False,
        parse_bool,
        "Fail a contract when a response has members the model does not know (by default "
        "they are reported as notes, since AWS adds members before botocore knows them).",
        is_flag=True,
    ),
    Spec(
        "enforce_model",
        "--ecr-enforce-model",
        "ecr_enforce_model",
        "PYTEST_ECR_ENFORCE_MODEL",
        False,
        parse_bool,
        "Make the embedded moto targets (moto, moto-server) refuse what AWS refuses and page "
        "as AWS pages: every request validated against the model (HTTP 400 "
        "InvalidParameterException), listings paged (100 by default), operations moto lacks "
        "answered UnknownOperationException, registry-computed digests from the manifest's "
        "bytes. Refused for url, aws and replay: their answers are never altered.",
        is_flag=True,
    ),
    Spec(
        "allow_aws",
        "--ecr-allow-aws",
        None,
        "PYTEST_ECR_ALLOW_AWS",
        False,
        parse_bool,
        "Allow the aws target to create and delete resources in the AWS account of the "
        "current credentials. Deliberately not an ini key.",
        is_flag=True,
    ),
    Spec(
        "aws_accounts",
        "--ecr-aws-account",
        "ecr_aws_account",
        "PYTEST_ECR_AWS_ACCOUNT",
        (),
        parse_accounts,
        "The AWS account ids the aws target may use (comma-separated); a run whose "
        "credentials belong to any other account stops before its first request to ECR.",
    ),
    Spec(
        "allow_registry_changes",
        "--ecr-allow-registry-changes",
        None,
        "PYTEST_ECR_ALLOW_REGISTRY_CHANGES",
        False,
        parse_bool,
        "Let contracts change registry-wide settings (policies, replication, scanning, "
        "pull-through cache rules, creation templates) on the aws target; they record the "
        "prior state and restore it. Emulator targets always allow it.",
        is_flag=True,
    ),
    Spec(
        "name_prefix",
        "--ecr-name-prefix",
        "ecr_name_prefix",
        "PYTEST_ECR_NAME_PREFIX",
        "pytest-ecr",
        parse_name_prefix,
        "The first part of every repository name the plugin creates, and what "
        "`pytest-ecr sweep` looks under (default pytest-ecr).",
    ),
    Spec(
        "run_id",
        "--ecr-run-id",
        None,
        "PYTEST_ECR_RUN_ID",
        None,
        parse_run_id,
        "The run id in resource names and in the marker tag (default: random per run; "
        "fix it to make resource names repeatable).",
    ),
    Spec(
        "record_mode",
        "--ecr-record-mode",
        "ecr_record_mode",
        "PYTEST_ECR_RECORD_MODE",
        None,
        lambda option, value: parse_choice(option, value, RECORD_MODES),
        "Record cassettes while running against an HTTP target (moto-server, url, aws), with "
        "vcrpy's modes: none, once, new_episodes, all.",
        choices=RECORD_MODES,
    ),
    Spec(
        "cassette_dir",
        "--ecr-cassette-dir",
        "ecr_cassette_dir",
        "PYTEST_ECR_CASSETTE_DIR",
        None,
        lambda option, value: str(value),
        "Where cassettes are (default: cassettes/ in the rootdir).",
    ),
    Spec(
        "reference",
        "--ecr-reference",
        "ecr_reference",
        "PYTEST_ECR_REFERENCE",
        None,
        lambda option, value: str(value),
        "Differential mode: compare every answer of this live run with the answer of the "
        "same test and call in these reference cassettes (recorded against AWS, ideally).",
    ),
    Spec(
        "reference_deviations",
        "--ecr-reference-deviations",
        "ecr_reference_deviations",
        "PYTEST_ECR_REFERENCE_DEVIATIONS",
        None,
        lambda option, value: str(value),
        "Differences from the reference that the target's authors accept (a JSON file of "
        "operation, path, reason and link); shown as known deviations.",
    ),
    Spec(
        "scrub_account_id",
        "--ecr-scrub-account-id",
        "ecr_scrub_account_id",
        None,
        False,
        parse_bool,
        "Replace the account id with 000000000000 in recorded cassettes.",
        is_flag=True,
    ),
    Spec(
        "deviations",
        "--ecr-deviations",
        "ecr_deviations",
        "PYTEST_ECR_DEVIATIONS",
        None,
        lambda option, value: str(value),
        "A JSON file of known deviations per target (see pytest_ecr.deviations); the listed "
        "contracts are reported as known deviations on those targets. In the ini file, "
        "relative to the ini file.",
        ini_relative=True,
        metavar="PATH",
    ),
    Spec(
        "report_json",
        "--ecr-report-json",
        None,
        None,
        None,
        lambda option, value: str(value),
        "Write the conformance report as JSON (format pytest-ecr-report, version 1).",
        metavar="PATH",
    ),
    Spec(
        "report_html",
        "--ecr-report-html",
        None,
        None,
        None,
        lambda option, value: str(value),
        "Write the conformance report as one self-contained HTML page.",
        metavar="PATH",
    ),
    Spec(
        "baseline",
        "--ecr-baseline",
        None,
        None,
        None,
        lambda option, value: str(value),
        "A baseline of every contract's expected outcome on this target; the run fails "
        "where an outcome differs (write one with `pytest-ecr baseline update`).",
        metavar="PATH",
    ),
    Spec(
        "label",
        "--ecr-label",
        None,
        None,
        None,
        lambda option, value: str(value),
        "The name of the target in reports and comparisons (default: the target, for example url).",
        metavar="NAME",
    ),
    Spec(
        "examples",
        "--ecr-examples",
        None,
        None,
        None,
        parse_positive_int,
        "Examples per property-based contract (default 10; 3 against aws).",
        metavar="N",
    ),
    Spec(
        "max_attempts",
        "--ecr-max-attempts",
        "ecr_max_attempts",
        None,
        3,
        parse_attempts,
        "Total attempts per request, first try included, with botocore's standard retry "
        "mode (default 3).",
    ),
    Spec(
        "connect_timeout",
        "--ecr-connect-timeout",
        "ecr_connect_timeout",
        None,
        5.0,
        parse_positive_float,
        "Seconds to wait for a connection to the target (default 5).",
    ),
    Spec(
        "read_timeout",
        "--ecr-read-timeout",
        "ecr_read_timeout",
        None,
        30.0,
        parse_positive_float,
        "Seconds to wait for a response from the target (default 30).",
    ),
)


@dataclass(frozen=True)
class EcrSettings:
    target: TargetName = "moto"
    endpoint_url: str | None = None
    region: str = DEFAULT_REGION
    strict: bool = False
    enforce_model: bool = False
    allow_aws: bool = False
    aws_accounts: tuple[str, ...] = ()
    allow_registry_changes: bool = False
    name_prefix: str = "pytest-ecr"
    run_id: str | None = None
    record_mode: str | None = None
    cassette_dir: str | None = None
    scrub_account_id: bool = False
    reference: str | None = None
    reference_deviations: str | None = None
    deviations: str | None = None
    report_json: str | None = None
    report_html: str | None = None
    baseline: str | None = None
    label: str | None = None
    examples: int | None = None
    max_attempts: int = 3
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    sources: Mapping[str, str] = field(default_factory=dict)
    #: Problems with values from the environment's general AWS variables (AWS_REGION, a
    #: malformed AWS_ENDPOINT_URL_ECR): raised when a test first asks for ECR, so that
    #: they never stop a run that does not use it.
    deferred: tuple[str, ...] = ()


def resolve_settings(
    cli: Mapping[str, Any],
    ini: Mapping[str, Any],
    environ: Mapping[str, str] | None = None,
    *,
    ini_dir: str | None = None,
) -> EcrSettings:
    """Resolve and check every setting. ``cli`` and ``ini`` are keyed by setting name;
    ``ini_dir`` is the ini file's directory, for paths given there."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    deferred: list[str] = []
    for spec in SPECS:
        env_pair: tuple[str, str | None] | None = None
        for env_name in (spec.env, *spec.extra_env):
            if env_name and environ.get(env_name):
                env_pair = (env_name, environ[env_name])
                break
        resolved = resolve(
            cli=(spec.flag, cli.get(spec.name)),
            env=env_pair,
            ini=(spec.ini, ini.get(spec.name)) if spec.ini else None,
            default=spec.default,
        )
        option = spec.flag if resolved.source in (spec.flag, "default") else resolved.source
        value = resolved.value
        if spec.ini_relative and ini_dir and resolved.source.startswith("ini "):
            value = os.path.join(ini_dir, str(value))
        if resolved.source == "default":
            values[spec.name] = resolved.value
        elif resolved.source.startswith("env AWS_"):
            # The environment's general AWS variables are not settings of this plugin: a
            # bad one is held until a test asks for ECR.
            try:
                values[spec.name] = spec.parse(option, value)
            except SettingsError as exc:
                deferred.append(str(exc))
                values[spec.name], resolved = spec.default, Resolved(spec.default, "default")
        else:
            values[spec.name] = spec.parse(option, value)
        sources[spec.name] = resolved.source

    endpoint_source = sources["endpoint_url"]
    implies = not endpoint_source.startswith("env ")  # AWS_ENDPOINT_URL_ECR implies nothing
    if sources["target"] == "default" and values["endpoint_url"] is not None and implies:
        values["target"] = "url"
        sources["target"] = f"implied by {endpoint_source}"
    if values["target"] == "url" and values["endpoint_url"] is None:
        raise SettingsError(
            "--ecr-endpoint-url",
            "the url target needs an endpoint (--ecr-endpoint-url, ini ecr_endpoint_url "
            "or AWS_ENDPOINT_URL_ECR)",
        )
    if values["target"] != "url" and values["endpoint_url"] is not None:
        if endpoint_source.startswith("env "):
            values["endpoint_url"] = None  # an environment-wide endpoint, not meant for us
            sources["endpoint_url"] = "default"
        else:
            raise SettingsError(
                endpoint_source,
                f"an endpoint URL is only used by the url target, not {values['target']!r} "
                "(drop --ecr-target or set it to url)",
            )
    if values["target"] != "url":  # the environment's endpoint is not used: nor its faults
        deferred = [d for d in deferred if not d.startswith("env AWS_ENDPOINT_URL_ECR")]
    if values["record_mode"] is not None and values["target"] in ("moto", "replay"):
        raise SettingsError(
            "--ecr-record-mode",
            "recording needs an HTTP target (moto-server, url or aws): in-process moto never "
            "reaches the HTTP layer, and replay only plays"
            if values["target"] == "moto"
            else "the replay target only plays cassettes; record against a live target",
        )
    if values["reference"] is not None and values["target"] == "replay":
        raise SettingsError(
            "--ecr-reference",
            "a reference is compared with a live target (moto, moto-server, url or aws), "
            "not with replayed cassettes",
        )
    if values["reference"] is not None and values["record_mode"] is not None:
        raise SettingsError(
            "--ecr-reference", "compare with a reference or record one, not both in one run"
        )
    if values["reference_deviations"] is not None and values["reference"] is None:
        raise SettingsError(
            sources["reference_deviations"],
            "known deviations from a reference need --ecr-reference DIR",
        )
    if values["enforce_model"] and values["target"] not in ("moto", "moto-server"):
        raise SettingsError(
            sources["enforce_model"]
            if sources["enforce_model"] != "default"
            else "--ecr-enforce-model",
            f"model enforcement is for the embedded moto targets (moto, moto-server), not "
            f"{values['target']!r}: pytest-ecr never alters a third party's answers",
        )
    if values["target"] == "aws" and not values["allow_aws"]:
        raise SettingsError(
            "--ecr-target",
            "the aws target creates and deletes resources in a real AWS account; "
            "pass --ecr-allow-aws (or set PYTEST_ECR_ALLOW_AWS=1) to allow it",
        )
    return EcrSettings(**values, sources=sources, deferred=tuple(deferred))


#: Where the run's resolved settings live (``config.stash``).
SETTINGS_KEY: pytest.StashKey[EcrSettings] = pytest.StashKey()
