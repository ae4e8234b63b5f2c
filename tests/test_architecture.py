"""The layout's rules, checked on the source: every package imports only the packages below it, the
modules' imports make no cycle, no module reads another's private names, only the web layer imports
streamlit, and a long module says why it is long.

Every import counts, at any depth: one made inside a function (to load a module late) ties the
modules as much as one at the top of the file.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
LONG = 450  # lines; beyond, the module's docstring says why it is one module ("One module …")

# Which package (or top-level module) of `dashboard` may import which: the data's way, from the
# ground up. A package not in this table fails the test until it is given its place.
MAY_IMPORT: dict[str, set[str]] = {
    "fmt": set(),
    "xlsx": set(),
    "memo": set(),
    "chiffres": {"fmt"},
    "xlsx_scan": {"fmt"},  # the door every uploaded workbook goes through, plan or follow-up
    "base": set(),  # the database: engine, tables, migrations
    "plan": {"fmt", "xlsx", "xlsx_scan", "chiffres", "base"},
    "suivi": {"plan", "base", "fmt", "xlsx", "xlsx_scan", "chiffres"},
    "metrics": {"plan", "memo"},
    "revision": {"plan", "metrics"},  # a revised plan compared with the version in force
    "acces": {"suivi", "plan", "base"},  # the accounts' tables are base's; the writes call suivi and plan
    "present": {"metrics", "plan", "suivi", "fmt", "xlsx"},
    "etat": {"acces", "plan", "suivi"},
}
WEB = {"ui"}  # the web layer: the only package that imports streamlit
MAY_IMPORT["cli"] = set(MAY_IMPORT)  # every command group, on everything but the web layer
MAY_IMPORT["ui"] = set(MAY_IMPORT) - {"cli"}
MAY_IMPORT["__main__"] = {"cli", *WEB}  # `python -m dashboard`: the commands, and `serve`
# the web layer's server (st.App, routes) beside `ui`
GROUPED = {"serveur": "ui", "connexion": "ui"}


def package_of(module: str) -> str:
    """dashboard.suivi.store -> suivi; dashboard.fmt -> fmt; dashboard.serveur -> ui."""
    name = module.split(".")[1] if "." in module else module
    return GROUPED.get(name, name)


def modules(src: Path = SRC) -> dict[str, Path]:
    out = {}
    for f in sorted(src.rglob("*.py")):
        name = ".".join(f.relative_to(src).with_suffix("").parts)
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


def edges(src: Path = SRC) -> dict[str, set[str]]:
    """Module -> the modules of the tree it imports, at any depth of the file (a function's body too);
    `from package import module` counts as importing that module."""
    mods = modules(src)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, f in mods.items():
        for module, name in imports(f):
            if module.split(".")[0] != "dashboard":
                continue
            sub = f"{module}.{name}"
            graph[m].add(sub if sub in mods else module)
    return graph


def forbidden_imports(src: Path = SRC) -> list[str]:
    """`importer -> imported` for every import that crosses packages against MAY_IMPORT."""
    out = []
    for m, deps in edges(src).items():
        if "." not in m:
            continue  # the `dashboard` package itself
        for dep in sorted(deps):
            a, b = package_of(m), package_of(dep)
            if "." in dep and a != b and b not in MAY_IMPORT.get(a, set()):
                out.append(f"{m} -> {dep}")
    return out


def import_cycles(src: Path = SRC) -> list[str]:
    """Every cycle of imports between modules, `a → b → a` (a package importing its own submodules, its
    public surface, is no cycle)."""
    graph, cycles = edges(src), []

    def visit(node: str, stack: list[str]) -> None:
        for dep in graph.get(node, ()):
            if dep in stack:
                cycle = stack[stack.index(dep):] + [dep]
                if not all(b.startswith(a + ".") or a.startswith(b + ".") for a, b in itertools.pairwise(cycle)):
                    cycles.append(" → ".join(cycle))
            elif dep in graph and dep not in done:
                done.add(dep)
                visit(dep, stack + [dep])

    for start in graph:
        done: set[str] = {start}
        visit(start, [start])
    return cycles


def test_every_package_has_its_place_in_the_table():
    unplaced = sorted({package_of(m) for m in modules() if "." in m} - set(MAY_IMPORT))
    assert unplaced == []


def test_the_table_itself_has_no_cycle():
    """The table is a layering: following what a package may import never leads back to it."""
    def below(p: str, seen: frozenset[str] = frozenset()) -> None:
        assert p not in seen, " → ".join([*seen, p])
        for q in MAY_IMPORT.get(p, ()):
            below(q, seen | {p})

    for p in MAY_IMPORT:
        below(p)


def test_every_package_imports_only_those_below_it():
    assert forbidden_imports() == []


def test_no_import_cycle_between_modules():
    assert import_cycles() == []


FAKE = {  # a small tree laid out as the real one: plan under metrics, suivi's modules side by side
    "dashboard/__init__.py": "",
    "dashboard/plan/__init__.py": "from dashboard.plan.versions import keep\n",
    "dashboard/plan/versions.py": "def keep():\n    return 1\n",
    "dashboard/metrics/__init__.py": "",
    "dashboard/metrics/plan_diff.py": "from dashboard.plan import versions\n\n\ndef diff():\n    return versions.keep()\n",
    "dashboard/suivi/__init__.py": "",
    "dashboard/suivi/store.py": "from dashboard.suivi import merge\n",
    "dashboard/suivi/merge.py": "def cells():\n    return 2\n",
}


def fake_tree(root: Path, **changed: str) -> Path:
    for rel, text in {**FAKE, **changed}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_the_rules_catch_an_upward_or_circular_import_made_inside_a_function(tmp_path):
    good = fake_tree(tmp_path / "good")
    assert forbidden_imports(good) == [] and import_cycles(good) == []

    upward = fake_tree(tmp_path / "upward", **{"dashboard/plan/versions.py": (
        "def keep():\n    from dashboard.metrics.plan_diff import diff\n\n    return diff\n")})
    assert forbidden_imports(upward) == ["dashboard.plan.versions -> dashboard.metrics.plan_diff"]
    assert "dashboard.plan.versions → dashboard.metrics.plan_diff → dashboard.plan.versions" in import_cycles(upward)

    circular = fake_tree(tmp_path / "circular", **{"dashboard/suivi/merge.py": (
        "def cells():\n    from dashboard.suivi import store\n\n    return store\n")})
    assert forbidden_imports(circular) == []  # within one package: only the cycle is wrong
    assert set(import_cycles(circular)) == {"dashboard.suivi.store → dashboard.suivi.merge → dashboard.suivi.store",
                                            "dashboard.suivi.merge → dashboard.suivi.store → dashboard.suivi.merge"}


@pytest.mark.parametrize("path", sorted([*SRC.rglob("*.py"), *(ROOT / "vues").glob("*.py"), ROOT / "app.py"]),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_imported_across_modules(path):
    private = [f"{m}.{n}" for m, n in imports(path) if m.startswith("dashboard") and n.startswith("_")]
    assert private == []


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ui_imports_streamlit(path):
    uses = [m for m, _ in imports(path) if m.split(".")[0] == "streamlit"]
    module = ".".join(path.relative_to(SRC).with_suffix("").parts)
    assert uses == [] or package_of(module) in WEB


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is_for_and_a_long_one_why_it_is_one(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert doc, "module without a docstring"
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= LONG or "One module" in doc, f"{lines} lines and no reason given in the docstring"
