"""Imports point one way: web -> matcher -> solver; OR-Tools lives in one module.

The solver stays pure (no network I/O), and callers use its public API only.
The wall clock is read in ``matcher/clock.py`` only. Services never commit: the
web request or a job in ``matcher/jobs/`` owns the transaction.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "solver": {"matcher", "web", "flask", "sqlalchemy"},
    "matcher": {"web", "flask", "flask_babel", "flask_wtf", "flask_login", "werkzeug"},
}
NETWORK_MODULES = ("urllib", "requests", "http.client", "socket", "httpx")
"""Modules that reach the network: a road router does I/O, so it lives in the domain."""


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


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name the file imports (``from a.b import c`` gives ``a.b``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _is_network(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in NETWORK_MODULES)


def test_solver_does_no_network_io() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if _is_network(m))
        for path in (ROOT / "solver").rglob("*.py")
        if any(_is_network(m) for m in imported_modules(path))
    }
    assert offenders == {}


def test_callers_use_the_solvers_public_api() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.startswith("solver.")
        )
        for package in ("matcher", "web")
        for path in (ROOT / package).rglob("*.py")
        if any(m.startswith("solver.") for m in imported_modules(path))
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


WALL_CLOCK_READS = {("date", "today"), ("datetime", "today"), ("datetime", "now")}
WALL_CLOCK_READS |= {("datetime", "utcnow"), ("time", "time"), ("time", "time_ns")}
"""(object, method) calls that read the wall clock; ``time.monotonic`` measures durations only."""


def wall_clock_reads(path: Path) -> list[str]:
    """``date.today()``, ``dt.datetime.now(...)`` and the like, as ``line: call``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
        if (name, node.func.attr) in WALL_CLOCK_READS:
            found.append(f"{node.lineno}: {name}.{node.func.attr}()")
    return found


def test_the_wall_clock_is_read_in_matcher_clock_only() -> None:
    offenders = {
        str(path.relative_to(ROOT)): wall_clock_reads(path)
        for package in ("solver", "matcher", "web")
        for path in (ROOT / package).rglob("*.py")
        if wall_clock_reads(path) and path != ROOT / "matcher" / "clock.py"
    }
    assert offenders == {}
    reads = [call.split(": ")[1] for call in wall_clock_reads(ROOT / "matcher" / "clock.py")]
    assert reads == ["datetime.now()"]


COMMITTERS = {"matcher/jobs", "matcher/db.py", "matcher/migrate.py", "matcher/migrations"}
"""Where ``matcher`` may commit: jobs that own their sessions, ``db.session_scope`` itself,
and the schema migrations."""


def commits(path: Path) -> list[str]:
    """``x.commit()``, ``x.begin()`` and ``session_scope(...)`` units of work, as ``line: call``.

    A ``with engine.begin()`` block commits when it ends; ``begin_nested`` (a
    savepoint inside the caller's transaction) does not and is allowed.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("commit", "begin"):
            found.append(f"{node.lineno}: .{func.attr}()")
        elif getattr(func, "id", getattr(func, "attr", None)) == "session_scope":
            found.append(f"{node.lineno}: session_scope()")
    return found


def test_services_never_commit() -> None:
    def allowed(path: Path) -> bool:
        relative = path.relative_to(ROOT).as_posix()
        return any(relative == c or relative.startswith(c + "/") for c in COMMITTERS)

    offenders = {
        str(path.relative_to(ROOT)): commits(path)
        for path in (ROOT / "matcher").rglob("*.py")
        if commits(path) and not allowed(path)
    }
    assert offenders == {}
    assert commits(ROOT / "matcher" / "jobs" / "planner_runs.py")  # the check sees real commits
    assert commits(ROOT / "matcher" / "jobs" / "scheduler_lock.py")  # and engine.begin() blocks


AREAS = (
    "people",
    "demand",
    "planning",
    "plans",
    "queries",
    "jobs",
    "notifications",
    "geo",
    "partners",
)
"""The domain's areas: each package's ``__init__`` declares its public modules in ``__all__``."""


@pytest.mark.parametrize("area", AREAS)
def test_each_area_declares_its_public_modules(area: str) -> None:
    """``__all__`` names every public module of the area (a new module is added there, with
    a line in the package docstring), and nothing that does not exist."""
    package = importlib.import_module(f"matcher.{area}")
    modules = {
        path.stem
        for path in (ROOT / "matcher" / area).glob("*.py")
        if not path.stem.startswith("_")
    }
    declared = set(package.__all__)
    missing = sorted(modules - declared)
    assert missing == [], f"matcher/{area}/__init__.py: add {missing} to __all__ and its docstring"
    unknown = sorted(n for n in declared - modules if not hasattr(package, n))
    assert unknown == [], f"matcher/{area}/__init__.py lists what does not exist: {unknown}"
    for name in modules:
        assert f"``{name}``" in (package.__doc__ or ""), f"say what {area}.{name} is for"
    star: dict[str, object] = {}
    exec(f"from matcher.{area} import *", star)  # every declared name imports
    assert declared <= set(star)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_form_is_built_on_web_forms() -> None:
    """``web/forms.py`` adds the rules every field has (no control characters): no form skips it."""
    import wtforms

    from web import forms

    for path in (ROOT / "web").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        importlib.import_module(module.removesuffix(".__init__"))
    offenders = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in _subclasses(wtforms.Form)
        if cls.__module__.startswith("web.") and not issubclass(cls, forms.Form | forms.FlaskForm)
    )
    assert offenders == []
