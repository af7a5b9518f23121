from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError


def test_defaults_are_a_demo_terminal():
    cfg = load_config()
    assert cfg.card_reader.kind == "simulated"
    assert cfg.printer.kind == "simulated"
    assert cfg.queue_db_path.name == "outbox.sqlite"


def test_toml_file_is_read_and_validated(tmp_path: Path):
    f = tmp_path / "kiosk.toml"
    f.write_text('terminal_id = "SC042"\n[printer]\nkind = "network"\nport = 9101\n[hub]\nread_timeout_s = 4\n')
    cfg = load_config(f)
    assert cfg.terminal_id == "SC042"
    assert cfg.printer.port == 9101 and cfg.printer.kind == "network"
    assert cfg.hub.read_timeout_s == 4.0


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('terminal_id = "bad id"', "terminal_id"),
        ("[printer]\ncolour = 1", "unknown setting"),
        ('[printer]\nport = "9100"', "printer.port must be int"),
        ("[ui]\nfullscreen = 1", "true or false"),
        ("[session]\nwarning_s = 5", "20 s"),
        ("terminal_id = ", "cannot read"),
    ],
)
def test_bad_configuration_is_refused_with_a_reason(tmp_path: Path, text: str, fragment: str):
    f = tmp_path / "kiosk.toml"
    f.write_text(text)
    with pytest.raises(ConfigError, match=fragment):
        load_config(f)


def test_secrets_are_not_settings(tmp_path: Path):
    f = tmp_path / "kiosk.toml"
    f.write_text('[hub]\ntoken = "s3cret"\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_config(f)
