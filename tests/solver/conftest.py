"""Make ``solver_kit`` (the line-world builders) importable from the solver tests.

The suite runs with ``--import-mode=importlib``, which does not put test folders on
``sys.path``; this folder's helpers are not part of any installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
