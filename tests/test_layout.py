"""The house's shape, read from the source: stages import downwards only, no import circles, gradio
only in the app module, and no long file without a reason.

Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGES = ("assistant", "ingest", "evals")
MAX_LINES = 400

# Each stage may import its own stage and the ones before it, never a later one.
STAGES = (
    ("ingest",),
    ("assistant.settings", "assistant.calibration", "assistant.route", "assistant.onnx_export", "assistant.large_model", "assistant.embedding",
     "assistant.notice", "assistant.sections"),
    ("assistant.retrieve",),
    ("assistant.kinds", "assistant.answer", "assistant.llm"),
    ("assistant.pipeline", "assistant.feedback", "assistant.quiz", "assistant.changes"),
    ("assistant.library", "assistant.ask"),
    ("assistant.ui",),
    ("assistant.cli", "assistant.train_router", "assistant.train_embedder", "evals"),
)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules a file imports, anywhere in it (a package import counts as its __init__)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                out.add(name)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _stage(module: str) -> int:
    for i, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES")


def test_every_module_belongs_to_a_stage_and_imports_only_its_own_or_earlier_stages():
    graph = _graph()
    upward = [(m, d) for m, deps in graph.items() for d in deps
              if m not in PACKAGES and d not in PACKAGES and _stage(d) > _stage(m)]
    assert upward == []


def test_ingest_imports_nothing_from_the_product():
    graph = _graph()
    assert {(m, d) for m, deps in graph.items() if m.startswith("ingest") for d in deps
            if not d.startswith("ingest")} == set()


def test_no_circle_of_imports():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            # A package and its own submodules (``assistant.route`` re-exporting its router) are one unit.
            if len(component) > 1 and len({c.split(".")[0:2][-1] for c in component}) > 1:
                circles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert circles == []


def test_gradio_is_imported_only_by_the_app_module():
    importers = set()
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "gradio" for a in node.names):
                importers.add(name)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "gradio":
                importers.add(name)
    assert importers == {"assistant.ui.app"}


def test_a_long_file_says_why_in_its_docstring():
    long_files = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if ".venv" in path.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_LINES and "Length:" not in (ast.get_docstring(ast.parse(text)) or ""):
            long_files.append(f"{path.relative_to(ROOT)}: {text.count(chr(10))} lines")
    assert long_files == []
