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
        ({"region": "US East"}, {}, {}, "--ecr-region: 'US East' is not a region name"),
        ({}, {}, {"AWS_REGION": "x"}, "env AWS_REGION: 'x' is not a region name"),
        ({"target": "aws"}, {}, {}, "--ecr-target: the aws target creates and deletes"),
        ({}, {"strict": "maybe"}, {}, "ini ecr_strict: 'maybe' is not a boolean"),
        ({"max_attempts": "0"}, {}, {}, "--ecr-max-attempts: 0 must be at least 1"),
        ({"read_timeout": "soon"}, {}, {}, "--ecr-read-timeout: 'soon' is not a number"),
    ],
)
def test_bad_values_name_the_option(
    cli: dict[str, Any], ini: dict[str, Any], env: dict[str, str], message: str
) -> None:
    with pytest.raises(SettingsError) as info:
        resolve_settings(cli, ini, env)
    assert str(info.value).startswith(message)


def test_aws_target_with_opt_in() -> None:
    settings = resolve_settings({"target": "aws", "allow_aws": True}, {}, {})
    assert settings.target == "aws"
    assert resolve_settings({"target": "aws"}, {}, {"PYTEST_ECR_ALLOW_AWS": "1"}).allow_aws
