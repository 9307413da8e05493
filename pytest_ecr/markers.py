"""The plugin's markers: their registration lines and how a test's markers are read."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from .terms import ASPECTS, TIERS

CONTRACT_MARKER = "ecr_contract"

LINES = (
    f"{CONTRACT_MARKER}(operation=None, aspect=None, triggers=None, tier=None, source=None): "
    f"tie a contract test to one ECR operation and one aspect ({', '.join(ASPECTS)}) for the "
    "conformance report; triggers names the modeled error the test makes the target answer; "
    f"tier ({', '.join(TIERS)}) and source say what its expectation rests on.",
    "ecr_repository(**options): options for the ecr_repository fixture (the keywords "
    "of ecr_repository_factory.create: tag_mutability, exclusion_filters, scan_on_push, "
    "encryption, kms_key, tags).",
    "ecr_image(**options): options for the ecr_image fixture (the keywords of "
    "ecr_image_factory.push: tags, layers, layer_size, manifest_format, platforms, seed, "
    "artifact_type, subject).",
)


@dataclass(frozen=True)
class ContractMark:
    """What a test's ``ecr_contract`` markers say, the closest one winning each field.

    ``tier`` and ``source``: the evidence the expectation rests on; a test that names none
    rests on reasoning alone (``inferred``).
    """

    operation: str | None
    aspect: str | None
    triggers: str | None
    tier: str = "inferred"
    source: str = ""

    @property
    def complete(self) -> bool:
        return self.operation is not None and self.aspect is not None


def contract_of(item: pytest.Item) -> ContractMark | None:
    """The contract a test belongs to, or ``None`` for a test that is no contract."""
    operation = aspect = triggers = tier = source = None
    found = False
    for marker in item.iter_markers(CONTRACT_MARKER):
        found = True
        args = list(marker.args)
        operation = operation or marker.kwargs.get("operation", args[0] if args else None)
        aspect = aspect or marker.kwargs.get("aspect", args[1] if len(args) > 1 else None)
        if triggers is None and "triggers" in marker.kwargs:
            triggers = str(marker.kwargs["triggers"])
        if tier is None and marker.kwargs.get("tier"):
            tier = str(marker.kwargs["tier"])
            source = str(marker.kwargs.get("source") or "")
    if not found:
        return None
    return ContractMark(operation, aspect, triggers, tier or "inferred", source or "")


def check_contract_marks(items: list[pytest.Item]) -> list[str]:
    """What is wrong with the ``ecr_contract`` markers of ``items`` (an operation the
    installed model does not have, an unknown aspect); nothing is loaded when no item
    is a contract."""
    marks = [(item, mark) for item in items if (mark := contract_of(item)) is not None]
    marks = [(item, mark) for item, mark in marks if mark.operation or mark.aspect]
    if not marks:
        return []
    from .model import load_model

    operations = set(load_model().operation_names)
    problems = []
    for item, mark in marks:
        if mark.operation not in operations:
            problems.append(
                f"{item.nodeid}: {CONTRACT_MARKER} operation {mark.operation!r} is not "
                "an operation of the installed botocore ECR model"
            )
        if mark.tier not in TIERS:
            problems.append(
                f"{item.nodeid}: {CONTRACT_MARKER} tier {mark.tier!r} is not one of "
                f"{', '.join(TIERS)}"
            )
        elif mark.tier in ("aws-verified", "documented") and not mark.source.strip():
            problems.append(
                f"{item.nodeid}: {CONTRACT_MARKER} tier {mark.tier!r} needs its source= "
                "(owner/repo#N, or the documentation page)"
            )
        if mark.aspect not in ASPECTS:
            problems.append(
                f"{item.nodeid}: {CONTRACT_MARKER} aspect {mark.aspect!r} is not one of "
                f"{', '.join(ASPECTS)}"
            )
    return problems
