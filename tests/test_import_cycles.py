"""No import cycle among the runtime imports of bot/, adapters/, storage/ and paperbot/.

A cycle makes import order matter and hides a missing boundary. Imports under ``TYPE_CHECKING``
do not run and are left out. Importing ``a.b.c`` also runs the packages ``a`` and ``a.b``, so those
count too — except a module's own enclosing packages, which are already being imported.
"""
from __future__ import annotations

import grimp

PACKAGES = ("bot", "adapters", "storage", "paperbot")


def _ancestors(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def runtime_edges() -> dict[str, set[str]]:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    modules = set(graph.modules)
    edges: dict[str, set[str]] = {}
    for module in modules:
        direct = set(graph.find_modules_directly_imported_by(module)) & modules
        implied = {parent for target in direct for parent in _ancestors(target)} - _ancestors(module)
        edges[module] = (direct | (implied & modules)) - {module}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_in_runtime_imports() -> None:
    assert cycles(runtime_edges()) == []


def test_the_check_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
