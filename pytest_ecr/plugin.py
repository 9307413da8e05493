"""pytest-ecr's registration: the ``ecr`` options and ini keys, the markers, the fixtures,
and the plugin objects a run needs (each in its own module, registered only where it
applies)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from .markers import LINES
from .settings import SETTINGS_KEY, SPECS, SettingsError, resolve_settings


def _not_rewritten() -> None:
    """pytest rewrites the asserts of every module of an installed plugin's distribution,
    and where it cannot cache the result (``PYTHONDONTWRITEBYTECODE``, a read-only
    site-packages) every run compiles the plugin's modules again: about 40 ms of a run that
    does not use ECR (``bench/startup.py``). No assert of this package is one a user
    reads (the contracts report through their own exceptions), so only this module is
    rewritten. pytest keeps the marks in its import hook; a pytest without them is left
    as it is."""
    for hook in sys.meta_path:
        marked = getattr(hook, "_must_rewrite", None)
        cache = getattr(hook, "_marked_for_rewrite_cache", None)
        if isinstance(marked, set) and "pytest_ecr" in marked:
            marked.discard("pytest_ecr")
            if isinstance(cache, dict):
                cache.clear()


_not_rewritten()

#: The fixtures (``ecr_client``, ``ecr_repository``, ...), registered with the plugin.
pytest_plugins = ("pytest_ecr.fixtures",)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ecr", "ECR contracts and fixtures (pytest-ecr)")
    for spec in SPECS:
        if spec.is_flag:
            group.addoption(spec.flag, action="store_true", default=None, help=spec.help)
        else:
            group.addoption(
                spec.flag,
                default=None,
                choices=spec.choices,
                help=spec.help,
                metavar=spec.metavar or spec.name.upper(),
            )
        if spec.ini:
            parser.addini(spec.ini, help=spec.help, default=None)


def pytest_configure(config: pytest.Config) -> None:
    for line in LINES:
        config.addinivalue_line("markers", line)
    # argparse turns the value of ``--ecr-region=--`` into an empty list.
    cli = {
        spec.name: "--" if (value := config.getoption(spec.flag)) == [] else value for spec in SPECS
    }
    ini = {spec.name: config.getini(spec.ini) for spec in SPECS if spec.ini}
    ini_dir = str(config.inipath.parent) if config.inipath else str(config.rootpath)
    try:
        settings = resolve_settings(cli, ini, ini_dir=ini_dir)
    except SettingsError as exc:
        raise pytest.UsageError(f"pytest-ecr: {exc}") from None
    config.stash[SETTINGS_KEY] = settings
    _register(config)


def _register(config: pytest.Config) -> None:
    from pathlib import Path

    from .conformance import Collector
    from .outcomes import Outcomes
    from .run import RUN_KEY, EcrRun, run_id_for, worker_of
    from .run_hooks import AwsGuard, RunPlugin

    settings = config.stash[SETTINGS_KEY]
    run = EcrRun(settings, run_id_for(config, settings), config.rootpath, worker_of(config))
    config.stash[RUN_KEY] = run
    worker = hasattr(config, "workerinput")
    plugins = config.pluginmanager
    plugins.register(RunPlugin(run), "ecr-run")
    plugins.register(Outcomes(), "ecr-outcomes")
    plugins.register(Declarations(), "ecr-declarations")
    if settings.deviations:
        from .deviations import DeviationsPlugin

        plugins.register(
            DeviationsPlugin(Path(settings.deviations), run.outcome_target()), "ecr-deviations"
        )
    collector = Collector(config, lambda: _report_meta(config))
    if not worker:
        plugins.register(collector, "ecr-collector")
    if settings.reference:
        from .reference.summary import ReferencePlugin

        plugins.register(ReferencePlugin(run, collector), "ecr-reference")
    if settings.target == "aws" and not worker:
        plugins.register(AwsGuard(run), "ecr-aws-guard")
    if not worker:
        run.preflight()


class Declarations:
    """Hands a module's ``Contract`` declaration to :mod:`pytest_ecr.suite.declaration`,
    which only a module that made one has imported: a session without contract modules
    never loads the suite (and the model behind it)."""

    @staticmethod
    def _plugin() -> Any:
        module = sys.modules.get("pytest_ecr.suite.declaration")
        return module.DeclarationPlugin() if module is not None else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makeitem(
        self, collector: pytest.Collector, name: str, obj: object
    ) -> list[pytest.Item | pytest.Collector] | None:
        plugin = self._plugin()
        if plugin is None:
            return None
        made: list[pytest.Item | pytest.Collector] | None = plugin.pytest_pycollect_makeitem(
            collector, name, obj
        )
        return made

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        plugin = self._plugin()
        if plugin is not None:
            plugin.pytest_collection_modifyitems(config, items)


def _report_meta(config: pytest.Config) -> dict[str, Any]:
    import botocore

    from . import __version__
    from .run import RUN_KEY

    settings = config.stash[SETTINGS_KEY]
    run = config.stash[RUN_KEY]
    return {
        "target": settings.target,
        "label": settings.label or run.outcome_target(),
        "enforce_model": settings.enforce_model,
        "outcomes_of": run.outcome_target(),
        "endpoint": (
            "in-process"
            if settings.target == "moto"
            else "cassettes"
            if settings.target == "replay"
            else run.target.endpoint_url or settings.endpoint_url
        ),
        "region": settings.region,
        "botocore": botocore.__version__,
        "pytest_ecr": __version__,
    }
