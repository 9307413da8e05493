"""Pieces of valid requests that contract modules share: ids, policies, replication
rules, and well-formed names of things that do not exist."""

from __future__ import annotations

import json
from typing import Any

from ..contract import ContractClient
from ..resources import Repository


def _own_account_policy(registry_id: str, actions: list[str], resource: str = "") -> str:
    """An IAM policy document allowing the registry's own account ``actions``."""
    statement: dict[str, Any] = {
        "Sid": "pytest-ecr",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{registry_id}:root"},
        "Action": actions,
    }
    if resource:
        statement["Resource"] = resource
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def registry_policy(registry_id: str, region: str) -> str:
    """A registry policy letting the registry's own account replicate into it (Amazon ECR
    User Guide, "Private registry permissions")."""
    return _own_account_policy(
        registry_id,
        ["ecr:ReplicateImage"],
        f"arn:aws:ecr:{region}:{registry_id}:repository/*",
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
    return _own_account_policy(registry_id, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])


def ids(repository: Repository) -> dict[str, str]:
    """``registryId`` and ``repositoryName`` of a repository, as most requests take them."""
    return {"registryId": repository.registry_id, "repositoryName": repository.name}
