"""Fixtures for the real components, one module each under tests/fixtures/."""

import os
import sys
import tempfile

import pytest

pytest_plugins = [
    "tests.fixtures.card_stack",
    "tests.fixtures.fleet_terminal",
    "tests.fixtures.console",
    "tests.fixtures.console_browser",
    "tests.fixtures.hub_server",
    "tests.fixtures.input_engines",
    "tests.fixtures.keyring_backend",
    "tests.fixtures.postgres",
    "tests.fixtures.scenes",
    "tests.fixtures.kiosk_ui",
    "tests.fixtures.session_kit",
    "tests.fixtures.test_printer",
    "tests.fixtures.walking",
]


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        # the pinyin data compiled once per venv (scripts/bootstrap.sh does it; here when it is
        # stale), before the workers start: no worker and no kiosk process a test starts compiles it
        # (7-15 s each)
        import subprocess
        import warnings

        from ui.input_engines.rime_prebuilt import ensure

        try:
            ensure()
        except (subprocess.CalledProcessError, OSError) as exc:
            # no librime or rime data here: the tests that need the engine say so themselves
            # (the input_engines fixture); the hub's and the queue's must still run
            warnings.warn(f"pinyin data not prebuilt: {exc!r}", stacklevel=1)
    # python-escpos parses its capability file (~2 s of CPU) in every process that imports it (each
    # worker, each kiosk subprocess) unless a pickle of it is kept: one for the run, written here
    # once, before the workers start (two processes writing it at once would read it half-written)
    if hasattr(config, "workerinput") or "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = tempfile.mkdtemp(prefix="escpos-capabilities-")
    import escpos.capabilities  # noqa: F401 - writes the pickle


# The files whose tests take longest, slowest first (their --durations in the full run). Two
# workers take tests in collection order, two at a time: a 144 s test collected near the end kept
# one worker busy minutes after the other had run out of work. Run first, the long ones overlap and
# the short ones fill in at the end. A file not named keeps its place after these.
SLOW_FIRST = (
    "test_packaging.py",
    "test_layout_check.py",
    "test_ui_rebuild_memory.py",
    "test_maintenance_live.py",
    "test_screen_rules.py",
    "test_ui_portrait.py",
    "test_ui_rating.py",
    "test_hub_fuzz.py",
    "test_start_catalogue.py",
)


def pytest_collection_modifyitems(config, items):
    # a stable sort by file: each file's tests keep their order (and their module fixtures' reuse)
    rank = {name: n for n, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # after the fixtures and qtbot closed their windows: what they deleteLater'd goes now, not at
    # the next test that happens to run an event loop (tests/support/qt_cleanup.py)
    if "PySide6.QtCore" in sys.modules:
        from tests.support.qt_cleanup import flush_deferred_deletes

        flush_deferred_deletes()
