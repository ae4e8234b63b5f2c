"""The layout's rules, checked on the source: the data's way has no cycle, no module reads another's
private names, only the pages and `ui` import streamlit, and a long module says why it is long."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
LONG = 450  # lines; beyond, the module's docstring says why it is one module ("One module …")


def modules() -> dict[str, Path]:
    out = {}
    for f in sorted(SRC.rglob("*.py")):
        name = ".".join(f.relative_to(SRC).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = f
    return out


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from dashboard… import name` and `import dashboard…` of a file, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("dashboard", "streamlit"):
            out += [(node.module, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.split(".")[0] in ("dashboard", "streamlit")]
    return out


def top_level_edges() -> dict[str, set[str]]:
    mods = modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        for node in ast.parse(f.read_text(encoding="utf-8")).body:  # lazy imports inside functions break no cycle
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dashboard"):
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    graph[m].add(sub if sub in mods else node.module)
    return graph


def test_no_import_cycle_between_modules():
    graph, cycles = top_level_edges(), []

    def visit(node: str, stack: list[str]) -> None:
        for dep in graph.get(node, ()):
            if dep in stack:
                cycle = stack[stack.index(dep):] + [dep]
                # a package importing its own submodules (its public surface) is not a cycle
                if not all(b.startswith(a + ".") or a.startswith(b + ".") for a, b in itertools.pairwise(cycle)):
                    cycles.append(" → ".join(cycle))
            elif dep in graph and dep not in done:
                done.add(dep)
                visit(dep, stack + [dep])

    for start in graph:
        done: set[str] = {start}
        visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize("path", sorted([*SRC.rglob("*.py"), *(ROOT / "vues").glob("*.py"), ROOT / "app.py"]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_imported_across_modules(path):
    private = [f"{m}.{n}" for m, n in imports(path) if m.startswith("dashboard") and n.startswith("_")]
    assert private == []


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ui_imports_streamlit(path):
    uses = [m for m, _ in imports(path) if m.split(".")[0] == "streamlit"]
    assert uses == [] or path.relative_to(SRC).as_posix() == "dashboard/ui.py"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is_for_and_a_long_one_why_it_is_one(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert doc, "module without a docstring"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONG or "One module" in doc, f"{lines} lines and no reason given in the docstring"
