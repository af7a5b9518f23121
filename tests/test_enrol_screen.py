"""A terminal installed and started before it is enrolled: the real composition (ui.app.build_terminal)
against the real hub, with no credentials in keyring. Residents see "being set up" (no resident flow);
the technician card and the PIN from the local configuration open maintenance, whose Enrol panel
exchanges a code the hub issued; a wrong, used or expired code or an unreachable hub is named and the
panel stays usable; once enrolled the terminal starts its sync and heartbeat without a restart and
a resident's submission reaches the hub. The systemd watchdog pings through all of it."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QLabel

from hub.store import HubStore
from hub.testing import issue_enrolment_code
from kiosk.enrolment import exchange_code
from kiosk.sd_notify import Notifier
from kiosk.secrets import is_enrolled
from kiosk.session_view import OutOfServiceReason, Step
from tests.fixtures.kiosk_ui import START_WAIT_MS, KioskDriver, start_kiosk, stop_kiosk
from tests.fixtures.walking import fill_repair, say, step
from tests.support.notify_socket import NotifySocket
from ui.technician_pin import hash_pin
from ui.watchdog import SystemdWatchdog

NEW_TERMINAL = "T0002"  # the hub fixture enrolled T0001 only
PIN = "246810"


@pytest.fixture
def unenrolled(qtbot, tmp_path, hub_server, file_keyring, input_engines):
    """`unenrolled(size, language)`: terminal T0002 with a technician PIN and no credentials."""
    started: list[KioskDriver] = []

    def start(size: tuple[int, int] = (1280, 800), language: str = "en") -> KioskDriver:
        assert not is_enrolled(NEW_TERMINAL)
        k = start_kiosk(
            qtbot,
            tmp_path,
            hub_server,
            file_keyring,
            size=size,
            language=language,
            terminal_id=NEW_TERMINAL,
            technician_pin_hash=hash_pin(PIN, iterations=1000),
        )
        started.append(k)
        k.wait_step(Step.OUT_OF_SERVICE, timeout=START_WAIT_MS)
        return k

    yield start
    for k in started:
        stop_kiosk(k)


def shown_url(k) -> str:
    """The address line as read: without the zero-width spaces it may wrap at (ui.maintenance_views.breakable)."""
    return k.text_of("enrol.url").replace("\u200b", "")


def open_maintenance(k: KioskDriver) -> None:
    k.terminal.card_reader.insert("technician")
    k.wait(lambda: k.view.technician_card)
    k.type_keys(PIN)  # the PIN is checked against the local configuration's hash: no hub needed
    k.tap("maintenance.pin_ok")
    assert k.has_button("enrol.submit", timeout=10_000)


def type_code(k: KioskDriver, code: str) -> None:
    """Clear what is typed, then the code as a technician types it (lower case: the layer capitalises)."""
    while k.terminal.window.maintenance._enrol_form.code:
        k.tap("key:backspace")
    for ch in code:
        k.tap(f"key:{ch.lower()}")


def enrol_outcome(k: KioskDriver) -> str:
    k.tap("enrol.submit")
    k.wait(lambda: not k.window.maintenance._enrol_form or not k.window.maintenance._enrol_form.busy)
    k.wait(lambda: k.text_of("maintenance.outcome_text").strip() != "")
    return k.text_of("maintenance.outcome_text")


@pytest.mark.parametrize(("size", "language"), [((1280, 800), "en"), ((1920, 1080), "zh")], ids=["1280x800-en", "1920x1080-zh"])
def test_a_terminal_without_credentials_starts_set_up_and_is_enrolled_from_its_maintenance_screen(
    unenrolled, hub_server, size, language, capsys
):
    k = unenrolled(size, language)
    assert k.view.out_of_service is OutOfServiceReason.NOT_ENROLLED
    step(k, Step.OUT_OF_SERVICE)
    texts = [w.text() for w in k.window.findChildren(QLabel) if w.isVisible()]
    assert say(k, "oos.not_enrolled") in texts and say(k, "oos.help") in texts
    assert k.lacks_button("attract.start")  # no resident flow
    k.terminal.card_reader.insert("resident")  # a resident's card changes nothing
    time.sleep(0.5)
    assert k.view.step is Step.OUT_OF_SERVICE and not k.view.technician_card
    k.terminal.card_reader.remove()
    k.tap("bar.help")  # help still calls staff
    k.wait(lambda: k.view.staff_called)
    # nothing calls the hub: no background work, the hub client never built (it has nothing to sign with)
    k.wait(lambda: k.terminal.outbox.loaded)  # warm-up done
    assert k.terminal.background is None and not k.terminal.hub.loaded

    open_maintenance(k)
    assert hub_server.url in shown_url(k)
    type_code(k, "AAAAA-AAAAA")
    assert enrol_outcome(k) == say(k, "enrol.problem.bad_code", terminal=NEW_TERMINAL, reason="bad_code")
    assert not k.terminal.enrolled and k.button("enrol.submit").isEnabled()  # still usable

    code = issue_enrolment_code(hub_server.db_path, NEW_TERMINAL, "district-3")
    type_code(k, code)
    taps = k.taps
    assert enrol_outcome(k) == say(k, "enrol.done", terminal=NEW_TERMINAL, group="district-3")
    assert is_enrolled(NEW_TERMINAL) and k.terminal.enrolled
    # without a restart: the sync worker and heartbeat start, the usual actions come back
    k.wait(lambda: k.terminal.background is not None)
    assert k.has_button("maintenance.sync") and k.lacks_button("enrol.submit")
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.technician_card)
    step(k, Step.ATTRACT)  # the catalogue arrived from the hub with the new credentials

    # a resident's submission reaches the hub, signed as T0002
    k.tap("attract.start")
    step(k, Step.IDENTIFY)
    k.tap("identify.without_card")
    step(k, Step.CHOOSE)
    fill_repair(k)
    k.tap("nav.next")
    step(k, Step.REVIEW)
    k.tap("nav.submit")
    step(k, Step.RECEIPT)
    ref = k.view.outcome.local_ref
    assert ref.startswith(NEW_TERMINAL)
    k.wait(lambda: k.terminal.outbox.states([ref])[ref] == "acked", timeout=30_000)
    store = HubStore(hub_server.db_path)
    try:
        assert store.case(ref) is not None
    finally:
        store.close()
    with capsys.disabled():
        print(f"\n[walk] enrol from the maintenance screen, {size[0]}x{size[1]} {language}: code typed in {k.taps - taps} taps")


def test_a_used_an_expired_code_and_an_unreachable_hub_are_named_and_the_panel_stays_usable(
    unenrolled, hub_server
):
    k = unenrolled((1366, 768), "en")
    open_maintenance(k)
    used = issue_enrolment_code(hub_server.db_path, NEW_TERMINAL, "g")
    exchange_code(hub_server.url, used, NEW_TERMINAL)  # used once already (stored nowhere)
    type_code(k, used)
    assert enrol_outcome(k) == say(k, "enrol.problem.code_used", terminal=NEW_TERMINAL, reason="code_used")
    expiring = issue_enrolment_code(hub_server.db_path, NEW_TERMINAL, "g", ttl_s=1)
    time.sleep(2.1)
    type_code(k, expiring)
    assert enrol_outcome(k) == say(k, "enrol.problem.code_expired", terminal=NEW_TERMINAL, reason="code_expired")

    # the hub's address changed on the keyboard (a port nothing listens on): unreachable, named
    port = hub_server.url.rsplit(":", 1)[1]
    k.tap("enrol.edit_url")
    for _ in port:
        k.tap("key:backspace")
    k.tap("key:9")  # the address layer has its digits on its first row: nothing to switch
    k.tap("enrol.url_done")
    assert shown_url(k) == say(k, "enrol.hub", url=hub_server.url.rsplit(":", 1)[0] + ":9")
    assert k.text_of("enrol.url_note") == say(k, "enrol.url_note")
    good = issue_enrolment_code(hub_server.db_path, NEW_TERMINAL, "g")
    type_code(k, good)
    assert enrol_outcome(k) == say(k, "enrol.problem.unreachable", terminal=NEW_TERMINAL, reason="unreachable")
    assert not k.terminal.enrolled

    # back to the right port (":" from the address layer's keys), and the same good code still works
    k.tap("enrol.edit_url")
    k.tap("key:backspace")
    k.tap("key:backspace")
    k.tap("key::")
    k.type_keys(port)
    k.tap("enrol.url_done")
    assert shown_url(k) == say(k, "enrol.hub", url=hub_server.url)
    assert enrol_outcome(k) == say(k, "enrol.done", terminal=NEW_TERMINAL, group="g")
    k.wait(lambda: k.terminal.background is not None)
    audited = [e["entry"] for e in k.terminal.audit.entries_after(0) if '"kind":"enrolment"' in e["entry"]]
    results = [e.split('"result":"')[1].split('"')[0] for e in audited]
    assert results == ["code_used", "code_expired", "hub_unavailable", "ok"]


def test_the_watchdog_pings_while_not_enrolled_and_watches_the_workers_once_enrolled(unenrolled, hub_server):
    k = unenrolled((1280, 800), "zh")
    with NotifySocket() as sock:
        watchdog = SystemdWatchdog(k.terminal, Notifier(sock.name), 0.1)
        try:
            k.window.update()  # a paint of the "being set up" screen: READY at once, not after 30 s
            k.wait(lambda: bool(sock.messages("READY=1")), timeout=10_000)
            ready_at = sock.messages("READY=1")[0][0]
            assert ("STATUS=showing OUT_OF_SERVICE" in [m for _, m in sock.messages()]), sock.messages()
            k.wait(lambda: len([t for t, _ in sock.messages("WATCHDOG=1") if t > ready_at]) >= 10)
            assert k.terminal.background is None and watchdog.liveness.failing() == []
            open_maintenance(k)
            type_code(k, issue_enrolment_code(hub_server.db_path, NEW_TERMINAL, "g"))
            assert enrol_outcome(k) == say(k, "enrol.done", terminal=NEW_TERMINAL, group="g")
            k.wait(lambda: k.terminal.background is not None)
            k.wait(lambda: watchdog._watching_background)  # the sync worker and heartbeat from now on
            enrolled_at = time.monotonic()
            k.wait(lambda: len([t for t, _ in sock.messages("WATCHDOG=1") if t > enrolled_at]) >= 5)
            assert watchdog.liveness.failing() == []
        finally:
            watchdog.timer.stop()
            watchdog.notifier.close()
