"""A contract module's declaration: one :class:`Contract` object says what the model
cannot, and the tests the model can say are generated from it.

A module declares::

    CONTRACT = Contract(
        "DescribeImages",
        valid_request=valid_request,
        validation=Evidence("aws-verified", "aws/aws-dotnet-deploy#549"),
    )

and gets, without writing them:

- ``test_validation``: one case per constraint of the input (:mod:`.validation`);
- ``test_missing_repository``: wherever the input has ``repositoryName`` and the model
  lists ``RepositoryNotFoundException`` for the operation;
- ``test_missing_image``: wherever the input names an image (``imageId`` or ``imageIds``)
  and the model lists ``ImageNotFoundException``;
- ``ServerException`` counted as untriggered, with the reason every module gave it;
- the ``ecr_contract`` marker of the operation on every test of the module, and for a
  registry-wide operation, the skip on real AWS without ``--ecr-allow-registry-changes``.

A test the module writes itself under one of those names replaces the generated one. The
plugin checks every declaration when it collects the module (:func:`problems`), so a
contract written by a user of the wheel is checked as the suite's own are.

Every contract test carries its evidence: ``tier=`` and ``source=`` on its
``ecr_contract`` marker (see :data:`pytest_ecr.terms.TIERS`); a generated test takes the
:class:`Evidence` given for it here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import pytest

from ..contract import ContractClient
from ..model import load_model
from ..terms import TIERS
from .reasons import SERVER_EXCEPTION
from .registry import RegistrySettings, SettingName
from .requests import MISSING_DIGEST, MISSING_REPOSITORY
from .scenario import ExistingRepository, FakeScenario, Scenario
from .validation import VALIDATION_ERRORS, Undo, ValidRequest, validation_tests

#: Tiers that must name their source.
SOURCED = ("aws-verified", "documented")


@dataclass(frozen=True)
class Evidence:
    """What an expectation rests on: a tier of :data:`~pytest_ecr.terms.TIERS` and the
    source (``owner/repo#N``, a documentation page), required above ``model``."""

    tier: str
    source: str = ""

    def __post_init__(self) -> None:
        if self.tier not in TIERS:
            raise ValueError(f"evidence tier {self.tier!r} is not one of {', '.join(TIERS)}")
        if self.tier in SOURCED and not self.source.strip():
            raise ValueError(f"evidence of tier {self.tier!r} must name its source")

    def marks(self) -> dict[str, str]:
        return {"tier": self.tier, "source": self.source}


MODEL = Evidence("model", "botocore's ECR model")


@dataclass(frozen=True)
class Contract:
    """What a contract module says about its operation (see the module docstring).

    ``valid_request(scenario)`` gives a complete valid request (or several, where members
    exclude each other); ``untriggered`` the modeled errors no test can trigger on a
    generic target, each with its reason; ``changes`` the registry-wide settings a request
    may change (generated tests run under ``RegistrySettings.changing``, and every test of
    the module is registry-wide); ``registry_wide`` the same guard for an operation that
    changes state of the registry that no setting names; ``undo`` reverses what a target
    that wrongly accepts an invalid request did. ``validation``, ``missing_repository`` and
    ``missing_image`` are the evidence of the generated tests (``None``: not generated).
    """

    operation: str
    valid_request: ValidRequest | None = None
    untriggered: Mapping[str, str] = field(default_factory=dict)
    changes: tuple[SettingName, ...] = ()
    registry_wide: bool = False
    undo: Undo | None = None
    validation: Evidence = MODEL
    missing_repository: Evidence | None = MODEL
    missing_image: Evidence | None = MODEL
    #: Validation cases (by id, e.g. ``"maxResults-max"``) whose evidence is not
    #: ``validation``'s: where sources disagree on a constraint.
    contested: Mapping[str, Evidence] = field(default_factory=dict)

    @property
    def guarded(self) -> bool:
        """Whether the module's tests change registry-wide state."""
        return self.registry_wide or bool(self.changes)

    def all_untriggered(self) -> dict[str, str]:
        modeled = load_model().modeled_errors(self.operation)
        implied = {"ServerException": SERVER_EXCEPTION} if "ServerException" in modeled else {}
        return {**implied, **self.untriggered}

    # -- generation ----------------------------------------------------------------------

    def _input_members(self) -> Mapping[str, Any]:
        shape = load_model().input_shape(self.operation)
        return getattr(shape, "members", {}) if shape is not None else {}

    def image_member(self) -> str | None:
        """The input member that names an image, if the operation models a missing one."""
        if "ImageNotFoundException" not in load_model().modeled_errors(self.operation):
            return None
        for name, member in self._input_members().items():
            if member.name in ("ImageIdentifier", "ImageIdentifierList"):
                return str(name)
        return None

    def generates(self) -> dict[str, Evidence]:
        """The names of the tests the model lets this declaration generate."""
        modeled = load_model().modeled_errors(self.operation)
        out: dict[str, Evidence] = {}
        if self.valid_request is not None:
            out["test_validation"] = self.validation
            if (
                self.missing_repository is not None
                and "repositoryName" in self._input_members()
                and "RepositoryNotFoundException" in modeled
            ):
                out["test_missing_repository"] = self.missing_repository
            if self.missing_image is not None and self.image_member() is not None:
                out["test_missing_image"] = self.missing_image
        return out

    def tests(self, taken: Iterable[str] = ()) -> dict[str, Callable[..., None]]:
        """The generated test functions, but for names the module defines itself."""
        taken = set(taken)
        out: dict[str, Callable[..., None]] = {}
        for name, evidence in self.generates().items():
            if name in taken:
                continue
            assert self.valid_request is not None
            if name == "test_validation":
                out[name] = validation_tests(
                    self.operation,
                    self.valid_request,
                    undo=self.undo,
                    changes=self.changes,
                    case_evidence={k: (v.tier, v.source) for k, v in self.contested.items()},
                    **evidence.marks(),
                )
            elif name == "test_missing_repository":
                out[name] = self._missing_repository(evidence)
            else:
                out[name] = self._missing_image(evidence)
        return out

    def _requests(self, scenario: Any) -> list[dict[str, Any]]:
        assert self.valid_request is not None
        requests = self.valid_request(scenario)
        return [requests] if isinstance(requests, dict) else list(requests)

    def _required(self, request: Mapping[str, Any], keep: str) -> dict[str, Any]:
        """The request's required members, and ``keep``."""
        shape = load_model().input_shape(self.operation)
        required = set(getattr(shape, "required_members", ()) or ()) | {keep}
        return {k: v for k, v in request.items() if k in required}

    def _missing_repository(self, evidence: Evidence) -> Callable[..., None]:
        contract = self

        @pytest.mark.ecr_contract(
            self.operation, "errors", triggers="RepositoryNotFoundException", **evidence.marks()
        )
        def test_missing_repository(
            ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_registry: RegistrySettings
        ) -> None:
            # Well-formed values only: nothing the target has is needed to name a
            # repository it does not have (so no push can block the test).
            fake = FakeScenario()
            request = next(r for r in contract._requests(fake) if "repositoryName" in r)
            request = {**contract._required(request, "repositoryName")}
            request["repositoryName"] = MISSING_REPOSITORY
            guard = ecr_registry.changing(*contract.changes) if contract.changes else nullcontext()
            with guard:
                ecr_contract.expect_error(
                    contract.operation, "RepositoryNotFoundException", **request
                )

        test_missing_repository.__doc__ = (
            f"{self.operation} on a repository that does not exist answers "
            "RepositoryNotFoundException (HTTP 400)."
        )
        return test_missing_repository

    def _missing_image(self, evidence: Evidence) -> Callable[..., None]:
        contract = self
        member = self.image_member()
        assert member is not None

        @pytest.mark.ecr_contract(
            self.operation, "errors", triggers="ImageNotFoundException", **evidence.marks()
        )
        def test_missing_image(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
            existing = ExistingRepository(ecr_scenario)
            request = next(r for r in contract._requests(existing) if member in r)
            request = contract._required(request, member)
            missing = {"imageDigest": MISSING_DIGEST}
            request[member] = [missing] if isinstance(request[member], list) else missing
            ecr_contract.expect_error(contract.operation, "ImageNotFoundException", **request)

        test_missing_image.__doc__ = (
            f"{self.operation} of an image the repository does not have answers "
            "ImageNotFoundException (HTTP 400)."
        )
        return test_missing_image

    # -- checks -------------------------------------------------------------------------

    def problems(self, triggered: Iterable[str]) -> list[str]:
        """What is wrong with the declaration, given the codes its module's own tests
        declare with ``triggers=``."""
        model = load_model()
        if self.operation not in model.operation_names:
            return [f"{self.operation!r} is not an operation of the installed botocore model"]
        modeled = model.modeled_errors(self.operation)
        untriggered = self.all_untriggered()
        out = [
            f"untriggered {code}: the reason must say why (at least 20 characters)"
            for code, reason in untriggered.items()
            if len(reason.strip()) < 20
        ]
        generated = self.generates()
        by_tests = set(triggered)
        if "test_missing_repository" in generated:
            by_tests.add("RepositoryNotFoundException")
        if "test_missing_image" in generated:
            by_tests.add("ImageNotFoundException")
        by_validation = modeled & VALIDATION_ERRORS if "test_validation" in generated else set()
        both = by_tests & set(self.untriggered)
        if both:
            out.append(f"both triggered and listed as untriggered: {sorted(both)}")
        unaccounted = modeled - by_tests - set(untriggered) - by_validation
        if unaccounted:
            out.append(f"modeled errors neither triggered nor untriggered: {sorted(unaccounted)}")
        unknown = (by_tests | set(untriggered)) - modeled
        if unknown:
            out.append(f"errors the model does not list for {self.operation}: {sorted(unknown)}")
        return out


class DeclarationPlugin:
    """Collects the tests a module's ``Contract`` generates, marks the module's tests with
    its operation (and guards registry-wide ones on real AWS), and refuses a declaration
    with problems before anything runs."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(
        self, collector: pytest.Collector, name: str, obj: object
    ) -> list[pytest.Item | pytest.Collector] | None:
        if not isinstance(obj, Contract) or not isinstance(collector, pytest.Module):
            return None
        module = collector.obj
        triggered = [
            str(mark.kwargs["triggers"])
            for value in vars(module).values()
            if callable(value)
            for mark in getattr(value, "pytestmark", [])
            if mark.name == "ecr_contract" and "triggers" in mark.kwargs
        ]
        problems = obj.problems(triggered)
        if problems:
            raise collector.CollectError(
                f"pytest-ecr: {collector.nodeid}: the Contract declaration of "
                f"{obj.operation}:\n  " + "\n  ".join(problems)
            )
        items: list[pytest.Item | pytest.Collector] = []
        for test_name, function in obj.tests(taken=vars(module)).items():
            # pytest finds a test function on its module by name.
            setattr(module, test_name, function)
            made = collector.ihook.pytest_pycollect_makeitem(
                collector=collector, name=test_name, obj=function
            )
            items += list(made or [])
        return items

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        from ..settings import SETTINGS_KEY

        settings = config.stash[SETTINGS_KEY]
        for item in items:
            module = getattr(item, "module", None)
            declaration = getattr(module, "CONTRACT", None)
            if not isinstance(declaration, Contract):
                continue
            item.add_marker(pytest.mark.ecr_contract(declaration.operation))
            if (
                declaration.guarded
                and settings.target == "aws"
                and not settings.allow_registry_changes
            ):
                item.add_marker(
                    pytest.mark.skip(
                        reason="changes registry-wide settings of a real AWS account; pass "
                        "--ecr-allow-registry-changes to run it (the prior state is restored)"
                    )
                )
