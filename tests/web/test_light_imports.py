"""A web worker loads neither the solver's search nor its compiled kernels.

OR-Tools, numba (with llvmlite), numpy and geopy are about 100 MB of a process;
only the planner's child process needs them. Checked in a fresh interpreter,
since the test run itself has imported everything long before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("ortools", "numba", "llvmlite", "numpy", "geopy", "openpyxl")

WORKER = """
import json, sys
import web

app = web.create_app(
    {
        "TESTING": True,
        "DATABASE_URL": sys.argv[1],
        "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False,
        "BABEL_DEFAULT_LOCALE": "en",
    },
    instance_path=sys.argv[2],
)
client = app.test_client()
statuses = [client.get(url).status_code for url in ("/register/rider", "/register/driver")]
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_serving_the_rider_form_loads_no_solver_kernels(database_url: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, str(tmp_path / "instance")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["statuses"] == [200, 200]
    assert [name for name in HEAVY if name in found["loaded"]] == []


@pytest.mark.parametrize(
    "name", ["solve", "Progress", "SolverError", "build_matrix", "GeodesicTravelModel"]
)
def test_the_lazy_solver_names_still_load_on_use(name: str) -> None:
    import solver

    assert getattr(solver, name) is getattr(
        sys.modules[
            "solver.solving" if name in ("solve", "Progress", "SolverError") else "solver.travel"
        ],
        name,
    )


@pytest.mark.parametrize(
    "first", ["solver.Progress", "solver.SolverError", "__import__('solver.solving')"]
)
def test_solve_is_the_function_whatever_loads_it_first(first: str) -> None:
    # A submodule import binds the submodule as an attribute of the package: had it the
    # function's name, solver.solve would be a module after e.g. unpickling a SolverError.
    done = subprocess.run(
        [sys.executable, "-c", f"import solver; {first}; print(callable(solver.solve))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "True"


def test_an_unknown_solver_name_is_an_attribute_error() -> None:
    import solver

    with pytest.raises(AttributeError, match="no_such_thing"):
        solver.no_such_thing  # noqa: B018
