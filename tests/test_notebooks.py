"""Run every notebook under nbs/ as a test, the way `nbdev_test` does.

Cells marked with a flag from settings.ini's `tst_flags` (e.g. `#| slow`) are skipped unless the flag is
listed in the environment variable PHYSIX_TEST_FLAGS (space-separated), e.g. `PHYSIX_TEST_FLAGS=slow pytest`.
"""
import os
from pathlib import Path

import pytest
import nbdev.test as nbdev_test  # the module, not `test_nb` itself, or pytest would collect it
from nbdev.config import get_config

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT / "nbs"
NOTEBOOKS = sorted(p for p in NBS.rglob("*.ipynb")
                   if not any(part.startswith((".", "_")) for part in p.relative_to(NBS).parts))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(NBS)))
def test_notebook(notebook):
    skip_flags = get_config(path=ROOT).get("tst_flags", "").split()
    force_flags = os.environ.get("PHYSIX_TEST_FLAGS", "").split()
    ok, seconds = nbdev_test.test_nb(notebook, skip_flags=skip_flags, force_flags=force_flags, basepath=ROOT)
    assert ok, f"{notebook.name} failed (see the traceback above)"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2, f"expected the core and data notebooks under {NBS}, found {NOTEBOOKS}"
