from __future__ import annotations

import copy

import boto3
import botocore
import pytest

from pytest_ecr.model import COMMON_ERRORS, EcrModel, load_model


def test_loading_the_model_reads_no_aws_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model is botocore's data files: a broken profile or config must not matter."""
    load_model.cache_clear()
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_DATA_PATH", "/nonexistent/data")
    assert "DescribeImages" in load_model().operation_names
    load_model.cache_clear()


def test_operations_are_those_of_the_installed_botocore() -> None:
    client = boto3.client("ecr", region_name="us-east-1")
    model = load_model()
    assert model.operation_names == list(client.meta.service_model.operation_names)
    assert model.botocore_version == botocore.__version__
    assert "DescribeImages" in model.operation_names
    assert len(model.operation_names) >= 62


def test_paginators_and_waiters_refer_to_real_operations() -> None:
    model = load_model()
    assert model.paginators, "the ECR model has paginators"
    for paginator in model.paginators.values():
        assert paginator.operation in model.operation_names
        assert paginator.limit_key == "maxResults"
        assert paginator.result_keys
    findings = model.paginators["DescribeImageScanFindings"]
    assert findings.result_keys == (
        "imageScanFindings.findings",
        "imageScanFindings.enhancedFindings",
    )
    assert {w.operation for w in model.waiters.values()} <= set(model.operation_names)
    scan = model.waiters["ImageScanComplete"]
    assert scan.operation == "DescribeImageScanFindings"
    assert {a.state for a in scan.acceptors} >= {"success", "failure"}


def test_modeled_and_allowed_errors() -> None:
    model = load_model()
    errors = model.modeled_errors("DescribeImages")
    assert {"RepositoryNotFoundException", "ImageNotFoundException"} <= errors
    assert model.allowed_errors("DescribeImages") == errors | COMMON_ERRORS


def test_checksum_changes_with_the_operation_definition() -> None:
    """A change to a shape an operation reaches changes its checksum, and only the
    checksums of the operations that reach it."""
    model = load_model()
    raw = copy.deepcopy(dict(model.raw_service))
    raw["shapes"]["DescribeImagesFilter"]["members"]["newMember"] = {"shape": "TagStatus"}
    changed = EcrModel(raw, {}, {})
    assert changed.operation_checksum("DescribeImages") != model.operation_checksum(
        "DescribeImages"
    )
    assert changed.operation_checksum("ListImages") == model.operation_checksum("ListImages")
    assert model.operation_checksum("DescribeImages") != model.operation_checksum("ListImages")
