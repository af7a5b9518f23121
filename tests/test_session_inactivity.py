"""Inactivity warning, extend, wipe; card removal; catalogue changes and out-of-service."""

from __future__ import annotations

import dataclasses
from datetime import date

from kiosk.config import SessionConfig
from kiosk.session import EndReason, Mode, OutOfServiceReason, Step
from tests.fixtures.session_kit import RESIDENT, make_kit

PHONE = "13812345678"
SECRET_TEXT = "我家门口的灯坏了"


def reachable_strings(root: object, skip: set[str]) -> set[str]:
    """Every string the object graph under `root` holds (the session's own state, not its collaborators)."""
    found: set[str] = set()
    seen: set[int] = set()
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            found.add(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple | set | frozenset):
            stack.extend(obj)
        elif isinstance(obj, int | float | bool | date | type(None)) or callable(obj):
            continue
        elif dataclasses.is_dataclass(obj):
            stack.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif hasattr(obj, "__dict__"):
            stack.extend(v for k, v in vars(obj).items() if k not in skip)
    return found


COLLABORATORS = {
    "_actions",
    "_executor",
    "_subscribers",
    "_clock",
    "_wall_clock",
    "_catalogue",
    "_next_catalogue",
}


def fill_some(session) -> None:
    session.set_field("detail", SECRET_TEXT)
    session.set_field("phone", PHONE)


def start_repair_with_card(kit) -> None:
    s = kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("repair.public_area")
    fill_some(s)


def test_warning_after_inactivity_then_countdown_then_wipe(kit):
    s, clock = kit.session, kit.clock
    start_repair_with_card(kit)
    assert RESIDENT.id_number in reachable_strings(s, COLLABORATORS)  # the probe sees held values
    clock.advance(59)
    s.tick()
    assert s.view.warning is None
    clock.advance(1)
    s.tick()
    assert s.view.warning.seconds_left == 20
    clock.advance(12.5)
    s.tick()
    assert s.view.warning.seconds_left == 8
    clock.advance(7.5)
    s.tick()

    view = s.view
    assert view.step is Step.ATTRACT and view.end_reason is EndReason.TIMEOUT
    assert view.identity is None and view.fields == () and view.service is None and view.warning is None
    held = reachable_strings(s, COLLABORATORS)
    for value in (PHONE, SECRET_TEXT, RESIDENT.name, RESIDENT.id_number, RESIDENT.card_number):
        assert value not in held


def test_extend_during_warning_keeps_everything(kit):
    s, clock = kit.session, kit.clock
    start_repair_with_card(kit)
    clock.advance(70)
    s.tick()
    assert s.view.warning is not None
    s.extend()
    assert s.view.warning is None
    clock.advance(59)
    s.tick()
    assert s.view.step is Step.FORM
    # kept, and shown in full to the resident who typed it (masked on paper)
    assert next(f for f in s.view.fields if f.id == "phone").display == PHONE


def test_any_tap_resets_inactivity(kit):
    s, clock = kit.session, kit.clock
    start_repair_with_card(kit)
    for _ in range(5):
        clock.advance(50)
        s.set_field("location", "3号楼")
        s.tick()
    assert s.view.warning is None and s.view.step is Step.FORM


def test_elder_mode_gives_longer_timeouts(tmp_path):
    kit = make_kit(
        tmp_path,
        config=SessionConfig(inactivity_s=60, warning_s=20, elder_inactivity_s=150, elder_warning_s=45),
    )
    s, clock = kit.session, kit.clock
    s.start()
    s.set_mode(Mode.ELDER)
    clock.advance(149)
    s.tick()
    assert s.view.warning is None
    clock.advance(1)
    s.tick()
    assert s.view.warning.seconds_left == 45
    clock.advance(44)
    s.tick()
    assert s.view.step is Step.IDENTIFY
    clock.advance(1)
    s.tick()
    assert s.view.step is Step.ATTRACT and s.view.mode is Mode.STANDARD  # the next resident starts fresh


def test_card_removed_mid_form_ends_the_session_and_wipes(kit):
    s = kit.session
    start_repair_with_card(kit)
    s.card_removed()
    view = s.view
    assert view.step is Step.ATTRACT and view.end_reason is EndReason.CARD_REMOVED
    held = reachable_strings(s, COLLABORATORS)
    assert PHONE not in held and RESIDENT.name not in held and SECRET_TEXT not in held


def test_card_removed_after_submit_keeps_the_receipt_but_drops_the_identity(kit):
    s = kit.session
    start_repair_with_card(kit)
    s.set_field("category", "lift")
    s.set_field("location", "3号楼")
    s.set_field("urgency", "urgent")
    s.next()
    s.submit()
    assert s.view.step is Step.RECEIPT
    s.card_removed()
    view = s.view
    assert view.step is Step.RECEIPT and view.outcome.local_ref == "T0001-000001"
    assert view.identity is None
    assert RESIDENT.name not in reachable_strings(s, COLLABORATORS)
    assert kit.outbox.items[0]["payload"]["contact_name"] == RESIDENT.name  # the outbox has its copy


def test_receipt_screen_times_out_too(kit):
    s, clock = kit.session, kit.clock
    start_repair_with_card(kit)
    s.set_field("category", "lift")
    s.set_field("location", "3号楼")
    s.set_field("urgency", "urgent")
    s.next()
    s.submit()
    clock.advance(60)
    s.tick()
    assert s.view.warning.seconds_left == 20
    clock.advance(20)
    s.tick()
    assert s.view.step is Step.ATTRACT and s.view.outcome is None


def test_attract_screen_never_times_out(kit):
    kit.clock.advance(10_000)
    kit.session.tick()
    assert kit.session.view.step is Step.ATTRACT and kit.session.view.warning is None


def test_no_catalogue_means_out_of_service(tmp_path):
    from tests.fixtures.session_kit import demo_catalogue

    kit = make_kit(tmp_path, catalogue=None)
    kit.session.set_catalogue(None)  # the first fetch answered with nothing usable
    assert kit.session.view.step is Step.OUT_OF_SERVICE
    assert kit.session.view.out_of_service is OutOfServiceReason.BACKEND
    kit.session.start()
    assert kit.session.view.step is Step.OUT_OF_SERVICE
    kit.session.set_catalogue(demo_catalogue())
    assert kit.session.view.step is Step.ATTRACT


def test_new_catalogue_waits_until_the_session_ends(kit):
    from kiosk.catalogue import parse_catalogue
    from tests.fixtures.session_kit import demo_document

    doc = demo_document()
    doc["version"] = "2026.12-1"
    s = kit.session
    s.start()
    s.set_catalogue(parse_catalogue(doc))
    assert s.view.catalog_version == "2026.11-demo.1"
    s.cancel()
    assert s.view.catalog_version == "2026.12-1"


def test_technician_out_of_service_ends_a_session(kit):
    s = kit.session
    start_repair_with_card(kit)
    s.set_out_of_service(OutOfServiceReason.INTERNAL)
    assert s.view.step is Step.OUT_OF_SERVICE and s.view.identity is None
    s.set_out_of_service(None)
    assert s.view.step is Step.ATTRACT


def test_the_details_on_file_are_wiped_with_the_session(tmp_path):
    """Prefill from the hub (kiosk/prefill.py): offered, taken, then the timeout: nothing remains."""
    on_file = {"hub.phone": "13955554444", "hub.address": "幸福里社区8栋2单元301"}

    class Profiles:
        def resident_profile(self, _hashed):
            return dict(on_file)

    kit = make_kit(tmp_path, profiles=Profiles())
    s, clock = kit.session, kit.clock
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("repair.public_area")
    assert on_file["hub.phone"] in reachable_strings(s, COLLABORATORS)  # the probe sees the offer
    s.use_profile(True)
    clock.advance(60)
    s.tick()
    clock.advance(20)
    s.tick()
    assert s.view.step is Step.ATTRACT and s.view.profile_offer == ()
    held = reachable_strings(s, COLLABORATORS)
    for value in on_file.values():
        assert value not in held


def test_a_fresh_terminal_waits_for_its_first_catalogue_before_it_calls_itself_out_of_service(tmp_path):
    from tests.fixtures.session_kit import demo_catalogue

    kit = make_kit(tmp_path, catalogue=None)  # no copy on disk, the first fetch not answered yet
    assert kit.session.view.step is Step.OUT_OF_SERVICE
    assert kit.session.view.out_of_service is OutOfServiceReason.STARTING
    kit.session.set_catalogue(demo_catalogue())
    assert kit.session.view.step is Step.ATTRACT
    kit.session.set_out_of_service(OutOfServiceReason.INTERNAL)
    kit.session.set_out_of_service(None)
    assert kit.session.view.step is Step.ATTRACT  # once checked, never "starting" again
    kit2 = make_kit(tmp_path / "2", catalogue=None)
    kit2.session.set_catalogue(None)  # the first fetch failed and there is no copy: a real pause
    assert kit2.session.view.out_of_service is OutOfServiceReason.BACKEND
