"""Build the configured receipt printer: `build_printer(config.printer, health, demo_folder)`."""

from __future__ import annotations

from pathlib import Path

from drivers.errors import DriverConfigError
from drivers.health import HealthBoard
from drivers.printer.config import PrinterConfig
from drivers.printer.model import ReceiptPrinter


def build_printer(
    config: PrinterConfig, health: HealthBoard | None = None, demo_folder: Path | None = None
) -> ReceiptPrinter:
    """An EscposPrinter for kind network/usb/serial/file, or a SimulatedPrinter writing into
    `demo_folder` for kind "simulated". Nothing is connected yet: the first status query or job
    connects. Raises DriverConfigError for an unknown kind, missing connection settings, an unknown
    python-escpos profile or Chinese mode, or a simulated printer without a folder."""
    if config.kind == "simulated":
        if demo_folder is None:
            raise DriverConfigError("the simulated printer needs a folder to print into")
        from drivers.printer.simulated import SimulatedPrinter

        return SimulatedPrinter(demo_folder, config, health=health)
    if config.kind in ("network", "usb", "serial", "file"):
        from drivers.printer.escpos_printer import EscposPrinter

        return EscposPrinter(config, health=health)
    raise DriverConfigError(f"printer.kind is not a known connection: {config.kind!r}")
