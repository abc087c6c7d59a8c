"""The direction of imports: libraries point one way, the application joins them.

The contracts live in pyproject.toml ([tool.importlinter]); these tests run them, add the one
rule import-linter cannot say (graph may use loaders.columns, nothing else of loaders), and
show on a copy of the tree that an upward import breaks them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("tracegraph", "loaders", "graph", "queries", "viz", "exports")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    # the copy's packages first on the path, ahead of the editable install of the repo
    env = {**os.environ, "PYTHONPATH": str(root)}
    # run where the copy's pyproject.toml is: lint-imports reads the contracts from there
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def test_import_contracts_are_kept():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_graph_uses_only_the_column_names_of_loaders():
    imports = grimp.build_graph(*PACKAGES)
    used = {(importer, imported)
            for importer in imports.find_descendants("graph") | {"graph"}
            for imported in imports.find_modules_directly_imported_by(importer)
            if imported == "loaders" or imported.startswith("loaders.")}
    assert {imported for _, imported in used} <= {"loaders.columns"}, sorted(used)


def test_an_upward_import_breaks_the_contract(tmp_path):
    if not LINT.exists():
        pytest.skip(f"lint-imports is not installed beside {sys.executable}")
    for name in (*PACKAGES, "pyproject.toml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    assert _lint(tmp_path).returncode == 0
    columns = tmp_path / "loaders" / "columns.py"
    columns.write_text(columns.read_text() + "\nimport tracegraph.settings  # noqa\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "loaders.columns -> tracegraph.settings" in result.stdout
