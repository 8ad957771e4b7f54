"""Measure the code's shape against the architecture rules (issue: architecture for growth).

Run `python tools/architecture.py [--list]`; the same checks run as tests in
tests/test_architecture.py, so the rules hold after every change:

- private names (`_x`) imported from, or used through, another module: 0
- import cycles between modules, counting function-local imports: 0
- string comparisons with a dialect name outside the dialect registry: 0
- functions longer than 100 lines: 0
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "src" / "schemasmith"
DIALECT_NAMES = {"postgres", "postgresql", "sqlite", "mysql", "mariadb"}
DIALECT_REGISTRY = "schemasmith.dialects.registry"
MAX_FUNCTION_LINES = 100
NAMEDTUPLE_API = {"_replace", "_asdict", "_fields", "_make", "_field_defaults"}


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    is_package: bool


@dataclass
class Report:
    private_uses: list[str] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)
    dialect_comparisons: list[str] = field(default_factory=list)
    long_functions: list[str] = field(default_factory=list)


def load_modules(root: Path = PACKAGE_ROOT) -> dict[str, Module]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        name = ".".join(parts)
        modules[name] = Module(name, path, ast.parse(path.read_text(), str(path)), is_package)
    return modules


def _resolve(module: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: Module, modules: dict[str, Module]) -> list[tuple[str, ast.AST, list[str]]]:
    """(imported module, node, names taken from it) for every import, local ones included."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("schemasmith"):
                    found.append((alias.name, node, []))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            if not target.startswith("schemasmith"):
                continue
            plain = []
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:
                    found.append((submodule, node, []))
                else:
                    plain.append(alias.name)
            if plain or target not in {m for m, _, _ in found}:
                found.append((target, node, plain))
    return found


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    inside = set()
    for node in ast.walk(tree):
        if _is_type_checking(node):
            for child in node.body:
                for sub in ast.walk(child):
                    inside.add(id(sub))
    return inside


def check_private_uses(modules: dict[str, Module], report: Report) -> None:
    for module in modules.values():
        aliases: dict[str, str] = {}
        for target, node, names in imports_of(module, modules):
            for name in names:
                if name.startswith("_") and not name.startswith("__") and target != module.name:
                    report.private_uses.append(f"{module.name}:{node.lineno}: imports {target}.{name}")
            if isinstance(node, ast.ImportFrom):
                base = _resolve(module, node)
                for alias in node.names:
                    if f"{base}.{alias.name}" in modules:
                        aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    aliases[alias.asname or alias.name] = alias.name
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                report.private_uses.append(
                    f"{module.name}:{node.lineno}: uses {aliases[node.value.id]}.{node.attr}"
                )


def _names_defined_in(tree: ast.Module) -> set[str]:
    defined = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            defined.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            defined.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defined.add(node.target.id)
    return defined


def check_private_attributes(modules: dict[str, Module], report: Report) -> None:
    """`thing._name` where `_name` belongs to another module's class: a reach-in through an object."""
    for module in modules.values():
        defined = _names_defined_in(module.tree)
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in defined
                and node.attr not in NAMEDTUPLE_API
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
            ):
                report.private_uses.append(f"{module.name}:{node.lineno}: uses .{node.attr} of another module's object")


def import_graph(modules: dict[str, Module]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for module in modules.values():
        skipped = _type_checking_nodes(module.tree)
        for target, node, _names in imports_of(module, modules):
            if id(node) in skipped:
                continue
            while target and target not in modules:
                target = target.rpartition(".")[0]
            # A package's __init__ importing its own submodules is how packages re-export.
            # Importing a name from one's own parent package is how a submodule reaches its
            # package's shared names; the parent is always imported first, so that edge is implicit.
            if target and target != module.name and not (modules[target].is_package and module.name.startswith(target + ".")):
                graph[module.name].add(target)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
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
                        components.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return components


def check_dialect_comparisons(modules: dict[str, Module], report: Report) -> None:
    for module in modules.values():
        if module.name == DIALECT_REGISTRY:
            continue
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            literals = []
            for operand in operands:
                if isinstance(operand, ast.Constant) and isinstance(operand.value, str):
                    literals.append(operand.value)
                elif isinstance(operand, (ast.Tuple, ast.List, ast.Set)):
                    literals.extend(
                        item.value for item in operand.elts
                        if isinstance(item, ast.Constant) and isinstance(item.value, str)
                    )
            if any(literal in DIALECT_NAMES for literal in literals):
                report.dialect_comparisons.append(f"{module.name}:{node.lineno}: {ast.unparse(node)}")


def check_function_lengths(modules: dict[str, Module], report: Report) -> None:
    for module in modules.values():
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    report.long_functions.append(f"{module.name}:{node.lineno}: {node.name} ({length} lines)")


def measure(root: Path = PACKAGE_ROOT) -> Report:
    modules = load_modules(root)
    report = Report()
    check_private_uses(modules, report)
    check_private_attributes(modules, report)
    report.cycles = strongly_connected(import_graph(modules))
    check_dialect_comparisons(modules, report)
    check_function_lengths(modules, report)
    return report


def main(argv: list[str]) -> int:
    report = measure()
    show = "--list" in argv
    sections = [
        ("private names used across modules", report.private_uses),
        ("import cycles", [" <-> ".join(cycle) for cycle in report.cycles]),
        ("dialect-name comparisons outside the registry", report.dialect_comparisons),
        (f"functions over {MAX_FUNCTION_LINES} lines", report.long_functions),
    ]
    for title, items in sections:
        print(f"{title}: {len(items)}")
        if show:
            for item in items:
                print(f"  {item}")
    return 0 if not any(items for _, items in sections) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
