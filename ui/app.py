"""Puts a terminal together: configuration in, a running kiosk window out.

`build_terminal` makes the parts (hub client, catalogue store, outbox, printer, card reader, the
session and its window) from one validated `KioskConfig`; tests and benchmarks pass their own parts
instead. Nothing here decides what a resident sees: that is the session's job, shown by ui/window.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.catalogue_store import CatalogueState, CatalogueStore
from kiosk.config import KioskConfig
from kiosk.hub_api import HubUnavailable
from kiosk.secrets import get_or_create_key, load_hub_credentials, select_keyring_backend
from kiosk.services import LocalTicketBook, ServiceActions
from kiosk.session import Session
from ui.i18n import Words, compile_translations
from ui.qt_executor import QtExecutor
from ui.speech import Speaker
from ui.theme import ELDER, STANDARD
from ui.window import KioskWindow

log = logging.getLogger(__name__)

CATALOGUE_REFRESH_MS = 60_000


def build_outbox(config: KioskConfig) -> Any:
    """The durable outbox (offline_queue.outbox.Outbox) for this terminal."""
    from offline_queue.outbox import Outbox  # imported late: the queue opens SQLite and keyring

    return Outbox.open_for(config)


@dataclass
class Terminal:
    """A running kiosk: its parts, for the program, the tests and the demo tools."""

    config: KioskConfig
    session: Session
    window: KioskWindow
    executor: QtExecutor
    catalogue_store: CatalogueStore
    hub: Any
    outbox: Any
    printer: Any
    card_reader: Any
    speaker: Speaker
    timers: list[QTimer] = field(default_factory=list)
    stoppers: list[Callable[[], None]] = field(default_factory=list)

    def refresh_catalogue(self) -> None:
        """Ask the hub for a newer catalogue in a worker; the session takes it when nobody is using
        the terminal, and learns whether the hub answered."""
        self.executor.submit(self.catalogue_store.refresh, self._catalogue_refreshed)

    def _catalogue_refreshed(self, result: CatalogueState | BaseException) -> None:
        if isinstance(result, BaseException):
            log.error("catalogue refresh failed unexpectedly: %s", type(result).__name__)
            return
        self.session.set_online(not isinstance(result.problem, HubUnavailable))
        if result.catalogue is not self.session.catalogue:
            self.session.set_catalogue(result.catalogue)

    def shutdown(self) -> None:
        """Stop timers, devices and workers (at exit)."""
        for timer in self.timers:
            timer.stop()
        self.window.timer.stop()
        self.speaker.stop()
        for stop in self.stoppers:
            stop()
        if hasattr(self.card_reader, "stop"):
            self.card_reader.stop()
        self.executor.wait_idle()
        if hasattr(self.outbox, "close"):
            self.outbox.close()


def build_terminal(
    config: KioskConfig,
    *,
    hub: Any = None,
    outbox: Any = None,
    printer: Any = None,
    card_reader: Any = None,
    clock: Callable[[], float] = time.monotonic,
    speech: bool | None = None,
    refresh_ms: int = CATALOGUE_REFRESH_MS,
    tick_ms: int = 1000,
) -> Terminal:
    """Make every part from `config` (or take the ones given) and the window; does not show it.

    A QApplication must exist. Raises ConfigError (not enrolled, bad settings) and the outbox's
    QueueError when its file is unusable.
    """
    select_keyring_backend(config.keyring_backend)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    if hub is None:
        from kiosk.hub_client import HubClient

        hub = HubClient(config.hub, load_hub_credentials(config.terminal_id))
    store = CatalogueStore(hub, config.data_dir / "catalogue.json")
    cached = store.load_cached()
    if printer is None:
        from drivers.printer.factory import build_printer

        printer = build_printer(config.printer, demo_folder=config.data_dir / "printed")
    if card_reader is None:
        from drivers.card.factory import build_card_reader

        card_reader = build_card_reader(config.card_reader)
    if outbox is None:
        outbox = build_outbox(config)
    executor = QtExecutor()
    actions = ServiceActions(
        outbox=outbox,
        hub=hub,
        printer=printer,
        tickets=LocalTicketBook(config.data_dir / "tickets.json"),
        card_salt=get_or_create_key("card-salt"),
    )
    session = Session(
        terminal_id=config.terminal_id,
        catalogue=cached.catalogue,
        actions=actions,
        executor=executor,
        clock=clock,
        config=config.session,
        language=config.ui.language,
        page_size=STANDARD.items_per_page,
        elder_page_size=ELDER.items_per_page,
    )
    compile_translations()
    words = Words()
    speak = config.ui.speech if speech is None else speech
    speaker = Speaker(enabled=speak)
    window = KioskWindow(
        session,
        words,
        speaker=speaker,
        executor=executor,
        card_reader=card_reader,
        speech=speak,
        on_quit=QApplication.quit,
        tick_ms=tick_ms,
    )
    QApplication.instance().installEventFilter(window)
    terminal = Terminal(config, session, window, executor, store, hub, outbox, printer, card_reader, speaker)
    card_reader.start()
    terminal.refresh_catalogue()
    refresh = QTimer(window)
    refresh.setInterval(refresh_ms)
    refresh.timeout.connect(terminal.refresh_catalogue)
    refresh.start()
    terminal.timers.append(refresh)
    return terminal


def show(window: KioskWindow, fullscreen: bool, size: tuple[int, int] = (1280, 800)) -> None:
    """Full screen without decorations (the kiosk), or a window of `size` (the demo on a laptop)."""
    if fullscreen:
        window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        window.showFullScreen()
    else:
        window.resize(*size)
        window.show()
