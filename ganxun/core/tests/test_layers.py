"""The layers of the apps: a lower app never imports a higher one (docs/architecture.md, "Layers").

Every import in ganxun/**/*.py is read with ``ast`` (module level and inside functions, absolute and relative),
migrations and test packages aside: tests may use any app's factories, and core's tests hold the project-wide
permission matrix and fuzz.  A lower app reaches a higher one only through a hook the higher fills in its
AppConfig.ready (``ganxun/core/hooks.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

# Lowest first.  An app may import itself and any app before it in this list.
LAYERS = (
    "core",
    "audit",
    "accounts",
    "roster",
    "hours",
    "training",
    "attendance",
    "practice",
    "online",
    "microclass",
    "study",
    "lectures",
    "plans",
    "nominations",
    "menu",
    "rotation",
    "reception",
    "sites",
    "reminders",
    "orgstats",
    "dashboard",
    "yearend",
    "demo",
)

PACKAGE = Path(__file__).resolve().parents[2]  # ganxun/


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, dotted module) of every import in ``source``, the module named ``module`` (for relative imports)."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # ``from ganxun import training`` names the app in the imported names.
            if name == "ganxun":
                found.extend((node.lineno, f"ganxun.{alias.name}") for alias in node.names)
    return found


def violations(source: str, module: str) -> list[str]:
    """Where ``source`` (the module ``module``, e.g. ``ganxun.hours.views``) imports an app of a higher layer."""
    own = module.split(".")[1]
    problems = []
    for line, name in imported_modules(source, module):
        parts = name.split(".")
        if parts[0] != "ganxun" or len(parts) < 2 or parts[1] == own or parts[1] not in LAYERS:
            continue
        if LAYERS.index(parts[1]) > LAYERS.index(own):
            problems.append(f"{module}:{line} imports {name} ({own} is below {parts[1]})")
    return problems


def source_files() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if len(path.relative_to(PACKAGE).parts) > 1
        and "migrations" not in path.parts
        and "tests" not in path.relative_to(PACKAGE).parts
    ]


def module_of(path: Path) -> str:
    parts = ("ganxun", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_app_has_a_layer():
    apps = {path.name for path in PACKAGE.iterdir() if (path / "apps.py").exists()}
    assert apps, "no apps found: the test looks in the wrong place"
    assert apps <= set(LAYERS), f"place these apps in LAYERS and docs/architecture.md: {sorted(apps - set(LAYERS))}"


def test_no_app_imports_a_higher_layer():
    files = source_files()
    assert len(files) > 50, "too few files found: the test looks in the wrong place"
    problems = [problem for path in files for problem in violations(path.read_text(), module_of(path))]
    assert not problems, "a lower layer imports a higher one:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from ganxun.training.models import Session\n", "ganxun.hours.views.learning"),
        ("def view():\n    from ganxun.attendance import services\n", "ganxun.training.views"),
        ("import ganxun.roster.models\n", "ganxun.core.views"),
        ("from ganxun import demo\n", "ganxun.roster.services"),
        ("from ...training import models\n", "ganxun.hours.views.learning"),
    ],
)
def test_an_import_upwards_is_found(source, module):
    assert violations(source, module)


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from ganxun.hours.models import LedgerEntry\n", "ganxun.training.services"),
        ("from ..models import LedgerEntry\n", "ganxun.hours.views.learning"),
        ("from ganxun.core.hooks import Hook\n", "ganxun.audit.apps"),
        ("from django.db import models\n", "ganxun.core.views"),
    ],
)
def test_an_import_downwards_or_within_is_allowed(source, module):
    assert not violations(source, module)
