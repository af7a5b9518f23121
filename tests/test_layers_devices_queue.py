"""drivers/ and offline_queue/ stand alone: no import of kiosk, ui or hub (read from the source with
ast, so an import inside a function or under TYPE_CHECKING counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STANDALONE = ("drivers", "offline_queue")
FORBIDDEN = ("kiosk", "ui", "hub")


def imports_of(path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, module, names) for every import in the file; relative imports resolve to the package."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                package = path.relative_to(ROOT).parent.parts
                base = package[: len(package) - node.level + 1]
                module = ".".join((*base, module) if module else base)
            found.append((node.lineno, module, tuple(alias.name for alias in node.names)))
    return found


def crossings(packages: tuple[str, ...] = STANDALONE) -> list[str]:
    bad = []
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, module, _names in imports_of(path):
                top = module.split(".")[0]
                if top in FORBIDDEN:
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return bad


def test_drivers_and_offline_queue_import_nothing_of_kiosk_ui_or_hub():
    assert crossings() == []


def test_the_check_sees_every_kind_of_import(tmp_path, monkeypatch):
    # the checker itself must catch plain, from, aliased, nested and relative-looking crossings
    fake = tmp_path / "fakepkg"
    fake.mkdir()
    (fake / "a.py").write_text(
        "import kiosk.errors\n"
        "from hub import store as s\n"
        "def f():\n    from ui.app import build_terminal\n"
        "from kiosk.hub_api import SubmissionItem, Hub\n"
        "from . import b\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    found = crossings(("fakepkg",))
    assert sorted(entry.split(" imports ")[1] for entry in found) == sorted(
        ["kiosk.errors", "hub", "ui.app", "kiosk.hub_api"]
    )


def test_kiosk_still_sees_device_and_queue_errors_as_its_own():
    from drivers.card.model import CardRemoved
    from drivers.errors import DriverConfigError
    from kiosk.errors import EXPECTED_ERRORS, ConfigError, KioskError, WayForward, ways_forward_of
    from offline_queue.errors import QueueFull

    assert isinstance(CardRemoved(), KioskError) and isinstance(QueueFull(), KioskError)
    assert issubclass(DriverConfigError, ConfigError)
    assert ways_forward_of(QueueFull()) == (WayForward.TICKET, WayForward.CALL_STAFF)
    try:
        raise CardRemoved("pulled")
    except EXPECTED_ERRORS as caught:  # what `except KioskError` cannot do for registered types
        assert caught.message_key == "error.card_removed"
