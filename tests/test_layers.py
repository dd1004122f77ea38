"""Dependencies point one way: tools ← ingest ← assistant ← bots. Nothing below `bots` imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Each package and the packages it must never import.
FORBIDDEN = {
    "tools": {"ingest", "assistant", "bots"},
    "ingest": {"assistant", "bots"},
    "assistant": {"bots"},
    "knowledge": {"tools", "ingest", "assistant", "bots"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_upward_imports(package: str) -> None:
    """No module of a lower layer imports a higher one (lazy imports inside functions included)."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if _imports(path) & FORBIDDEN[package]
    }
    assert offenders == {}


@pytest.mark.parametrize("package", ["tools", "ingest", "assistant", "bots"])
def test_every_error_is_an_enroller_error(package: str) -> None:
    """Every exception a package defines derives from the shared EnrollerError, so an interface maps errors in
    one place (CLI exit 2, HTTP 4xx/503, a Slack message)."""
    import importlib
    import inspect

    from tools.errors import EnrollerError

    strays = []
    for path in sorted((ROOT / package).rglob("*.py")):
        module_name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module_name.endswith("__main__"):
            continue
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            ours = inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == module_name
            if ours and not issubclass(obj, EnrollerError):
                strays.append(f"{module_name}.{name}")
    assert strays == []
