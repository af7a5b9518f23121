"""The session at its edges: pending work, late answers, bugs, cards that leave at awkward moments."""

from __future__ import annotations

from drivers.printer.model import KeyValue
from kiosk.errors import WayForward
from kiosk.executor import ManualExecutor
from kiosk.hub_api import HubRefused
from kiosk.session import EndReason, Step
from tests.fixtures.session_kit import RESIDENT, finished_case, make_kit


def test_query_needs_a_reference_or_a_card_before_asking_the_hub(kit):
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("query.progress")
    kit.hub.down = True  # would fail if asked
    s.next()
    assert s.view.step is Step.FORM and s.view.error is None
    assert s.view.fields[0].error_key == "field.reference_or_card"


def test_pending_query_is_busy_never_times_out_and_a_cancel_drops_its_answer(tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    kit.hub.cases["C-2026-1"] = finished_case(case_id="C-2026-1")
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("query.progress")
    s.set_field("reference", "C-2026-1")
    s.next()
    assert s.view.busy and s.view.step is Step.FORM
    kit.clock.advance(500)
    s.tick()
    assert s.view.warning is None and s.view.busy
    s.cancel()
    executor.run_all()
    view = s.view
    assert view.step is Step.ATTRACT and view.outcome is None and not view.busy
    assert view.end_reason is EndReason.CANCELLED


def test_a_bug_in_an_operation_is_an_unexpected_failure_with_a_ticket_offered(kit, caplog):
    def broken(reference, identity):
        raise RuntimeError("bug")

    kit.actions.query = broken
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("query.progress")
    s.set_field("reference", "C-2026-1")
    s.next()
    assert s.view.error.kind == "UnexpectedFailure"
    assert WayForward.TICKET in s.view.error.ways_forward
    assert "failed unexpectedly" in caplog.text


def test_back_from_identify_after_choosing_a_card_service_returns_to_choose(kit):
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("record.social_insurance")
    assert s.view.step is Step.IDENTIFY
    s.back()
    assert s.view.step is Step.CHOOSE and s.view.pending_service_id is None


def test_card_removed_while_submitting_still_gives_a_full_receipt(tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    s = kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("repair.public_area")
    for field_id, value in {
        "category": "lift",
        "location": "3号楼",
        "detail": "电梯停在三楼",
        "urgency": "urgent",
        "phone": "13812345678",
    }.items():
        s.set_field(field_id, value)
    s.next()
    s.submit()
    s.card_removed()
    assert s.view.step is Step.SUBMITTING and s.view.identity is None
    executor.run_all()
    view = s.view
    assert view.step is Step.RECEIPT and view.outcome.local_ref == "T0001-000001"
    assert KeyValue("问题类型", "电梯") in view.outcome.receipt.blocks
    assert view.outcome.printed is True


def _tickets_refused(kit):
    def refuse(service_id):
        raise HubRefused("closed today", status=409, error="closed")

    kit.hub.take_ticket = refuse
    return kit.session


def test_ticket_refused_by_the_hub_leaves_the_resident_on_their_form_with_a_way_forward(kit):
    s = _tickets_refused(kit)
    s.start()
    s.continue_without_card()
    s.choose_service("repair.public_area")
    s.set_field("phone", "13812345678")
    s.take_ticket()
    view = s.view
    # the form it was taken from, as it was (walk 13, M1), with the refusal's ways over it
    assert view.step is Step.FORM and {f.id: f.display for f in view.fields}["phone"] == "13812345678"
    assert view.error.message_key == "error.hub_refused"


def test_ticket_refused_from_the_services_leaves_the_resident_there(kit):
    s = _tickets_refused(kit)
    s.start()
    s.continue_without_card()
    s.take_ticket()
    view = s.view
    assert view.step is Step.CHOOSE and view.fields == ()
    assert view.error.message_key == "error.hub_refused"


def test_rate_a_chosen_case_among_several_found_by_card(kit):
    from kiosk.services import card_hash
    from tests.fixtures.session_kit import CARD_SALT

    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [
        finished_case("T0001-000001", "C-1"),
        finished_case("T0001-000002", "C-2"),
    ]
    s = kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("rating.satisfaction")
    s.next()
    s.rate(4, "C-2")
    assert kit.hub.ratings == [("C-2", 4)]
    assert s.view.outcome.rated_stars == 4


def test_subscribers_get_every_change_and_can_unsubscribe(kit):
    seen = []
    unsubscribe = kit.session.subscribe(seen.append)
    assert seen[-1].step is Step.ATTRACT  # the current view at once
    kit.session.start()
    assert seen[-1].step is Step.IDENTIFY
    unsubscribe()
    kit.session.continue_without_card()
    assert seen[-1].step is Step.IDENTIFY and kit.views[-1].step is Step.CHOOSE


def test_an_unexpected_failure_is_logged_without_its_message(caplog):
    import logging

    from kiosk.session_operations import ServiceOperations

    class Boom(Exception):
        pass

    resident = "Zhang Wei " + "1101011990" + "03071234"  # split so no source line quotes it whole
    try:
        raise Boom(resident)
    except Boom as exc:
        caught = exc
    with caplog.at_level(logging.ERROR, logger="kiosk.session_operations"):
        error = ServiceOperations._unexpected(None, "submit", caught)  # type: ignore[arg-type]
    assert "Boom" in caplog.text and "submit" in caplog.text
    assert "110101199003071234" not in caplog.text and "Zhang Wei" not in caplog.text
    assert "110101199003071234" not in str(error)


def test_the_reference_hint_says_a_card_may_stand_in_only_while_a_card_is_in(kit):
    """Walk 8, F8: "插卡可不填" (leave empty with a card) shown with no card in, where the field is required."""
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("query.progress")
    for language, card_words in (("zh", "插卡"), ("en", "card")):
        s.set_language(language)
        hint = s.view.fields[0].hint
        assert hint and "T0001-93-000042-68" in hint  # where the reference is, still said
        assert card_words not in hint.lower()
    s.cancel()
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("query.progress")
    s.set_language("zh")
    assert "插卡可不填" in s.view.fields[0].hint
