"""The package's layers (docs/ARCHITECTURE.md): imports only go down, an area's public face is
its ``services`` and ``bp``, and no import cycle exists, counting package ``__init__`` files."""

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "portal_cookies"
AREAS = {path.parent.name for path in PACKAGE.glob("*/views.py")}
ABOVE_THE_AREAS = {"portal_cookies", "portal_cookies.cli", "portal_cookies.demo"}


def above_the_areas(module: str) -> bool:
    """The top floor: the factory, the demo, and the command line with each of its groups."""
    return module in ABOVE_THE_AREAS or module.startswith("portal_cookies.cli.")


PUBLIC_FACE = {"services", "bp"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def type_checking_only(tree: ast.Module) -> set[ast.AST]:
    """The imports under ``if TYPE_CHECKING:``: read by type checkers, never run."""
    return {
        child
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for child in ast.walk(node)
    }


def imports(path: Path, *, run_only: bool = False) -> list[str]:
    """Every portal_cookies module ``path`` imports, names imported from a package included
    as ``package.name``; ``run_only`` leaves out the imports only type checkers read."""
    name, found = module_name(path), []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    left_out = type_checking_only(tree) if run_only else set()
    for node in ast.walk(tree):
        if node in left_out:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            found += [module] + [f"{module}.{alias.name}" for alias in node.names]
    return [module for module in found if module.startswith("portal_cookies")]


MODULES = {module_name(path): imports(path) for path in PACKAGE.rglob("*.py")}
RUN_IMPORTS = {module_name(path): imports(path, run_only=True) for path in PACKAGE.rglob("*.py")}


def area_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in AREAS else None


def test_areas_are_entered_through_their_services_only():
    wrong = []
    for module, imported in MODULES.items():
        for target in imported:
            area, parts = area_of(target), target.split(".")
            if area is None or area == area_of(module):
                continue
            if not above_the_areas(module) and area_of(module) is None:
                wrong.append(f"{module} (below the areas) imports {target}")
            elif len(parts) > 2 and parts[2] not in PUBLIC_FACE:
                wrong.append(f"{module} imports {target}, private to {area}")
    assert wrong == []


def packages_run(module: str, target: str) -> set[str]:
    """What importing ``target`` from ``module`` runs: the target, and first the ``__init__``
    of each package around it that is not already running around ``module``."""
    parts = target.split(".")
    run = {".".join(parts[:depth]) for depth in range(2, len(parts) + 1)}
    return {name for name in run if not f"{module}.".startswith(f"{name}.")}


def test_no_import_cycle():
    # Type-only imports are left out: two models that refer to each other (a relationship
    # both ways) name each other for type checkers, but importing one never runs the other.
    graph = {
        module: {name for target in imported for name in packages_run(module, target)}
        & set(RUN_IMPORTS)
        for module, imported in RUN_IMPORTS.items()
    }
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
