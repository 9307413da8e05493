"""Registry-wide settings are back to their values after a run of the contract suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import RegistrySettings, registry_policy

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"
REGISTRY_WIDE = (
    "registry or replication or scanning or signing or account or pull_through or "
    "creation_template or exclusion"
)


@pytest.mark.slow
def test_registry_settings_are_restored_after_a_run(
    pytester: pytest.Pytester, moto_server: str, moto_server_client: Any, tmp_path: Path
) -> None:
    client = moto_server_client
    account = client.describe_registry()["registryId"]
    # Settings that are not the defaults, so that "restored" means something.
    client.put_registry_policy(policyText=registry_policy(account, "us-east-1"))
    client.put_registry_scanning_configuration(
        scanType="ENHANCED",
        rules=[
            {
                "scanFrequency": "CONTINUOUS_SCAN",
                "repositoryFilters": [{"filter": "keep-me*", "filterType": "WILDCARD"}],
            }
        ],
    )
    client.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "eu-west-1", "registryId": account}],
                    "repositoryFilters": [{"filter": "keep-me", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    registry = RegistrySettings(client, EcrSettings(target="url"), tmp_path / "locks")
    before = registry.snapshot()
    assert before["registry-policy"] is not None

    result = pytester.runpytest_subprocess(
        str(CONTRACTS),
        f"--ecr-endpoint-url={moto_server}",
        "-k",
        REGISTRY_WIDE,
        "-p",
        "no:cacheprovider",
        "-q",
    )
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) > 10, outcomes
    assert "errors" not in outcomes, result.stdout.str()[-3000:]
    after = registry.snapshot()
    assert json.dumps(after, sort_keys=True, default=str) == json.dumps(
        before, sort_keys=True, default=str
    )
