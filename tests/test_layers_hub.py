"""The hub and the terminal share only contract/ (issue 10, "parts that stand alone").

An AST scan of every import (top-level and inside functions): the hub imports nothing of the
terminal's (kiosk/, offline_queue/, drivers/, ui/) except in hub/testing.py (it starts a hub for the
terminal's tests, enrolled by code over HTTP); the terminal imports nothing of the hub (enrolment
goes over HTTP: kiosk/enrolment.py); contract/ imports none of them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TERMINAL = ("kiosk", "offline_queue", "drivers", "ui")
HUB_EXCEPTIONS = {("hub/testing.py", None)}
TERMINAL_EXCEPTIONS: set[str] = set()


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(imported module, name of the enclosing top-level function or None, line) for every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, str | None, int]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if function is None and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module, inner, child.lineno))
            visit(child, inner)

    visit(tree, None)
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def _crossings(package: str, forbidden: tuple[str, ...], allowed) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for module, function, line in _imports(path):
            if _top(module) in forbidden and not allowed(rel, function):
                out.append(f"{rel}:{line} imports {module}" + (f" (in {function})" if function else ""))
    return out


def test_the_hub_imports_nothing_of_the_terminal_outside_its_two_exceptions():
    def allowed(rel: str, function: str | None) -> bool:
        return (rel, None) in HUB_EXCEPTIONS or (rel, function) in HUB_EXCEPTIONS

    assert _crossings("hub", TERMINAL, allowed) == []


def test_the_terminal_imports_nothing_of_the_hub():
    crossings = []
    for package in ("kiosk", "ui"):
        crossings += _crossings(package, ("hub",), lambda rel, _f: rel in TERMINAL_EXCEPTIONS)
    assert crossings == []


def test_the_contract_imports_neither_side():
    assert _crossings("contract", (*TERMINAL, "hub"), lambda _r, _f: False) == []


def test_the_scan_sees_imports_inside_functions(tmp_path):
    # the guard itself: a lazy import in a function body is an import too
    probe = tmp_path / "probe.py"
    probe.write_text("import os\n\ndef later():\n    from kiosk.masking import mask_name\n")
    assert ("kiosk.masking", "later", 4) in _imports(probe)
