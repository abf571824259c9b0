"""The rooms and the arrows between them (docs/architecture.md): every import, even one inside a function,
points the allowed way, so a newcomer can trust the picture and no import cycle can form."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("apfa", "kb", "ingest", "tools", "agents", "chat", "evals", "cli")

# What each package may import besides itself. `evals` and `cli` are edges: nothing in the product imports them.
ALLOWED = {
    "apfa": set(),
    "kb": {"apfa"},
    "ingest": {"apfa", "kb"},
    "tools": {"apfa", "kb"},
    "agents": {"apfa", "kb", "tools"},
    "chat": {"apfa", "kb", "tools", "agents", "ingest"},
    "evals": {"apfa", "kb", "tools", "agents", "chat", "ingest"},
    "cli": {"apfa", "kb", "tools", "agents", "chat", "ingest", "evals"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every project module this file imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name.split(".")[0] in PACKAGES)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    modules = {name: path for name, path in modules.items() if "migrations" not in name}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        graph[name] = {target for target in _imports(path) if target in modules and target != name}
    return graph


def test_packages_import_only_the_rooms_below_them():
    wrong = [
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if (source := module.split(".")[0]) != (room := target.split(".")[0]) and room not in ALLOWED[source]
    ]
    assert not wrong, "\n".join(wrong)


def test_no_module_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(trail[trail.index(target) :] + [target] if target in trail else [module, target])
            elif target not in state:
                visit(target, trail + [target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" → ".join(cycle) for cycle in cycles)


@pytest.mark.parametrize("package", [p for p in PACKAGES if p not in ("evals", "cli")])
def test_product_code_never_imports_measurement(package: str):
    offenders = [
        module
        for module, targets in _graph().items()
        if module.split(".")[0] == package and any(t.split(".")[0] in ("evals", "cli") for t in targets)
    ]
    assert not offenders
