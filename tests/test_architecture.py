"""Imports point one way: web -> matcher -> solver; OR-Tools lives in one module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "solver": {"matcher", "web", "flask", "sqlalchemy"},
    "matcher": {"web", "flask", "flask_babel", "flask_wtf", "flask_login"},
}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upwards(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_levels(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if imported_top_levels(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_ortools_is_imported_in_one_module_only() -> None:
    importers = sorted(
        str(path.relative_to(ROOT))
        for package in ("solver", "matcher", "web")
        for path in (ROOT / package).rglob("*.py")
        if "ortools" in imported_top_levels(path)
    )
    assert importers == ["solver/_ortools.py"]
