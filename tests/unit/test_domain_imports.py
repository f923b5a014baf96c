"""The domain knows nothing of storage, the web or the application.

Its modules import only the standard library and ``eventsourcing.domain``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED_THIRD_PARTY = {"eventsourcing.domain"}


def imported_modules(source: str) -> set[str]:
    """Every absolute module a source file imports (relative imports stay inside the package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def is_allowed(module: str) -> bool:
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top == "domain" or module in ALLOWED_THIRD_PARTY


MODULES = sorted(DOMAIN.glob("**/*.py"))


def test_the_domain_package_has_modules_to_check() -> None:
    assert {p.name for p in MODULES} >= {"goal.py", "plan.py", "checkin.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_domain_module_imports_only_the_standard_library_and_eventsourcing_domain(
    path: Path,
) -> None:
    forbidden = sorted(m for m in imported_modules(path.read_text()) if not is_allowed(m))
    assert forbidden == [], f"{path.name} imports {forbidden}"


def test_the_check_would_catch_a_forbidden_import() -> None:
    source = (
        "import flask\nfrom eventsourcing.application import Application\nfrom tracker import x\n"
    )
    assert sorted(m for m in imported_modules(source) if not is_allowed(m)) == [
        "eventsourcing.application",
        "flask",
        "tracker",
    ]
