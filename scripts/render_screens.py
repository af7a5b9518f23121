"""Render every screen in both modes and both languages to PNG, landscape 1920x1080, portrait
1080x1920, the 1280x800 demo window and 1366x768, into renders/<size>/<language>-<mode>/NN-<scene>.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_screens.py [--out renders] [--only attract]
        [--size 1280x800]

`open_scene(n, size, language, mode, folder)` plays one scene and leaves its window open: the
layout check (tests/test_layout_check.py) and the screen rules (tests/test_screen_rules.py) use it.

The session runs on the demo catalogue with the in-memory stand-ins of tests/fixtures/session_kit.py
(hub, outbox, printer, clock) and a synchronous executor, so every scene is reached in a fixed order
and the pictures are the same on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from contract.local_ref import LocalRef  # noqa: E402
from drivers.card.model import CardExpired  # noqa: E402
from drivers.health import HealthBoard  # noqa: E402
from hub.profiles import DEMO_PROFILE, load_addresses  # noqa: E402
from kiosk.community import parse_addresses  # noqa: E402
from kiosk.executor import SynchronousExecutor  # noqa: E402
from kiosk.secrets import select_keyring_backend  # noqa: E402
from kiosk.session import Session  # noqa: E402
from kiosk.session_view import Mode, OutOfServiceReason  # noqa: E402
from offline_queue.generation import note_generation  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from tests.fixtures.session_kit import (  # noqa: E402
    RESIDENT,
    TECHNICIAN,
    Kit,
    demo_catalogue,
    finished_case,
    make_kit,
)
from tests.support.qt_cleanup import delete_later_with_its_screens, flush_deferred_deletes  # noqa: E402
from ui.i18n import Words  # noqa: E402
from ui.input_engines.loader import INPUT_ENGINES  # noqa: E402
from ui.pictures import SlotPicture  # noqa: E402
from ui.screens.text_aids import PlacePicker  # noqa: E402
from ui.speech import Speaker  # noqa: E402
from ui.theme import ELDER, STANDARD  # noqa: E402
from ui.window import KioskWindow  # noqa: E402

SIZES = ((1920, 1080), (1080, 1920), (1280, 800), (1366, 768))
SIZE_NAMES = {f"{w}x{h}": (w, h) for w, h in SIZES}  # 1280x800: the demo window
REPAIR = (
    ("category", "lighting"),
    ("location", "8号楼2单元3层楼道"),
    ("detail", "楼道灯不亮已有三天"),
    ("urgency", "normal"),
)


def _no_paper(kit: Kit) -> None:
    kit.printer.paper_out = True
    kit.session.set_paper_out(True)  # as the printer watch tells it
    kit.session.start()
    kit.session.continue_without_card()


def _to_form(kit: Kit) -> None:
    kit.session.start()
    kit.session.continue_without_card()
    kit.session.choose_service("repair.public_area")


def _filled(kit: Kit) -> None:
    _to_form(kit)
    for field, value in REPAIR:
        kit.session.set_field(field, value)
    kit.session.set_field("phone", "13800138000")


def _editor(field: str) -> Callable[[Kit, KioskWindow], None]:
    def scene(kit: Kit, window: KioskWindow) -> None:
        kit.session.start()
        kit.session.card_inserted(RESIDENT)
        service = "meal.elder_signup" if field == "start_date" else "repair.public_area"
        kit.session.choose_service(service)
        kit.session.set_places(parse_addresses(load_addresses()))
        screen = window.current_screen()
        screen.open_editor(field)
        if field == "detail":  # whole-phrase pinyin with the engine's candidates, quick phrases above
            keyboard = screen.editor.keyboard
            for ch in "diantihuaile":
                keyboard.press(ch)
        elif field == "location":  # the place picker: a building tapped, its units offered
            picker = screen.editor.findChild(PlacePicker)
            picker.pick_building(next(i for i, b in enumerate(kit.session.view.places) if "8" in b.label))

    return scene


def _handwriting(kit: Kit, window: KioskWindow) -> None:
    """The handwriting pad with 电 written on it and zinnia's candidates."""
    _editor("detail")(kit, window)
    keyboard = window.current_screen().editor.keyboard
    keyboard.press("backspace")
    for _ in range(12):
        keyboard.press("backspace")
    keyboard.press("handwriting")
    strokes = json.loads((ROOT / "tests" / "fixtures" / "strokes_zh.json").read_text(encoding="utf-8"))
    keyboard.pad.write(strokes["characters"]["电"], scale=keyboard.pad.width() / strokes["pad"][0])


class _OnFile:
    """The hub's details on file for the demo resident (what GET /v1/residents/.../profile answers)."""

    def resident_profile(self, _card_hash: str) -> dict[str, str]:
        return dict(DEMO_PROFILE)


def _prefill_offer(kit: Kit, _window: KioskWindow) -> None:
    kit.actions._profiles = _OnFile()
    kit.session.start()
    kit.session.card_inserted(RESIDENT)
    kit.session.choose_service("repair.public_area")


def _prefill_used(kit: Kit, window: KioskWindow) -> None:
    """After "use these details": the line saying what was filled, where the offer stood."""
    _prefill_offer(kit, window)
    window.current_screen().findChild(QPushButton, "prefill.use").click()


def _refused(field: str, typed: str) -> Callable[[Kit, KioskWindow], None]:
    """OK on a value the field refuses: the editor stays open with its message over the keys."""

    def scene(kit: Kit, window: KioskWindow) -> None:
        _to_form(kit)
        screen = window.current_screen()
        screen.open_editor(field)
        if field == "phone":
            for ch in typed:
                screen.editor.press(ch)
        else:
            screen.editor.keyboard.insert_text(typed)
        screen.finish(field, screen.editor.value())

    return scene


def _ticket_then(kit: Kit, then: str) -> None:
    """A ticket taken from the filled repair form, back to the form, then a ticket again or the
    form sent."""
    _filled(kit)
    kit.session.take_ticket()
    kit.session.back()
    if then == "ticket":
        kit.session.take_ticket()
    else:
        kit.session.next()
        kit.session.next()


def _receipt(paper: bool, online: bool) -> Callable[[Kit, KioskWindow], None]:
    def scene(kit: Kit, _window: KioskWindow) -> None:
        kit.printer.paper_out = not paper
        kit.session.set_online(online)
        _filled(kit)
        kit.session.next()
        kit.session.next()

    return scene


def _ticket_with_card(kit: Kit) -> None:
    """A ticket taken from a repair form begun with the resident's card, which is still in."""
    kit.session.start()
    kit.session.card_inserted(RESIDENT)
    kit.session.choose_service("repair.public_area")
    kit.session.set_field("category", "lift")
    kit.session.take_ticket()


def _receipt_with_card(kit: Kit) -> None:
    """A repair report made with the resident's card, which is still in the reader."""
    kit.session.start()
    kit.session.card_inserted(RESIDENT)
    kit.session.choose_service("repair.public_area")
    for field, value in REPAIR:
        kit.session.set_field(field, value)
    kit.session.set_field("phone", "13800138000")
    kit.session.next()
    kit.session.next()


def _query(kit: Kit, _window: KioskWindow) -> None:
    kit.hub.cases["c"] = finished_case()
    kit.session.start()
    kit.session.continue_without_card()
    kit.session.choose_service("query.progress")
    kit.session.set_field("reference", "T0001-000007")
    kit.session.next()


def _rating(several: bool, stars: int | None) -> Callable[[Kit, KioskWindow], None]:
    """The resident's finished cases found by the card: one, or three with the last one tapped
    (its stars open in its own card, under the others); `stars` picked, waiting to be sent."""

    def scene(kit: Kit, _window: KioskWindow) -> None:
        from kiosk.services import card_hash
        from tests.fixtures.session_kit import CARD_SALT

        cases = [finished_case("T0001-93-000001-94", "C-1")]
        if several:
            cases += [finished_case("T0001-93-000002-87", "C-2"), finished_case("T0001-93-000003-7A", "C-3")]
        kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = cases
        kit.session.start()
        kit.session.card_inserted(RESIDENT)
        kit.session.choose_service("rating.satisfaction")
        kit.session.next()
        if several:
            kit.session.choose_case_to_rate("C-3")
        if stars is not None:
            kit.session.choose_stars(stars)

    return scene


def _rating_nothing(kit: Kit, _window: KioskWindow) -> None:
    """The card's one case is still being worked: nothing to rate yet (walk 9, F4)."""
    from dataclasses import replace

    from kiosk.services import card_hash
    from tests.fixtures.session_kit import CARD_SALT

    case = finished_case("T0001-93-000001-94", "C-1")
    received = replace(case, status="received", timeline=case.timeline[:1], can_rate=False)
    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [received]
    kit.session.start()
    kit.session.card_inserted(RESIDENT)
    kit.session.choose_service("rating.satisfaction")
    kit.session.next()


def _rating_one_rated_before(kit: Kit, _window: KioskWindow) -> None:
    """Two finished cases, one rated before (the hub says so): it says "rated", with no stars
    (issue 9, F4); the other has its stars open."""
    from dataclasses import replace

    from kiosk.services import card_hash
    from tests.fixtures.session_kit import CARD_SALT

    rated = replace(finished_case("T0001-93-000002-87", "C-2"), rating=4, can_rate=False)
    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [
        finished_case("T0001-93-000001-94", "C-1"),
        rated,
    ]
    kit.session.start()
    kit.session.card_inserted(RESIDENT)
    kit.session.choose_service("rating.satisfaction")
    kit.session.next()


def _error(kit: Kit, window: KioskWindow) -> None:
    kit.hub.down = True
    kit.session.start()
    kit.session.continue_without_card()
    kit.session.choose_service("query.progress")
    # a well-formed reference (its check digits right): the query is asked, and the network is down
    kit.session.set_field("reference", str(LocalRef("T0001", 9, 7)))
    # as 确定 does: the typed reference kept, its editor closed, then the query asked
    screen = window.current_screen()
    if getattr(screen, "editing", None) is not None:
        screen.close_editor()
    kit.session.next()


def _warning(kit: Kit, _window: KioskWindow) -> None:
    _to_form(kit)
    kit.clock.advance(1000)
    kit.session.tick()
    kit.clock.advance(3)
    kit.session.tick()


def _timed_out(kit: Kit) -> None:
    """A form left half filled: the warning runs out and the session ends by itself (not a tap on
    "leave": the message after a timeout is its own)."""
    _to_form(kit)
    kit.session.set_field("detail", "楼道灯不亮已有三天")
    for _ in range(2):  # the warning, then its end
        kit.clock.advance(10_000)
        kit.session.tick()


def _invalid(kit: Kit, _window: KioskWindow) -> None:
    _to_form(kit)
    kit.session.set_field("phone", "12345")
    kit.session.next()


SCENES: list[tuple[str, Callable[[Kit, KioskWindow], None]]] = [
    ("attract", lambda kit, w: None),
    ("identify", lambda kit, w: kit.session.start()),
    (
        "identify-needs-card",
        lambda kit, w: (
            kit.session.start(),
            kit.session.continue_without_card(),
            kit.session.choose_service("certificate.residence"),
        ),
    ),
    ("identify-card-expired", lambda kit, w: (kit.session.start(), kit.session.card_inserted(CardExpired("expired")))),
    ("choose", lambda kit, w: (kit.session.start(), kit.session.continue_without_card())),
    ("choose-with-card", lambda kit, w: (kit.session.start(), kit.session.card_inserted(RESIDENT))),
    # the printer out of paper and no card read: a print-out's tile has its badges, and tapping one
    # brings the banner that sends the resident to the staffed window
    ("choose-no-paper", lambda kit, w: _no_paper(kit)),
    ("choose-no-paper-refused", lambda kit, w: (_no_paper(kit), kit.session.choose_service("certificate.residence"))),
    ("form", lambda kit, w: _to_form(kit)),
    ("form-invalid", _invalid),
    ("editor-choice", _editor("category")),
    ("editor-pinyin", _editor("detail")),
    ("editor-place-picker", _editor("location")),
    ("editor-handwriting", _handwriting),
    ("editor-digits", _editor("phone")),
    ("editor-date", _editor("start_date")),
    (
        "form-card-prefill",
        lambda kit, w: (
            kit.session.start(),
            kit.session.card_inserted(RESIDENT),
            kit.session.choose_service("certificate.residence"),
        ),
    ),
    (
        "form-query-card",
        lambda kit, w: (
            kit.session.start(),
            kit.session.card_inserted(RESIDENT),
            kit.session.choose_service("query.progress"),
        ),
    ),
    ("form-prefill-offer", _prefill_offer),
    ("form-prefill-used", _prefill_used),
    ("editor-refused-digits", _refused("phone", "12345")),
    ("editor-refused-text", _refused("detail", "灯")),
    ("review", lambda kit, w: (_filled(kit), kit.session.next())),
    ("receipt-printed", _receipt(paper=True, online=True)),
    ("receipt-offline-no-paper", _receipt(paper=False, online=False)),
    # the card still in after the outcome ("take your card"), and staff called on the receipt
    ("receipt-card-in", lambda kit, w: _receipt_with_card(kit)),
    ("receipt-staff-called", lambda kit, w: (_receipt(paper=True, online=True)(kit, w), kit.session.call_staff())),
    ("result-ticket", lambda kit, w: (kit.session.start(), kit.session.take_ticket())),
    ("result-ticket-form-kept", lambda kit, w: (_filled(kit), kit.session.take_ticket())),
    # asked again in the same visit: the ticket already given, and a request finished after it
    ("result-ticket-again", lambda kit, w: _ticket_then(kit, "ticket")),
    ("result-ticket-form-kept-card", lambda kit, w: _ticket_with_card(kit)),
    ("receipt-after-ticket", lambda kit, w: _ticket_then(kit, "receipt")),
    ("result-query", _query),
    ("result-rated", lambda kit, w: (_query(kit, w), kit.session.rate(5))),
    ("result-rate-confirm", _rating(several=False, stars=4)),
    ("result-rate-several", _rating(several=True, stars=2)),
    ("result-rate-nothing", _rating_nothing),
    (
        "result-rated-several",
        lambda kit, w: (_rating(several=True, stars=2)(kit, w), kit.session.rate(2, "C-3")),
    ),
    (
        # one rated, another of the card's finished cases tapped next (walk 10, M1)
        "result-rated-then-another",
        lambda kit, w: (
            _rating(several=True, stars=2)(kit, w),
            kit.session.rate(2, "C-3"),
            kit.session.choose_case_to_rate("C-1"),
            kit.session.choose_stars(5),
        ),
    ),
    ("editor-urgency-alert", _editor("urgency")),
    (
        "result-record",
        lambda kit, w: (
            kit.session.start(),
            kit.session.card_inserted(RESIDENT),
            kit.session.choose_service("certificate.residence"),
            kit.session.set_field("purpose", kit.session.view.fields[2].choices[0].value),
            kit.session.next(),
            kit.session.next(),
        ),
    ),
    (
        "result-notices",
        lambda kit, w: (
            kit.session.start(),
            kit.session.continue_without_card(),
            kit.session.choose_service("notices.community"),
        ),
    ),
    ("error-offline", _error),
    ("staff-called", lambda kit, w: (kit.session.start(), kit.session.call_staff())),
    ("inactivity-warning", _warning),
    (
        # the warning over an open text editor: where an elder resident typing stops (walk 12, High)
        "inactivity-warning-editor",
        lambda kit, w: (
            _editor("detail")(kit, w),
            kit.clock.advance(1000),
            kit.session.tick(),
            kit.clock.advance(3),
            kit.session.tick(),
        ),
    ),
    ("attract-after-timeout", lambda kit, w: _timed_out(kit)),
    (
        "attract-card-left-in",
        lambda kit, w: (kit.session.start(), kit.session.card_inserted(RESIDENT), kit.session.cancel()),
    ),
    ("out-of-service", lambda kit, w: kit.session.set_out_of_service(OutOfServiceReason.BACKEND)),
    (
        # a card put in on the paused terminal's ticket page: asked back, saying why (walk 10, L8)
        "result-ticket-paused-card",
        lambda kit, w: (
            kit.session.set_out_of_service(OutOfServiceReason.INTERNAL),
            kit.session.take_ticket(),
            kit.session.card_inserted(RESIDENT),
        ),
    ),
    ("maintenance", lambda kit, w: _maintenance(kit, w)),
    (
        "out-of-service-not-enrolled",
        lambda kit, w: kit.session.set_out_of_service(OutOfServiceReason.NOT_ENROLLED),
    ),
    # a fresh terminal waiting for its first catalogue (the screen is the same whichever way it is reached)
    ("starting", lambda kit, w: kit.session.set_out_of_service(OutOfServiceReason.STARTING)),
    ("maintenance-enrol", lambda kit, w: _maintenance_enrol(kit, w)),
    ("maintenance-enrol-address", lambda kit, w: _maintenance_enrol(kit, w, editing="url")),
    ("maintenance-enrol-busy", lambda kit, w: _maintenance_enrol(kit, w, busy=True)),
    ("maintenance-enrol-unreachable", lambda kit, w: _maintenance_enrol(kit, w, submit=True)),
    ("maintenance-reasons", lambda kit, w: (_maintenance(kit, w), w.maintenance._ask_reason())),
    ("maintenance-diagnostics", lambda kit, w: _maintenance_diagnostics(kit, w)),
    (
        "maintenance-paused",
        lambda kit, w: (_maintenance(kit, w), w.maintenance._take_out(OutOfServiceReason.HARDWARE)),
    ),
    ("maintenance-pin-wrong", lambda kit, w: _maintenance_pin(kit, w, wrong=1)),
    ("maintenance-pin-locked", lambda kit, w: _maintenance_pin(kit, w, wrong=5)),
    ("result-rate-rated-before", _rating_one_rated_before),
]


def _maintenance_pin(kit: Kit, window: KioskWindow, *, wrong: int) -> None:
    """The PIN pad after `wrong` wrong PINs: how many tries are left, or locked with the time left."""
    from kiosk.technician_lockout import PinLockout

    panel = window.maintenance
    panel._pin_hash = "pbkdf2_sha256$1$00$00"  # a PIN is set (no PIN is ever typed here)
    panel.pin_lockout = PinLockout(clock=lambda: RENDER_CLOCK)
    for _ in range(wrong):
        panel.pin_lockout.wrong()
    panel.lock()
    panel._message = "maintenance.pin_wrong"
    kit.session.card_inserted(TECHNICIAN)


def _maintenance_enrol(
    kit: Kit, window: KioskWindow, *, editing: str = "code", busy: bool = False, submit: bool = False
) -> None:
    """A terminal started before enrolment, its technician on the Enrol panel with a code typed:
    the code's keys, the address's keys, waiting past the deadline, or the hub not answering (a
    port on 127.0.0.1 nothing listens on: refused at once, the same on every run)."""
    from ui.enrol_panel import EnrolmentOffer

    # a real hub's address, as long as they come: it must wrap in its column, not run past it
    url = "http://127.0.0.1:9" if submit else "https://hub.district-services.example.cn:8443"
    panel = window.maintenance
    panel.attach(HealthBoard(), lambda: None, None, None, "T0002")
    panel.offer_enrolment(EnrolmentOffer(url, "T0002"))
    form = panel._enrol_form
    form.code, form.editing, form.busy, form.overdue = "7KQ2M-XW4PD", editing, busy, busy
    kit.session.set_out_of_service(OutOfServiceReason.NOT_ENROLLED)
    kit.session.card_inserted(TECHNICIAN)
    if submit:
        panel._enrol()


def _maintenance(kit: Kit, window: KioskWindow) -> None:
    """The technician's screen with figures: a real outbox holding two submissions, a card reader
    that works and a printer low on paper (no background work: its lines say "never")."""
    board = HealthBoard()
    board.set_state("card_reader", "notpresent")
    board.set_state("printer", "paper_low")
    board.record_error("printer", "paper low sensor")
    folder = Path(tempfile.mkdtemp(prefix="maintenance-"))
    outbox = real_outbox(folder, "T0001")
    for detail in ("lift", "door"):
        outbox.enqueue("repair.public_area", {"detail": detail}, {"detail": "public"}, "v1")
    window.maintenance.attach(board, lambda: None, outbox, None, "T0001")
    window.maintenance.clock = lambda: RENDER_CLOCK  # "figures as of": the same on every run
    kit.session.card_inserted(TECHNICIAN)


RENDER_CLOCK = datetime(2026, 11, 23, 1, 0, 5, tzinfo=UTC).timestamp()


def _maintenance_diagnostics(kit: Kit, window: KioskWindow) -> None:
    """The diagnostics in the figures' place: a hub that answers nothing (no client), an audit
    head, two warnings of the log (one long)."""
    from kiosk.maintenance import DiagnosticSources

    _maintenance(kit, window)
    head = type("Head", (), {"seq": 1234, "h": "9f2c4e1a7b3d5f60" * 4})()
    lines = [
        "2026-11-23T01:00:05+00:00 WARNING kiosk.heartbeat: heartbeat failed: HubUnavailable status=503",
        "2026-11-23T01:00:09+00:00 ERROR offline_queue.sync: batch refused: " + "x" * 120,
    ]
    window.maintenance.attach_diagnostics(
        DiagnosticSources(
            hub_url=lambda: "https://hub.district-services.example.cn:8443",
            catalogue_version=lambda: "2026-11-20.3",
            audit_head=lambda: head,
            log_lines=lambda: lines,
        )
    )
    window.maintenance._show_diagnostics()


# base 36 "93": the generation a terminal's first outbox file gets on 2026-11-23 (offline_queue/generation.py)
RECEIPT_GENERATION = 9 * 36 + 3


def real_outbox(folder: Path, terminal_id: str) -> Outbox:
    """A real outbox on a file in `folder`, so a receipt shows a reference exactly as the terminal
    prints it (T0001-93-000001-94: generation, sequence, check digits). Its generation comes from a
    file keyring in `folder`, pinned so every run draws the same reference; the key is a fixed one."""
    folder.mkdir(parents=True, exist_ok=True)
    select_keyring_backend(f"file:{folder / 'keyring.cfg'}")
    note_generation(terminal_id, RECEIPT_GENERATION - 1)  # the next file gets RECEIPT_GENERATION
    return Outbox(folder / "outbox.sqlite", terminal_id, key=bytes(32))


def themed_kit(folder: Path, terminal_id: str = "T0001", outbox: Outbox | None = None) -> Kit:
    """The stand-in kit, with a session paged like the real terminal's (the themes' items per page);
    `outbox` replaces the in-memory stand-in."""
    kit = make_kit(folder, terminal_id=terminal_id, outbox=outbox)
    kit.session = Session(
        terminal_id=terminal_id,
        catalogue=demo_catalogue(),
        actions=kit.actions,
        executor=SynchronousExecutor(),
        clock=kit.clock,
        page_size=STANDARD.items_per_page,
        elder_page_size=ELDER.items_per_page,
        wall_clock=lambda: datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
    )
    return kit


LANGUAGES = ("zh", "en")
MODES = (Mode.STANDARD, Mode.ELDER)


class SilentSpeaker(Speaker):
    """A speech engine that is there but says nothing: the screens look as on a terminal with
    speech (the elder top bar has its "hear it again" button), and no sound is made. A render
    without it missed the English elder top bar cut at 1366x768 (walk finding 5)."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.engine = "silent"

    def say(self, text: str, language: str) -> None:
        self._last = (text, language)

    def stop(self) -> None:
        pass


@dataclass
class OpenScene:
    """One scene on show: the kit it runs on, its window, and the real outbox receipts need."""

    kit: Kit
    window: KioskWindow
    outbox: Outbox | None

    def close(self) -> None:
        app = QApplication.instance()
        self.window.allow_close()
        self.window.close()
        delete_later_with_its_screens(self.window)
        app.processEvents()
        flush_deferred_deletes()  # no event loop here: unflushed, every scene's window stayed
        if self.outbox is not None:
            self.outbox.close()


def open_scene(
    n: int, size: tuple[int, int], language: str, mode: Mode, folder: Path, words: Words | None = None
) -> OpenScene:
    """Play scene number `n` of SCENES in a window of `size`, in `language` and `mode`, on a kit in
    `folder`; the window is shown and laid out. The caller closes it (`.close()`)."""
    name, scene = SCENES[n]
    return open_played(name, scene, size, language, mode, folder, words)


def open_played(
    name: str,
    scene: Callable[[Kit, KioskWindow], None],
    size: tuple[int, int],
    language: str,
    mode: Mode,
    folder: Path,
    words: Words | None = None,
) -> OpenScene:
    """`open_scene` for a scene of the caller's (`name` as SCENES names them: "receipt…" gets a
    real outbox)."""
    app = QApplication.instance() or QApplication([])
    SlotPicture.animate = False  # the same still frame on every run
    # pinyin and handwriting, as the terminal loads them (once per process; the folder stays)
    INPUT_ENGINES.load(Path(tempfile.mkdtemp(prefix="render-engines-")))
    # the seniors' meal sign-up (the one form with a date) runs in the community hall
    terminal = "T0003" if name == "editor-date" else "T0001"
    outbox = real_outbox(folder, terminal) if name.startswith("receipt") else None
    kit = themed_kit(folder, terminal, outbox)
    window = KioskWindow(kit.session, words or Words(), speaker=SilentSpeaker(), speech=True)
    window.resize(*size)
    window.show()
    kit.session.set_language(language)
    kit.session.set_mode(mode)
    scene(kit, window)
    # scenes that end a session reset language and mode (only then: it is a tap); not while the
    # farewell shows: a tap at the welcome is the next resident's, and it takes the farewell away
    # (final review, finding 4: only zh-standard renders showed "已退出，信息已清除" after a timeout)
    if kit.session.view.end_reason is None:
        if kit.session.view.language != language:
            kit.session.set_language(language)
        if kit.session.view.mode is not mode:
            kit.session.set_mode(mode)
    for _ in range(3):
        app.processEvents()
    return OpenScene(kit, window, outbox)


def render(out: Path, only: str | None = None, sizes: tuple[tuple[int, int], ...] = SIZES) -> list[Path]:
    QApplication.instance() or QApplication([])
    words = Words()
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        for width, height in sizes:
            for language in LANGUAGES:
                for mode in MODES:
                    folder = out / f"{width}x{height}" / f"{language}-{mode.value}"
                    folder.mkdir(parents=True, exist_ok=True)
                    for n, (name, _scene) in enumerate(SCENES):
                        if only and only not in name:
                            continue
                        scene_dir = Path(tmp) / f"{width}-{language}-{mode.value}-{n}"
                        shown = open_scene(n, (width, height), language, mode, scene_dir, words)
                        path = folder / f"{n:02d}-{name}.png"
                        shown.window.grab().save(str(path))
                        written.append(path)
                        shown.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "renders")
    parser.add_argument("--only", default=None, help="render only the scenes whose name contains this")
    parser.add_argument("--size", action="append", choices=sorted(SIZE_NAMES), help="only these sizes")
    args = parser.parse_args(argv)
    began = time.monotonic()
    sizes = tuple(SIZE_NAMES[s] for s in args.size) if args.size else SIZES
    written = render(args.out, args.only, sizes)
    print(f"wrote {len(written)} PNG files to {args.out} in {time.monotonic() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
