"""The layers, read from the source: data → indexer → matcher → web, and no import cycles.

Every ``import`` and ``from … import`` in the four packages counts, at module level or inside a
function (a lazy import hides a dependency, it does not remove it). An import is an edge to
the module it names: ``from data.models import Feedback`` is an edge to ``data.models``,
``from data.workflows import records`` one to ``data.workflows.records``. Importing a submodule
also runs its package's ``__init__``; that implicit edge is not counted (a package that imports
its submodules would otherwise be in a cycle with each of them), the explicit ones are.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("data", "indexer", "matcher", "web")  # each may import only those before it
TOOL_ROOMS = ("indexer.tools", "matcher.evaluation", "web.tools")  # what only a command runs
COMMAND_LINE = ("web.cli", "web.cli_index")  # where the commands that run the tools are registered


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def find_modules(root: Path, packages: Iterable[str] = LAYERS) -> dict[str, Path]:
    """Every module of ``packages`` under ``root``, by dotted name."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            modules[module_name(path, root)] = path
    return modules


def imported_modules(path: Path, name: str, modules: Iterable[str]) -> set[str]:
    """The modules of ours a module's source imports, anywhere in the file: ``from pkg import
    name`` is an edge to the submodule ``pkg.name`` when there is one, else to ``pkg``."""
    known = set(modules)
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(_nearest(alias.name, known) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package upwards
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            for alias in node.names:
                submodule = f"{prefix}.{alias.name}"
                found.add(submodule if submodule in known else _nearest(prefix, known))
    return found - {None, name}


def _nearest(dotted: str, known: set[str]) -> str | None:
    """The module itself, or the closest package of ours above it (None: not ours)."""
    parts = dotted.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts) or None


def import_graph(root: Path = ROOT, packages: Iterable[str] = LAYERS) -> dict[str, set[str]]:
    """``{module: modules of ours it imports}`` over the modules of ``packages``."""
    modules = find_modules(root, packages)
    return {name: imported_modules(path, name, modules) for name, path in modules.items()}


def layer_of(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{source} imports {target}" for source, targets in graph.items()
                  for target in targets if layer_of(target) > layer_of(source))


def in_room(module: str, rooms: Iterable[str]) -> bool:
    return any(module == room or module.startswith(room + ".") for room in rooms)


def tool_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a tools room by a module that is neither in one nor the command line."""
    return sorted(f"{source} imports {target}" for source, targets in graph.items()
                  if not in_room(source, TOOL_ROOMS + COMMAND_LINE)
                  for target in targets if in_room(target, TOOL_ROOMS))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan), as a
    path that starts and ends with the same module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:  # recursive: the graph is a few hundred modules
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(graph, component) for component in components]


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    return paths[node] + [start]
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a strongly connected component has one


def test_the_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert "data.models" in graph["data.workflows.feedback"]  # from data.models import …
    assert "data.workflows.feedback" in graph["matcher.recommend"]
    assert "web.api" in graph["web"]  # an import inside create_app


def test_no_layer_imports_a_higher_one() -> None:
    found = upward_imports(import_graph())
    assert not found, "a lower layer imports a higher one (data → indexer → matcher → web):\n" + "\n".join(found)


def test_no_import_cycles() -> None:
    found = cycles(import_graph())
    assert not found, "import cycles (one per knot of modules):\n" + "\n".join(" → ".join(cycle) for cycle in found)


def test_only_the_command_line_imports_the_tools() -> None:
    found = tool_imports(import_graph())
    assert not found, ("code a request or a job runs imports a benchmark, fuzzer or other tool "
                       f"({', '.join(TOOL_ROOMS)}):\n" + "\n".join(found))


def test_the_checks_catch_a_planted_cycle_and_an_upward_import(tmp_path: Path) -> None:
    for package, files in {
        "data": {"__init__.py": "", "a.py": "from data import b\n",
                 "b.py": "def f():\n    from .c import x\n", "c.py": "import data.a\nimport web.v\n"},
        "web": {"__init__.py": "", "v.py": "from data.a import y\n"},
    }.items():
        (tmp_path / package).mkdir()
        for file, text in files.items():
            (tmp_path / package / file).write_text(text, encoding="utf-8")
    graph = import_graph(tmp_path, ("data", "web"))
    assert cycles(graph) == [["data.a", "data.b", "data.c", "data.a"]]
    assert upward_imports(graph) == ["data.c imports web.v"]


def test_the_tools_check_catches_a_view_importing_a_tool() -> None:
    graph = {"web.pages.browse": {"web.tools.fuzz"}, "web.cli": {"web.tools.fuzz"},
             "web.tools.fuzz": {"web.tools.loadtest"}, "matcher.evaluation.bench": {"indexer.tools.bench"}}
    assert tool_imports(graph) == ["web.pages.browse imports web.tools.fuzz"]
