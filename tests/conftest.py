"""Fixtures for the real components, one module each under tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.keyring_backend",
]
