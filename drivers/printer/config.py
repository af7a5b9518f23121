"""The receipt printer's configuration section ([printer] in the kiosk's TOML; kiosk/config.py builds
it and re-exports the name)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrinterConfig:
    kind: str = "simulated"  # "network", "usb", "serial", "file" or "simulated"
    host: str = "127.0.0.1"
    port: int = 9100
    usb_vendor_id: int = 0
    usb_product_id: int = 0
    serial_device: str = "/dev/ttyS0"
    serial_baudrate: int = 19200
    file_path: str = ""
    profile: str = "default"
    chinese: str = "gb18030"  # "gb18030" (printer has a Chinese font) or "raster"
    width_chars: int = 48  # characters per line in the normal font (80 mm paper)
    timeout_s: float = 5.0
    # the slowest rate a job drains at (link and print speed: raster images print slowly): the wait
    # for the printer's status after a job is timeout_s + job bytes / this; serial links use at most
    # their baud rate / 10. Too low only waits longer; too high reports a slow job's outcome unknown.
    slowest_bytes_per_s: int = 2000
