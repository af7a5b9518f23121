"""Fixtures for the real components, one module each under tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.card_stack",
    "tests.fixtures.fleet_terminal",
    "tests.fixtures.hub_server",
    "tests.fixtures.input_engines",
    "tests.fixtures.keyring_backend",
    "tests.fixtures.kiosk_ui",
    "tests.fixtures.session_kit",
    "tests.fixtures.test_printer",
    "tests.fixtures.walking",
]
