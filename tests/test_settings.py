from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr.settings import SettingsError, resolve, resolve_settings


@pytest.mark.parametrize(
    ("kwargs", "value", "source"),
    [
        ({"cli": ("--x", "c"), "marker": "m", "env": ("E", "e"), "ini": ("x", "i")}, "c", "--x"),
        (
            {"cli": ("--x", None), "marker": "m", "env": ("E", "e"), "ini": ("x", "i")},
            "m",
            "marker",
        ),
        ({"cli": ("--x", None), "env": ("E", "e"), "ini": ("x", "i")}, "e", "env E"),
        ({"cli": ("--x", None), "env": ("E", ""), "ini": ("x", "i")}, "i", "ini x"),
        ({"cli": ("--x", ""), "env": None, "ini": ("x", None)}, "d", "default"),
    ],
)
def test_precedence(kwargs: dict[str, Any], value: str, source: str) -> None:
    resolved = resolve(default="d", **kwargs)
    assert (resolved.value, resolved.source) == (value, source)


def test_defaults() -> None:
    settings = resolve_settings({}, {}, {})
    assert settings.target == "moto"
    assert settings.region == "us-east-1"
    assert settings.endpoint_url is None
    assert settings.strict is False
    assert settings.sources["target"] == "default"


def test_endpoint_alone_selects_the_url_target() -> None:
    settings = resolve_settings({"endpoint_url": "http://127.0.0.1:4566/"}, {}, {})
    assert settings.target == "url"
    assert settings.endpoint_url == "http://127.0.0.1:4566"
    assert settings.sources["target"] == "implied by --ecr-endpoint-url"


def test_env_endpoint_is_ignored_by_other_targets() -> None:
    settings = resolve_settings({"target": "moto"}, {}, {"AWS_ENDPOINT_URL_ECR": "http://x:1"})
    assert (settings.target, settings.endpoint_url) == ("moto", None)


def test_region_falls_back_to_aws_default_region() -> None:
    assert resolve_settings({}, {}, {"AWS_DEFAULT_REGION": "eu-west-1"}).region == "eu-west-1"
    env = {"AWS_REGION": "eu-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}
    assert resolve_settings({}, {}, env).region == "eu-west-2"
    assert resolve_settings({"region": "ap-south-1"}, {"region": "x"}, env).region == "ap-south-1"


def test_ini_values_are_parsed() -> None:
    settings = resolve_settings(
        {}, {"target": "moto-server", "strict": "true", "max_attempts": "1"}, {}
    )
    assert (settings.target, settings.strict, settings.max_attempts) == ("moto-server", True, 1)


@pytest.mark.parametrize(
    ("cli", "ini", "env", "message"),
    [
        ({}, {"target": "localstack"}, {}, "ini ecr_target: unknown target 'localstack'"),
        (
            {"endpoint_url": "localhost:4566"},
            {},
            {},
            "--ecr-endpoint-url: 'localhost:4566' is not an endpoint URL",
        ),
        ({"endpoint_url": "ftp://x"}, {}, {}, "--ecr-endpoint-url: 'ftp://x' is not an endpoint"),
        (
            {"endpoint_url": "http://x:99999"},
            {},
            {},
            "--ecr-endpoint-url: 'http://x:99999' has an invalid port",
        ),
        (
            {"endpoint_url": "http://x/?a=1"},
            {},
            {},
            "--ecr-endpoint-url: 'http://x/?a=1' must not have a query",
        ),
        ({"target": "url"}, {}, {}, "--ecr-endpoint-url: the url target needs an endpoint"),
        (
            {"target": "moto", "endpoint_url": "http://x:1"},
            {},
            {},
            "--ecr-endpoint-url: an endpoint URL is only used by the url target",
        ),
        ({"region": "US East"}, {}, {}, "--ecr-region: 'US East' is not an AWS Region"),
        ({"region": "us-east1"}, {}, {}, "--ecr-region: 'us-east1' is not an AWS Region"),
        ({"region": "eu_west_1"}, {}, {}, "--ecr-region: 'eu_west_1' is not an AWS Region"),
        ({"target": "aws"}, {}, {}, "--ecr-target: the aws target creates and deletes"),
        ({}, {"strict": "maybe"}, {}, "ini ecr_strict: 'maybe' is not a boolean"),
        ({"max_attempts": "0"}, {}, {}, "--ecr-max-attempts: 0 must be from 1 to 20"),
        (
            {"max_attempts": "99999999999999999999"},
            {},
            {},
            "--ecr-max-attempts: 99999999999999999999 must be from 1 to 20",
        ),
        (
            {"read_timeout": "inf"},
            {},
            {},
            "--ecr-read-timeout: 'inf' must be more than 0 and at most 3600",
        ),
        (
            {"connect_timeout": "0"},
            {},
            {},
            "--ecr-connect-timeout: '0' must be more than 0 and at most 3600",
        ),
        (
            {"endpoint_url": "http://[::1"},
            {},
            {},
            "--ecr-endpoint-url: 'http://[::1' is not an endpoint URL",
        ),
        (
            {"endpoint_url": "http://local host:4566"},
            {},
            {},
            "--ecr-endpoint-url: 'http://local host:4566' is not an endpoint URL",
        ),
        ({"read_timeout": "soon"}, {}, {}, "--ecr-read-timeout: 'soon' is not a number"),
    ],
)
def test_bad_values_name_the_option(
    cli: dict[str, Any], ini: dict[str, Any], env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as info:
        resolve_settings(cli, ini, env)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AWS_REGION": "x"}, "env AWS_REGION: 'x' is not an AWS Region"),
        ({"AWS_DEFAULT_REGION": "US East"}, "env AWS_DEFAULT_REGION: 'US East' is not an AWS"),
    ],
)
def test_bad_environment_is_kept_until_a_test_needs_the_registry(
    env: dict[str, str], message: str
) -> None:
    """An AWS_* variable belongs to the whole shell, not to pytest-ecr: a project whose
    own tests never touch ECR must not stop over it, so the error waits (for
    :meth:`EcrRun.start`) instead of stopping the run at configure time."""
    settings = resolve_settings({}, {}, env)
    assert [d for d in settings.deferred if d.startswith(message)], settings.deferred
    # Named on the command line, the same value stops the run at once.
    with pytest.raises(SettingsError):
        resolve_settings({"region": "x"}, {}, {})


def test_aws_target_with_opt_in() -> None:
    settings = resolve_settings({"target": "aws", "allow_aws": True}, {}, {})
    assert settings.target == "aws"
    assert resolve_settings({"target": "aws"}, {}, {"PYTEST_ECR_ALLOW_AWS": "1"}).allow_aws
