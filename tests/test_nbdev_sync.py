"""The notebooks are the source: exporting them must reproduce physix/ exactly, and they must be clean.

Both checks run on a copy of the project, so running the tests never changes your working tree.
"""
import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _copy_project(dst: Path) -> Path:
    for name in ("settings.ini", "setup.py", "pyproject.toml", "README.md"):
        if (ROOT / name).exists(): shutil.copy2(ROOT / name, dst / name)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "nbs", dst / "nbs", ignore=ignore)
    shutil.copytree(ROOT / "physix", dst / "physix", ignore=ignore)
    return dst


def _differences(a: Path, b: Path, pattern: str) -> list[str]:
    names = sorted({p.relative_to(a) for p in a.rglob(pattern)} | {p.relative_to(b) for p in b.rglob(pattern)})
    return [str(n) for n in names
            if not ((a / n).exists() and (b / n).exists() and filecmp.cmp(a / n, b / n, shallow=False))]


def test_nbdev_export_changes_nothing(tmp_path):
    copy = _copy_project(tmp_path)
    subprocess.run([str(BIN / "nbdev_export")], cwd=copy, check=True)
    changed = _differences(ROOT / "physix", copy / "physix", "*.py")
    assert not changed, f"nbdev_export changes {changed}: edit nbs/, run nbdev_export and commit physix/"


def test_nbdev_clean_changes_nothing(tmp_path):
    copy = _copy_project(tmp_path)
    subprocess.run([str(BIN / "nbdev_clean")], cwd=copy, check=True)
    changed = _differences(ROOT / "nbs", copy / "nbs", "*.ipynb")
    assert not changed, f"nbdev_clean changes {changed}: run nbdev_clean and commit nbs/"
