"""Walking the terminal as a technician: the card opens maintenance in the standard theme (whatever
the resident's mode), clears "staff called", shows local times; test page, force sync, out of service
and the whole way back: card out, card in, back in service. The resident's help while out of
service says where to go."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QWidget

from drivers.health import HealthBoard
from drivers.printer.model import Footer, KeyValue, PrinterState, PrintResult, Title
from kiosk.maintenance import MaintenanceDesk
from kiosk.session_view import Mode, Step
from tests.fixtures.walking import MATRIX, say, step
from ui.theme import theme_for

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def maintenance_text(k, name: str) -> str:
    return k.text_of(name)


@pytest.mark.parametrize(("size", "language"), MATRIX[1:3])
def test_walk_technician_round_trip_out_of_service_and_back(walk, size, language):
    k = walk(size, language, speech=True)  # the elder mode the technician walks into speaks
    k.wait(lambda: k.terminal.background is not None)
    # an elderly resident called for help; the technician who comes uses the card
    k.tap("attract.elder")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    assert k.has_button("bar.repeat")
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    k.terminal.card_reader.insert("technician")
    k.wait(lambda: k.view.technician_card)
    assert k.has_button("maintenance.sync")
    # a tool, not the resident's large type: the standard look at this display's sizes
    assert k.window.theme is theme_for(Mode.STANDARD, size)
    assert not k.view.staff_called and k.lacks_button("staff.ticket")
    # nor the resident's elder controls (found walking: "hear it again" and the ticket stayed)
    assert k.lacks_button("bar.repeat") and k.lacks_button("bar.ticket")
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    k.wait(lambda: maintenance_text(k, "maintenance.outcome_text") == say(k, "maintenance.printed"))
    printed = say(k, "maintenance.printed")
    k.wait(lambda: k.button("maintenance.sync").isEnabled())  # the figures are read again first
    k.tap("maintenance.sync")
    k.wait(lambda: maintenance_text(k, "maintenance.outcome_text") != printed)  # the sync's own outcome
    k.wait(lambda: k.button("maintenance.sync").isEnabled())
    for name in ("maintenance.last_sync", "maintenance.last_beat"):
        assert not ISO.search(maintenance_text(k, name)), name  # local time, human format
    # out of service, then the card out: the resident sees why and where to go
    k.wait(lambda: k.button("maintenance.out").isEnabled())
    k.tap("maintenance.out")
    assert k.view.step is not Step.OUT_OF_SERVICE  # it asks why first
    k.tap("maintenance.reason.hardware")
    k.wait(lambda: k.view.step is Step.OUT_OF_SERVICE)
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.technician_card)
    step(k, Step.OUT_OF_SERVICE)
    # a resident's card while paused: told to take it back and where to go (it used to do nothing)
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.card_in_reader)
    assert k.text_of("oos_take_card_text") == say(k, "oos.take_card")
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.card_in_reader)
    k.wait(lambda: not [w for w in k.window.findChildren(QWidget, "oos_take_card") if w.isVisible()])
    assert k.view.step is Step.OUT_OF_SERVICE
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    assert k.text_of("staff_called_text") == say(k, "bar.staff_called.oos")
    # the card back in: maintenance again (it used to do nothing until a restart)
    k.terminal.card_reader.insert("technician")
    k.wait(lambda: k.view.technician_card)
    # says it is paused, and why (walk 6, L6)
    reason = say(k, f"maintenance.reason.{k.view.out_of_service.value}")
    assert k.text_of("maintenance.service_state") == say(k, "maintenance.paused_because", reason=reason)
    assert k.lacks_button("maintenance.out")  # "back in service" has its place
    k.wait(lambda: k.button("maintenance.in").isEnabled())
    k.tap("maintenance.in")
    k.wait(lambda: k.view.step is Step.ATTRACT)
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.technician_card)
    step(k, Step.ATTRACT)
    k.tap("attract.start")
    step(k, Step.IDENTIFY)


class _CapturingPrinter:
    def __init__(self) -> None:
        self.documents = []

    def print_document(self, document):
        self.documents.append(document)
        return PrintResult(PrinterState.ONLINE, 0)


@pytest.mark.parametrize(
    ("language", "foreign"), [("zh", ("Terminal", "Time", "OK", "Printer")), ("en", ("终端", "时间"))]
)
def test_the_test_page_is_all_in_the_chosen_language(language, foreign):
    printer = _CapturingPrinter()
    desk = MaintenanceDesk(HealthBoard(), lambda: None, lambda: None, lambda: printer)
    desk.print_test_page(language, "T0001")
    texts = []
    for block in printer.documents[0].blocks:
        if isinstance(block, Title | Footer):
            texts.append(block.text)
        elif isinstance(block, KeyValue):
            texts += [block.key, block.value]
    assert not [t for t in texts if any(word in t for word in foreign)]
    assert not any(ISO.search(t) for t in texts)
