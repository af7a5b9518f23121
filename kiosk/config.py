"""The terminal's configuration: one validated object made at start-up and passed in.

No other module reads the environment or configuration files. Secrets (hub token, HMAC key, queue
encryption key) are not here: they live in keyring (see kiosk.secrets).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from drivers.card.config import CardReaderConfig
from drivers.printer.config import PrinterConfig
from kiosk.errors import ConfigError
from offline_queue.config import QueueConfig

# the device and queue sections are owned by their packages (which import nothing from kiosk/);
# re-exported here so `from kiosk.config import QueueConfig` keeps working
__all__ = [
    "CardReaderConfig",
    "HubConfig",
    "KioskConfig",
    "PrinterConfig",
    "QueueConfig",
    "SessionConfig",
    "UiConfig",
    "load_config",
]

_TERMINAL_ID = re.compile(r"^[A-Z0-9]{2,12}$")


@dataclass(frozen=True)
class HubConfig:
    url: str = "http://127.0.0.1:8765"
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    verify_tls: bool = True  # a path to a CA bundle may be given as ca_bundle
    ca_bundle: str = ""
    heartbeat_interval_s: float = 60.0  # kiosk.heartbeat: how often the terminal reports to the hub


@dataclass(frozen=True)
class SessionConfig:
    inactivity_s: float = 60.0
    warning_s: float = 20.0
    elder_inactivity_s: float = 150.0
    elder_warning_s: float = 45.0
    busy_deadline_s: float = 20.0  # a wait longer than this offers a ticket / staff (the wait goes on)
    end_message_s: float = 15.0  # "finished, welcome back" on the attract screen: for the one who just left


@dataclass(frozen=True)
class UiConfig:
    language: str = "zh"  # "zh" or "en"
    fullscreen: bool = True
    speech: bool = True
    speech_sink: str = ""  # "" = the sound card; a file path (e.g. /dev/null) gets the audio instead
    technician_pin_hash: str = ""  # pbkdf2 hash; the PIN itself is never stored


@dataclass(frozen=True)
class KioskConfig:
    terminal_id: str = "T0001"
    data_dir: Path = Path("var/kiosk")
    keyring_backend: str = "system"  # "system" or "file:<path>" for headless demo and tests
    hub: HubConfig = field(default_factory=HubConfig)
    queue: QueueConfig = field(default_factory=QueueConfig)
    card_reader: CardReaderConfig = field(default_factory=CardReaderConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    session: SessionConfig = field(default_factory=SessionConfig)
    ui: UiConfig = field(default_factory=UiConfig)

    def __post_init__(self) -> None:
        if not _TERMINAL_ID.match(self.terminal_id):
            raise ConfigError(
                f"terminal_id must be 2-12 upper-case letters or digits, got {self.terminal_id!r}"
            )
        if self.ui.language not in ("zh", "en"):
            raise ConfigError(f"ui.language must be zh or en, got {self.ui.language!r}")
        if self.card_reader.kind not in ("pcsc", "simulated"):
            raise ConfigError(f"card_reader.kind must be pcsc or simulated, got {self.card_reader.kind!r}")
        if self.printer.kind not in ("network", "usb", "serial", "file", "simulated"):
            raise ConfigError(f"printer.kind is not a known connection: {self.printer.kind!r}")
        if not (self.keyring_backend == "system" or self.keyring_backend.startswith("file:")):
            raise ConfigError("keyring_backend must be 'system' or 'file:<path>'")
        if self.queue.batch_max_items < 1 or self.queue.batch_max_bytes < 1024:
            raise ConfigError("queue batch limits are too small")
        if self.queue.poison_attempts < 1:
            raise ConfigError("queue.poison_attempts must be at least 1")
        if self.card_reader.read_timeout_s <= 0:
            raise ConfigError("card_reader.read_timeout_s must be above 0")
        if self.session.warning_s < 20 or self.session.elder_warning_s < 20:
            raise ConfigError("the inactivity warning must give at least 20 s (WCAG 2.2.1)")

    @property
    def queue_db_path(self) -> Path:
        return self.data_dir / "outbox.sqlite"


def _build(cls: type, raw: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = set(raw) - set(known)
    if unknown:
        raise ConfigError(f"unknown setting(s) in [{where}]: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    defaults = cls()
    for name, value in raw.items():
        current = getattr(defaults, name)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"[{where}.{name}] must be a table")
            values[name] = _build(type(current), value, f"{where}.{name}" if where else name)
        elif isinstance(current, Path):
            values[name] = Path(value)
        elif isinstance(current, tuple):
            values[name] = tuple(value)
        elif isinstance(current, bool) and not isinstance(value, bool):
            raise ConfigError(f"{where}.{name} must be true or false")
        elif isinstance(current, float) and isinstance(value, int | float) and not isinstance(value, bool):
            values[name] = float(value)
        elif not isinstance(value, type(current)):
            raise ConfigError(f"{where}.{name} must be {type(current).__name__}")
        else:
            values[name] = value
    return replace(defaults, **values)


def load_config(path: Path | None = None, **overrides: Any) -> KioskConfig:
    """Read a TOML file (if given), apply keyword overrides, validate. Raises ConfigError."""
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read configuration {path}: {exc}") from exc
    raw.update(overrides)
    return _build(KioskConfig, raw, "")
