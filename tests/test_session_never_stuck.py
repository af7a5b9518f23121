"""Nobody is ever stuck: a failing screen never stops an operation, every wait has a deadline and a
way out, a submission that started still ends on its reference, and out of service is a round trip."""

from __future__ import annotations

import logging

from kiosk.executor import ManualExecutor
from kiosk.session import OutOfServiceReason, Step
from kiosk.session_view import Mode
from tests.fixtures.session_kit import RESIDENT, TECHNICIAN, finished_case, make_kit

REPAIR = {
    "category": "lift",
    "location": "3号楼",
    "detail": "电梯停在三楼",
    "urgency": "urgent",
    "phone": "13812345678",
}


def start_query(s, reference: str = "C-2026-1") -> None:
    """A progress query by reference, sent (the executor holds the hub's answer)."""
    s.start()
    s.continue_without_card()
    s.choose_service("query.progress")
    s.set_field("reference", reference)
    s.next()


def to_review(s, card=RESIDENT) -> None:
    s.start()
    s.card_inserted(card)
    s.choose_service("repair.public_area")
    for field_id, value in REPAIR.items():
        s.set_field(field_id, value)
    s.next()
    assert s.view.step is Step.REVIEW


def test_a_screen_that_fails_on_the_submitting_view_does_not_stop_the_submission(tmp_path, caplog):
    # the elder-mode hang: the speaker raised inside the change notification for SUBMITTING, before
    # the work reached the executor, so nothing was queued and "please wait" stayed for ever
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    s = kit.session

    secret = REPAIR["phone"]

    def broken_screen(view) -> None:
        if view.step is Step.SUBMITTING:
            raise RuntimeError("Internal C++ object already deleted: " + secret)

    s.subscribe(broken_screen)
    to_review(s)
    with caplog.at_level(logging.ERROR):
        s.submit()
    assert executor.pending >= 1  # the work was handed over although the screen failed
    executor.run_all()
    view = s.view
    assert view.step is Step.RECEIPT and view.outcome.local_ref == "T0001-000001"
    assert len(kit.outbox.items) == 1
    assert "RuntimeError" in caplog.text and "broken_screen" in caplog.text  # type and frames
    assert "13812345678" not in caplog.text  # never the message: it may hold a personal value


def test_a_slow_submission_passes_its_deadline_offers_staff_and_still_shows_its_reference(tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    s = kit.session
    to_review(s)
    s.set_mode(Mode.ELDER)
    s.submit()
    s.tick()
    assert s.view.step is Step.SUBMITTING and not s.view.overdue
    kit.clock.advance(21)
    s.tick()
    assert s.view.overdue and s.view.step is Step.SUBMITTING
    s.call_staff()
    s.take_ticket()  # a submission is never abandoned
    s.cancel()
    s.card_removed()
    assert s.view.step is Step.SUBMITTING and s.view.staff_called
    executor.run_all()
    view = s.view
    assert view.step is Step.RECEIPT and view.outcome.local_ref == "T0001-000001"
    assert not view.overdue and not view.busy


def test_a_slow_query_offers_a_ticket_after_its_deadline_and_its_late_answer_is_dropped(tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    kit.hub.cases["C-2026-1"] = finished_case(case_id="C-2026-1")
    s = kit.session
    start_query(s)
    assert s.view.busy and not s.view.overdue
    s.take_ticket()  # before the deadline: the resident waits
    assert executor.pending == 1
    kit.clock.advance(25)
    s.tick()
    assert s.view.overdue
    s.take_ticket()
    executor.run_all()  # the late query answer, then the ticket
    view = s.view
    assert view.step is Step.RESULT and view.outcome.ticket is not None and view.outcome.cases == ()
    assert not view.busy and not view.overdue


def test_out_of_service_is_a_round_trip_with_the_technician_card(kit):
    s = kit.session
    s.set_out_of_service(OutOfServiceReason.INTERNAL)
    assert s.view.step is Step.OUT_OF_SERVICE
    s.card_inserted(RESIDENT)  # a resident's card does nothing while out of service
    assert s.view.step is Step.OUT_OF_SERVICE and s.view.identity is None and not s.view.technician_card
    s.card_removed()
    s.card_inserted(TECHNICIAN)
    assert s.view.technician_card and s.view.step is Step.OUT_OF_SERVICE
    s.card_removed()
    assert not s.view.technician_card
    s.card_inserted(TECHNICIAN)
    assert s.view.technician_card
    s.set_out_of_service(None)
    assert s.view.step is Step.ATTRACT and s.view.technician_card
    s.card_removed()
    s.start()
    assert s.view.step is Step.IDENTIFY


def test_help_while_out_of_service_is_answered_and_the_technician_clears_it(kit):
    s = kit.session
    s.set_out_of_service(OutOfServiceReason.INTERNAL)
    s.call_staff()
    assert s.view.staff_called
    s.card_inserted(TECHNICIAN)
    assert not s.view.staff_called  # the staff member who was called has come
