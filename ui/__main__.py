"""python -m ui --config FILE [--fullscreen | --windowed] [--dev]: run the kiosk screens.

Full screen without decorations when the configuration says so (the terminal's default);
--fullscreen and --windowed on the command line win over the configuration. The demo-devices window
(--dev) is shown only in a window: in full screen it could be raised over the kiosk (Alt+Tab), so
there the demo keys F5-F9 are the only simulated devices.
Without hub credentials it starts "not enrolled" (out of service; the maintenance screen enrols it by
one-time code, see packaging/README.md); enrolled, it needs its hub reachable or a cached catalogue.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path

from kiosk.errors import EXPECTED_ERRORS


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui", description="Run the community kiosk screens.")
    parser.add_argument("--config", type=Path, required=True, help="the terminal's TOML configuration")
    screen = parser.add_mutually_exclusive_group()
    screen.add_argument("--windowed", action="store_true", help="a window instead of full screen (demo)")
    screen.add_argument(
        "--fullscreen", action="store_true", help="full screen, frameless, whatever the configuration says"
    )
    parser.add_argument("--size", default="1280x800", help="window size with --windowed, e.g. 1080x1920")
    parser.add_argument(
        "--dev", action="store_true", help="show the demo device panel (simulated devices; windowed only)"
    )
    parser.add_argument("--hub-url", help="the hub's address, instead of the configuration's [hub] url")
    parser.add_argument("--log-level", default="info")
    return parser.parse_args(argv)


def screen_mode(args: argparse.Namespace, configured_fullscreen: bool) -> tuple[bool, bool]:
    """(full screen, show the demo-devices window): the command line wins over the configuration;
    the devices window only beside a window, never over a full-screen kiosk."""
    fullscreen = args.fullscreen or (configured_fullscreen and not args.windowed)
    return fullscreen, args.dev and not fullscreen


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.config import load_config
    from ui.app import build_terminal, show
    from ui.dev_panel import DemoDevices, install_demo_keys, show_devices_window
    from ui.watchdog import install_test_hooks, start_watchdog

    app = QApplication(sys.argv[:1])
    app.setApplicationName("community-kiosk")
    try:
        config = load_config(args.config)
        if args.hub_url:  # scripts/run-kiosk on another port (KIOSK_HUB_PORT)
            config = replace(config, hub=replace(config.hub, url=args.hub_url))
        terminal = build_terminal(config)
    except EXPECTED_ERRORS as exc:
        logging.getLogger("ui").error("cannot start the kiosk: %s", exc)
        return 2

    # systemd's stop (SIGTERM) and Ctrl+C in the demo end the event loop, so shutdown() runs: the
    # sync worker stops after its batch and the outbox is closed cleanly. exit(), not quit(): quit()
    # asks the windows first, and the kiosk window refuses to close outside maintenance.
    def stop(*_: object) -> None:
        terminal.window.allow_close()
        app.exit(0)
        # a stop before app.exec() runs (systemd's stop during the start) would be lost by exit():
        # found when a test sent SIGTERM right after the start and the kiosk never ended
        QTimer.singleShot(0, lambda: app.exit(0))

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, stop)
    watchdog = start_watchdog(terminal)  # READY=1 at the first paint, then WATCHDOG=1 (systemd)
    install_test_hooks(terminal)
    width, height = (int(x) for x in args.size.lower().split("x"))
    fullscreen, dev_panel = screen_mode(args, config.ui.fullscreen)
    show(terminal.window, fullscreen=fullscreen, size=(width, height))
    devices = DemoDevices(terminal.card_reader, terminal.printer)
    install_demo_keys(terminal.window, devices)
    panel = None
    if dev_panel:
        panel = show_devices_window(terminal.window, devices)
    code = app.exec()
    watchdog.stop()
    terminal.shutdown()
    if panel is not None:
        panel.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
