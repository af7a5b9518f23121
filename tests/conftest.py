"""Fixtures for the real components, one module each under tests/fixtures/."""

import os
import tempfile

pytest_plugins = [
    "tests.fixtures.card_stack",
    "tests.fixtures.fleet_terminal",
    "tests.fixtures.console",
    "tests.fixtures.console_browser",
    "tests.fixtures.hub_server",
    "tests.fixtures.input_engines",
    "tests.fixtures.keyring_backend",
    "tests.fixtures.postgres",
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
        from ui.input_engines.rime_prebuilt import ensure

        ensure()
    # python-escpos parses its capability file (~2 s of CPU) in every process that imports it (each
    # worker, each kiosk subprocess) unless a pickle of it is kept: one for the run, written here
    # once, before the workers start (two processes writing it at once would read it half-written)
    if hasattr(config, "workerinput") or "ESCPOS_CAPABILITIES_PICKLE_DIR" in os.environ:
        return
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = tempfile.mkdtemp(prefix="escpos-capabilities-")
    import escpos.capabilities  # noqa: F401 - writes the pickle
