"""Puts a terminal together: configuration in, a running kiosk window out.

`build_terminal` makes the parts (hub client, catalogue store, outbox, printer, card reader, the
session and its window) from one validated `KioskConfig`; tests and benchmarks pass their own parts
instead. Nothing here decides what a resident sees: that is the session's job, shown by ui/window.py.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from drivers.health import HealthBoard
from kiosk.audit import AuditLog
from kiosk.audit_watch import SessionAuditWatch
from kiosk.catalogue_store import CatalogueState, CatalogueStore
from kiosk.config import KioskConfig
from kiosk.hub_api import HubUnavailable
from kiosk.log_tail import LogTail
from kiosk.secrets import card_hash_salt, is_enrolled, load_hub_credentials, select_keyring_backend
from kiosk.service_watch import ServiceWatch
from kiosk.services import LocalTicketBook, ServiceActions
from kiosk.session import OutOfServiceReason, Session
from kiosk.technician_lockout import PinLockout
from ui.deferred import Deferred
from ui.enrol_panel import EnrolmentOffer
from ui.i18n import Words, compile_translations
from ui.qt_executor import QtExecutor
from ui.remote_commands import UiThread, command_handlers
from ui.speech import Speaker
from ui.theme import ELDER, STANDARD
from ui.ui_thread_gc import UiThreadCollector
from ui.window import KioskWindow

log = logging.getLogger(__name__)

CATALOGUE_REFRESH_MS = 60_000
CONNECTION_CHECK_MS = 5_000
WARMUP_MS = 200  # after the first screen is painted; the hub, outbox and printer are built then
# how long residents may see "getting ready" before the terminal says what it knows: a first start
# without a cached catalogue whose first fetch has not come back by then (a hub that does not
# answer, a hub client that could not be built) shows the hub trouble instead, and the fetch still
# brings the terminal into service when it arrives (so does every later refresh)
FIRST_CATALOGUE_DEADLINE_MS = 20_000
# how long shutdown() waits for the workers and the background threads (a hub call in hand ends
# within the client's timeouts); systemd's TimeoutStopSec in the unit is longer than this
SHUTDOWN_BOUND_S = 12.0


def _part_loaded(result: Any) -> None:
    if isinstance(result, BaseException):
        log.error("terminal part not available: %s", result)


def _build_hub(config: KioskConfig) -> Any:
    from kiosk.hub_client import HubClient  # requests: not needed to paint the first screen

    return HubClient(config.hub, load_hub_credentials(config.terminal_id))


def _build_printer(config: KioskConfig, health: HealthBoard) -> Any:
    from drivers.printer.factory import build_printer  # python-escpos: slow to import, see Deferred

    return build_printer(config.printer, health, demo_folder=config.data_dir / "printed")


def build_outbox(config: KioskConfig) -> Any:
    """The durable outbox (offline_queue.outbox.Outbox) for this terminal."""
    from kiosk.terminal_outbox import open_outbox  # imported late: the queue opens SQLite and keyring

    return open_outbox(config)


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
    health: HealthBoard = field(default_factory=HealthBoard)
    background: Any = None  # kiosk.background.TerminalBackground once started
    lost_outbox_heartbeat: Any = None  # a kiosk.heartbeat.Heartbeat while the outbox is lost
    audit: AuditLog | None = None  # the terminal's audit trail (kiosk.audit)
    log_tail: LogTail | None = None  # the last log lines, for the "upload diagnostics" command
    # in or out of service, for the heartbeat (subscribed to the session in build)
    service_watch: ServiceWatch = field(default_factory=ServiceWatch)
    ui_thread: UiThread | None = None  # remote commands reach the session through it
    addresses: Any = None  # kiosk.community.AddressBook: the place picker's list
    printer_watch: Any = None  # ui.printer_watch.PrinterWatch: paper out / back, told to the session
    # the catalogue's own worker: a fetch never waits behind the part builds of the warm-up (a cold
    # python-escpos import took 2 s here, far longer on a slow terminal or a loaded machine) nor
    # behind device polls and maintenance reads in `executor`
    catalogue_lane: QtExecutor | None = None
    # False while keyring has no hub credentials: residents see "being set up", nothing calls the
    # hub, and maintenance offers enrolment by code (become_enrolled then starts the rest)
    enrolled: bool = True
    actions: Any = None  # kiosk.services.ServiceActions: gets the card salt at enrolment
    _was_failing: bool = False
    # set by shutdown() under _start_lock: from then on no background thread starts (a warm-up still
    # building the outbox in a worker must not start threads on stores about to be closed)
    _closing: bool = False
    _start_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def closing(self) -> bool:
        return self._closing

    def restart(self) -> None:
        """End the program so that its service manager starts it again (remote command "restart")."""
        self.window.allow_close()
        QApplication.exit(0)

    def _fleet_link(self, hub: Any) -> Any:
        """Audit upload and pulled commands after each heartbeat (None without an audit file)."""
        if self.audit is None or self.ui_thread is None or not hasattr(hub, "credentials"):
            return None
        from kiosk.fleet_link import FleetLink
        from kiosk.remote_commands import CommandRunner

        ui, session = self.ui_thread, self.session
        handlers = command_handlers(self, ui, self.restart)
        runner = CommandRunner(
            self.audit, self.config.terminal_id, lambda: hub.credentials.hmac_key, handlers
        )
        revoked = lambda: ui.post(lambda: session.set_out_of_service(OutOfServiceReason.BACKEND))  # noqa: E731
        return FleetLink(lambda: hub, self.audit, runner, on_revoked=revoked)

    def refresh_catalogue(self) -> None:
        """Ask the hub for a newer catalogue in a worker; the session takes it when nobody is using
        the terminal, and learns whether the hub answered. The address list follows it. Not before
        enrolment: there are no credentials to sign with; not during shutdown: a warm-up that finished
        then gets no new work for the closed stores."""
        if not self.enrolled or self._closing:
            return
        lane = self.catalogue_lane or self.executor
        lane.submit(self.catalogue_store.refresh, self._catalogue_refreshed)
        if self.addresses is not None:
            self.executor.submit(self.addresses.refresh, self._places_refreshed)

    def _places_refreshed(self, result: Any) -> None:
        if not isinstance(result, BaseException):
            self.session.set_places(result)

    def _catalogue_refreshed(self, result: CatalogueState | BaseException) -> None:
        if isinstance(result, BaseException):
            log.error("catalogue refresh failed unexpectedly: %s", type(result).__name__)
            return
        self.session.set_online(not isinstance(result.problem, HubUnavailable))
        if result.catalogue is not self.session.catalogue or not self.session.catalogue_checked:
            self.session.set_catalogue(result.catalogue)

    def become_enrolled(self, enrolled: Any, hub_url: str | None = None) -> None:
        """On the UI thread, after maintenance enrolled the terminal (kiosk.enrolment.Enrolled, its
        credentials now in keyring): start what waited for them, in this process. Nothing made
        before needs the credentials (the hub client is deferred and was never built while not
        enrolled; the outbox and printer do not use them), so no restart is needed: the hub client,
        then the sync worker and heartbeat are started in a worker, the catalogue is fetched, and the
        terminal goes back in service (attract once the catalogue is there)."""
        if self.enrolled:
            return
        self.enrolled = True
        if hub_url and hub_url != self.config.hub.url:
            # the technician typed another address: used until the program restarts (the
            # configuration file is read-only to the kiosk; the panel says to put it there)
            self.config = replace(self.config, hub=replace(self.config.hub, url=hub_url))
        if self.actions is not None:
            self.actions.use_card_salt(enrolled.card_hash_salt)
        self.window.maintenance.offer_enrolment(None)
        hub, outbox = self.hub, self.outbox

        def start() -> None:
            if isinstance(hub, Deferred):
                hub.load()
            if isinstance(outbox, Deferred) and self.background is None:
                self.start_background(outbox.load(), hub)

        def started(result: Any) -> None:
            _part_loaded(result)
            self.refresh_catalogue()

        self.session.set_out_of_service(None)
        self.executor.submit(start, started)

    def start_background(self, outbox: Any, hub: Any) -> None:
        """Start the outbox's sync worker and the heartbeat (kiosk.background), from any thread."""
        from kiosk.background import TerminalBackground

        store = self.catalogue_store

        def catalogue_version() -> str | None:
            catalogue = store.current.catalogue
            return catalogue.version if catalogue is not None else None

        with self._start_lock:
            if self._closing:
                log.info("background work not started: the terminal is shutting down")
                return
            background = TerminalBackground(
                self.config,
                hub,
                outbox,
                self.health,
                catalogue_version,
                fleet=self._fleet_link(hub),
                service_state=self.service_watch.heartbeat_part,
            )
            background.start()
            self.background = background

    def report_lost_outbox(self, hub: Any, problem: Any) -> None:
        """The outbox cannot be opened (OutboxLost ...): heartbeats tell the hub so until a
        technician starts a new outbox (then start_background takes over)."""
        from kiosk.background import heartbeat_without_outbox

        store = self.catalogue_store

        def catalogue_version() -> str | None:
            catalogue = store.current.catalogue
            return catalogue.version if catalogue is not None else None

        with self._start_lock:
            if self._closing:
                return
            beat = heartbeat_without_outbox(self.config, hub, self.health, problem, catalogue_version)
            beat.start()
            self.lost_outbox_heartbeat = beat

    def check_connection(self) -> None:
        """On the UI thread, every few seconds: failed sync batches or heartbeats mean the hub is
        unreachable; the first success after failures means it is back. Reads counters only (no
        I/O); the workers have no event to wait on."""
        background = self.background
        if background is None:
            return
        failing = background.sync_worker.failures > 0 or background.heartbeat.status().failures > 0
        if failing:
            self.session.set_online(False)
        elif self._was_failing:
            self.session.set_online(True)
        self._was_failing = failing

    def shutdown(self, timeout_s: float = SHUTDOWN_BOUND_S) -> bool:
        """Stop everything at exit, in an order that never closes a store under a thread using it:
        nothing new starts; timers stop; the background threads are asked to end (their rounds end
        while the rest goes on); the worker pool finishes (a warm-up, a forced sync); the threads
        are joined; devices stop; then the outbox and the audit file are closed. Every wait shares
        the bound `timeout_s`; results of workers not yet delivered are dropped. True when every thread and worker ended within it (else a warning is
        logged and the stores are closed anyway: a late round ends at the closed store, quietly)."""
        deadline = time.monotonic() + timeout_s

        def left_s() -> float:
            return max(0.0, deadline - time.monotonic())

        with self._start_lock:
            self._closing = True
        for timer in self.timers:
            timer.stop()
        self.window.timer.stop()
        threads = [t for t in (self.background, self.lost_outbox_heartbeat) if t is not None]
        for thread in threads:
            thread.request_stop()
        pool_idle = self.executor.close(int(left_s() * 1000))
        if self.catalogue_lane is not None:
            pool_idle = self.catalogue_lane.close(int(left_s() * 1000)) and pool_idle
        joined = all([thread.stop(left_s()) for thread in threads])
        self.speaker.stop()
        for stop in self.stoppers:
            stop()
        if hasattr(self.card_reader, "stop"):
            self.card_reader.stop()
        if not (pool_idle and joined):
            log.warning(
                "shutdown: work still running after the bound",
                extra={"bound_s": timeout_s, "workers_idle": pool_idle, "threads_joined": joined},
            )
        outbox_open = not isinstance(self.outbox, Deferred) or self.outbox.loaded
        if outbox_open and hasattr(self.outbox, "close"):
            self.outbox.close()
        if self.log_tail is not None:
            logging.getLogger().removeHandler(self.log_tail)
        if self.audit is not None:
            self.audit.close()
        return pool_idle and joined

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
    first_catalogue_deadline_ms: int = FIRST_CATALOGUE_DEADLINE_MS,
    tap_clock: Callable[[], float] = time.monotonic,
) -> Terminal:
    """Make every part from `config` (or take the ones given) and the window; does not show it.

    A QApplication must exist. Raises ConfigError (not enrolled, bad settings) and the outbox's
    QueueError when its file is unusable.
    """
    select_keyring_backend(config.keyring_backend)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    health = HealthBoard()
    enrolled = True
    if hub is None:
        # not enrolled: start anyway, out of service, with enrolment on the maintenance screen
        enrolled = is_enrolled(config.terminal_id)
        hub = Deferred("hub", lambda: _build_hub(terminal.config))  # the address enrolment used
    store = CatalogueStore(hub, config.data_dir / "catalogue.json")
    cached = store.load_cached()
    if printer is None:
        printer = Deferred("printer", lambda: _build_printer(config, health))
    if card_reader is None:
        from drivers.card.factory import build_card_reader

        card_reader = build_card_reader(config.card_reader, health)
    if outbox is None:
        outbox = Deferred("outbox", lambda: build_outbox(config))
    executor = QtExecutor()
    collector = UiThreadCollector()  # before any worker runs: no collection on a worker thread
    collector.start()
    actions = ServiceActions(
        outbox=outbox,
        hub=hub,
        printer=printer,
        tickets=LocalTicketBook(config.data_dir / "tickets.json"),
        # fleet-wide, issued at enrolment (before it, no resident flow runs to need it)
        card_salt=card_hash_salt(config.terminal_id) if enrolled else b"",
        profiles=hub,  # GET /v1/residents/{card_hash}/profile: the details on file, for prefill
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
    audit = AuditLog.open(config.data_dir / "audit.sqlite")
    session.subscribe(SessionAuditWatch(audit.append))

    def quit_program() -> None:
        audit.append("technician", action="quit")
        QApplication.quit()

    compile_translations()
    words = Words()
    speak = config.ui.speech if speech is None else speech
    speaker = Speaker(enabled=speak, sink=config.ui.speech_sink)
    window = KioskWindow(
        session,
        words,
        speaker=speaker,
        executor=executor,
        card_reader=card_reader,
        speech=speak,
        on_quit=quit_program,
        tick_ms=tick_ms,
        technician_pin_hash=config.ui.technician_pin_hash,
        tap_clock=tap_clock,
    )
    # five wrong PINs lock the pad for its time across cards, card pulls and restarts
    window.maintenance.pin_lockout = PinLockout(config.data_dir / "technician_pin_lockout.json")
    collector.setParent(window)  # a window dropped without shutdown() gives collection back with it
    terminal = Terminal(
        config, session, window, executor, store, hub, outbox, printer, card_reader, speaker, health=health
    )
    terminal.enrolled, terminal.actions = enrolled, actions
    terminal.catalogue_lane = QtExecutor(max_threads=1, parent=window)
    from ui.printer_watch import PrinterWatch

    terminal.printer_watch = PrinterWatch(printer, executor, session)
    terminal.printer_watch.setParent(window)
    terminal.printer_watch.start()
    session.subscribe(terminal.service_watch)  # before the first change: "since" is when it happened
    terminal.stoppers.append(collector.stop)  # after the threads are joined: then Python's again
    if not enrolled:
        log.warning("terminal not enrolled: out of service until a technician enrols it")
        session.set_out_of_service(OutOfServiceReason.NOT_ENROLLED)
        window.maintenance.offer_enrolment(
            EnrolmentOffer(config.hub.url, config.terminal_id, config.hub.ca_bundle or None),
            on_enrolled=terminal.become_enrolled,
        )
    def new_outbox() -> int:
        # the technician's decision after OutboxLost; then the sending starts as warm-up would have
        from offline_queue.outbox_file import start_new_outbox

        generation = start_new_outbox(config.queue_db_path, config.terminal_id)
        if terminal.lost_outbox_heartbeat is not None:
            terminal.lost_outbox_heartbeat.stop()
            terminal.lost_outbox_heartbeat = None
        if (
            isinstance(outbox, Deferred)
            and isinstance(hub, Deferred)
            and terminal.background is None
            and terminal.enrolled
        ):
            terminal.start_background(outbox.load(), hub.load())
        return generation

    window.maintenance.attach(
        health,
        lambda: terminal.background,
        outbox,
        printer,
        config.terminal_id,
        new_outbox_fn=new_outbox,
        audit=audit.append,
    )
    terminal.audit, terminal.log_tail, terminal.ui_thread = audit, LogTail(), UiThread()
    logging.getLogger().addHandler(terminal.log_tail)
    window.maintenance.attach_diagnostics(diagnostic_sources(terminal))
    from kiosk.community import AddressBook

    terminal.addresses = AddressBook(hub, config.data_dir / "addresses.json")
    session.set_places(terminal.addresses.load_cached())
    card_reader.start()
    # once the first screen is up, one worker builds the deferred parts one after the other (the
    # keyring file backend is not safe for a write and a read at once: the outbox may create its
    # key while the hub client reads its credentials), then the catalogue is refreshed
    # (not the hub client while not enrolled: it would fail for want of credentials)
    deferred = [part for part in (hub, outbox, printer) if isinstance(part, Deferred)]
    if not enrolled:
        deferred.remove(hub)

    def warm_up() -> None:
        from offline_queue.errors import QueueFileUnusable
        from ui.input_engines.loader import INPUT_ENGINES  # librime and zinnia: see its docstring

        INPUT_ENGINES.load(config.data_dir)  # pinyin from the prebuilt data: compiles nothing (rime_prebuilt.py)
        # enrolled later, become_enrolled starts the background work itself
        starts_background = enrolled

        unusable: QueueFileUnusable | None = None
        for part in deferred:
            if terminal.closing:
                return  # shut down meanwhile: open no store that nobody would close
            try:
                part.load()
            except QueueFileUnusable as exc:  # the maintenance screen shows it (Deferred.failure)
                unusable = exc
        if isinstance(outbox, Deferred) and isinstance(hub, Deferred) and starts_background:
            if unusable is not None:
                terminal.report_lost_outbox(hub.load(), unusable)
                raise unusable
            terminal.start_background(outbox.load(), hub.load())

    def start_up() -> None:
        # the first fetch at once, in its own lane, beside the warm-up: it builds the hub client
        # itself if the warm-up has not yet (Deferred's lock: the warm-up then takes that one, and
        # builds the outbox only after it, so keyring still sees one part at a time)
        terminal.refresh_catalogue()
        executor.submit(warm_up, _part_loaded)

    warm_up_timer = QTimer(window)  # an object, not QTimer.singleShot: shutdown() must stop it
    warm_up_timer.setSingleShot(True)
    warm_up_timer.setInterval(WARMUP_MS)
    warm_up_timer.timeout.connect(start_up)
    warm_up_timer.start()
    terminal.timers.append(warm_up_timer)

    def first_catalogue_overdue() -> None:
        if session.catalogue_checked or not terminal.enrolled:
            return  # the hub answered (or a cached copy serves), or set-up is what residents see
        log.warning(
            "no catalogue from the hub within the start-up deadline",
            extra={"deadline_ms": first_catalogue_deadline_ms},
        )
        session.set_catalogue(store.current.catalogue)  # none yet: out of service, the hub's trouble

    first_deadline = QTimer(window)
    first_deadline.setSingleShot(True)
    first_deadline.setInterval(first_catalogue_deadline_ms)
    first_deadline.timeout.connect(first_catalogue_overdue)
    first_deadline.start()
    terminal.timers.append(first_deadline)
    connection_check = QTimer(window)
    connection_check.setInterval(CONNECTION_CHECK_MS)
    connection_check.timeout.connect(terminal.check_connection)
    connection_check.start()
    terminal.timers.append(connection_check)
    refresh = QTimer(window)
    refresh.setInterval(refresh_ms)
    refresh.timeout.connect(terminal.refresh_catalogue)
    refresh.start()
    terminal.timers.append(refresh)
    return terminal


def diagnostic_sources(terminal: Terminal) -> Any:
    """What the maintenance screen's diagnostics read (kiosk.maintenance.DiagnosticSources): the hub
    address in use (enrolment may have changed it), the catalogue's version, the hub client once
    built, the audit chain's head and the log's last lines."""
    from kiosk.maintenance import DiagnosticSources

    def catalogue_version() -> str | None:
        catalogue = terminal.catalogue_store.current.catalogue
        return catalogue.version if catalogue is not None else None

    return DiagnosticSources(
        hub_url=lambda: terminal.config.hub.url,
        catalogue_version=catalogue_version,
        hub=lambda: terminal.hub if terminal.enrolled else None,
        audit_head=lambda: terminal.audit.head() if terminal.audit is not None else None,
        log_lines=lambda: terminal.log_tail.lines() if terminal.log_tail is not None else [],
    )


def show(window: KioskWindow, fullscreen: bool, size: tuple[int, int] = (1280, 800)) -> None:
    """Full screen without decorations (the kiosk), or a window of `size` (the demo on a laptop)."""
    if fullscreen:
        window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        # the whole screen also without a window manager (a bare X server); a Wayland compositor may leave the size to the client (cage did: the window came up at its
        # size hint in a corner of a black screen), so take the screen's size ourselves, and again
        # whenever the screen changes (rotation, another monitor)
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.geometry())
            screen.geometryChanged.connect(window.setGeometry)
        window.showFullScreen()
    else:
        window.resize(*size)
        window.show()
