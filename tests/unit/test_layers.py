"""The package's layers: imports run only downward, and no module imports itself in a circle.

The order is the pipeline's (docs/ARCHITECTURE.md): a package may import from packages
of a lower rank or from modules of its own; lazy imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "augman"

RANKS = {
    "errors": 0, "version": 0, "printable": 0,
    "options": 1, "jsontext": 1,
    "inputs": 2,
    "groundtruth": 2,
    "checking": 3,
    "recordio": 4, "outputs": 4, "refs": 4,
    "selecting": 5, "streaming": 5, "statistics": 5, "refcheck": 5,
    "reporting": 6, "previewing": 6, "jobs": 6,
    "api": 7,
    "cli": 8, "__main__": 9, "__init__": 9,
}  # fmt: skip


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The augman modules that ``path`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("augman")}


def unit(module: str) -> str:
    """What a module's rank is looked up by: its package, or the module at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


GRAPH = {name: imports_of(path, set(modules())) for name, path in modules().items()}


def test_every_module_has_a_rank() -> None:
    assert {unit(name) for name in GRAPH} <= set(RANKS)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_downward(module: str) -> None:
    upward = [
        target
        for target in GRAPH[module]
        if unit(target) != unit(module) and RANKS[unit(target)] >= RANKS[unit(module)]
    ]
    assert not upward, f"{module} imports {upward}, which are not below it"


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH.get(name, ())):
            if target == name or target not in GRAPH:
                continue
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)


def test_the_checker_finds_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from augman.cli import app\n")
    assert imports_of(bad, set(GRAPH)) == {"augman.cli"}
