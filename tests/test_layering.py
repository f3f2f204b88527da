"""The import graph keeps the layering: corpus -> indexer -> retriever -> api / tui.

Lazy imports inside functions count too (they are how heavy modules are loaded), so the test
reads every ``import`` statement in the source, not ``sys.modules`` after an import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"indexer": 1, "retriever": 2, "api": 3, "tui": 3}
# Storage engines are reached only through the store (indexer/stores) above the indexer.
STORAGE = ("sqlite3", "faiss", "psycopg", "pgvector", "indexer.store", "indexer.vectors",
           "indexer.stores.sqlite", "indexer.stores.postgres")
# The evaluation's naive baseline builds its own throwaway flat index, not a store.
ALLOWED = {("retriever/baselines.py", "indexer.vectors")}


def _imports(path: Path, package: str | None = None) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = package or path.relative_to(ROOT).parts[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: inside the same package
                base = package + ("." + base if base else "")
            out.append((base, node.lineno))
            out += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return out


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _matches(name: str, module: str) -> bool:
    return name == module or name.startswith(module + ".")


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_no_package_imports_a_layer_above_or_beside_it(package: str) -> None:
    bad = []
    for path in _sources(package):
        for name, line in _imports(path):
            top = name.split(".")[0]
            if top in LAYERS and top != package and LAYERS[top] >= LAYERS[package]:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert not bad, "layering broken:\n" + "\n".join(bad)


@pytest.mark.parametrize("package", ["retriever", "api", "tui"])
def test_storage_is_reached_only_through_the_store(package: str) -> None:
    bad = []
    for path in _sources(package):
        rel = path.relative_to(ROOT).as_posix()
        for name, line in _imports(path):
            hit = next((m for m in STORAGE if _matches(name, m)), None)
            if hit and (rel, hit) not in ALLOWED:
                bad.append(f"{rel}:{line} imports {name}")
    assert not bad, "storage imported around indexer/stores:\n" + "\n".join(bad)


def test_the_checker_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    """A test that cannot fail is a defect: the parser must catch an import inside a function
    and resolve a relative one to its package."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    import sqlite3\n    from api import app\n"
                     "from .search import hybrid\n", encoding="utf-8")
    names = [n for n, _ in _imports(probe, "retriever")]
    assert "sqlite3" in names and "api.app" in names and "retriever.search.hybrid" in names
