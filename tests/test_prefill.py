"""Prefill from the hub, end to end: the reference hub serves the card holder's details (sealed at
rest), the session asks once "use the details on file?", fills the hub fields masked and editable,
and flags edited values so the hub refreshes its record. Offline or unknown card: the fields are
asked and nothing else changes."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime

import pytest
import requests

from hub.profiles import DEMO_PROFILE, ProfileStore
from hub.store import HubStore
from kiosk.hub_api import SubmissionItem
from kiosk.services import card_hash
from kiosk.session import Step
from tests.fixtures.session_kit import CARD_SALT, RESIDENT, make_kit
from tests.test_session_inactivity import COLLABORATORS, reachable_strings

PHONE = DEMO_PROFILE["hub.phone"]  # 13812345678


@pytest.fixture
def on_file(hub_server):
    """The hub holds the demo details for RESIDENT's card (hashed with the kit's salt)."""
    store = ProfileStore(HubStore(hub_server.db_path))
    store.put(card_hash(RESIDENT.card_number, CARD_SALT), dict(DEMO_PROFILE))
    store.close()
    return hub_server


def kit_on(hub, tmp_path):
    client = hub.client()
    return make_kit(tmp_path, hub=client, profiles=client)


def open_repair(kit, identity=RESIDENT):
    s = kit.session
    s.start()
    s.card_inserted(identity)
    s.choose_service("repair.public_area")
    assert s.view.step is Step.FORM
    return s


def phone_field(s):
    return next(f for f in s.view.fields if f.id == "phone")


def fill_the_rest(s):
    s.set_field("category", "lift")
    s.set_field("location", "8栋2单元")
    s.set_field("detail", "电梯坏了")
    s.set_field("urgency", "normal")


def test_the_details_on_file_are_offered_masked_then_filled_and_editable(on_file, tmp_path):
    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit)
    assert s.view.profile_offer == (("联系电话", "138****5678"),)  # asked first, never shown in full
    assert not phone_field(s).has_value  # nothing filled before the resident says yes
    s.use_profile(True)
    phone = phone_field(s)
    assert phone.prefilled_from == "hub" and phone.display == "138****5678" and not phone.locked
    assert s.view.profile_offer == ()
    fill_the_rest(s)
    s.next()
    s.next()
    payload = kit.outbox.items[0]["payload"]
    assert payload["phone"] == PHONE and "profile_update" not in payload


def test_an_edited_value_goes_with_the_request_only_and_the_details_on_file_stay(on_file, tmp_path):
    """Walk 3, finding 8: a number typed in one session turned up as "on file" at the next. The
    terminal never asks the hub to change its record (README, "Details on file")."""
    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit)
    s.use_profile(True)
    s.set_field("phone", "13900001111")
    fill_the_rest(s)
    s.next()
    s.next()
    item = kit.outbox.items[0]
    assert item["payload"]["phone"] == "13900001111" and "profile_update" not in item["payload"]
    # the sync worker sends it like this; the hub keeps the number on file as it was
    body = dict(item["payload"], card_hash=card_hash(RESIDENT.card_number, CARD_SALT))
    sent = SubmissionItem(str(uuid.uuid4()), item["ref"], item["service_id"], item["catalog_version"],
                          datetime.now(UTC).isoformat(), body)
    assert kit.hub.submit_batch([sent])[0].status == "accepted"
    store = ProfileStore(HubStore(on_file.db_path))
    assert store.get(card_hash(RESIDENT.card_number, CARD_SALT))["hub.phone"] == PHONE
    store.close()
    # and the next session with the card is offered the number on file, not the one typed
    s.done()
    s2 = open_repair(kit)
    assert s2.view.profile_offer == (("联系电话", "138****5678"),)


def test_ok_on_nothing_over_a_number_on_file_keeps_it(on_file, tmp_path):
    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit)
    s.use_profile(True)
    s.set_field("phone", "")  # the editor opens empty over the masked number; OK on nothing
    phone = phone_field(s)
    assert phone.prefilled_from == "hub" and phone.display == "138****5678" and phone.error_key is None
    fill_the_rest(s)
    s.next()
    s.next()
    assert kit.outbox.items[0]["payload"]["phone"] == PHONE


def test_asked_once_per_session_a_second_form_fills_at_once(on_file, tmp_path):
    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit)
    s.use_profile(True)
    s.back()
    s.choose_service("repair.public_area")
    assert s.view.profile_offer == () and phone_field(s).prefilled_from == "hub"


def test_declined_details_are_not_filled_nor_asked_again(on_file, tmp_path):
    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit)
    s.use_profile(False)
    assert not phone_field(s).has_value and s.view.profile_offer == ()
    s.back()
    s.choose_service("repair.public_area")
    assert not phone_field(s).has_value and s.view.profile_offer == ()
    assert PHONE not in reachable_strings(s, COLLABORATORS)


def test_offline_the_fields_are_asked_and_nothing_else_changes(on_file, tmp_path):
    kit = kit_on(on_file, tmp_path)
    on_file.stop()
    s = open_repair(kit)
    assert s.view.profile_offer == () and s.view.error is None
    assert not phone_field(s).has_value
    s.set_field("phone", "13700002222")
    fill_the_rest(s)
    s.next()
    s.next()
    assert "profile_update" not in kit.outbox.items[0]["payload"]


def test_an_unknown_card_is_asked_everything(on_file, tmp_path):
    from dataclasses import replace

    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit, replace(RESIDENT, card_number="6222020000000001"))
    assert s.view.profile_offer == () and s.view.error is None and not phone_field(s).has_value


def test_nothing_of_the_profile_is_kept_after_the_session(on_file, tmp_path):
    kit = kit_on(on_file, tmp_path)
    s = open_repair(kit)
    assert PHONE in reachable_strings(s, COLLABORATORS)  # the probe sees the offer's values
    s.use_profile(True)
    s.cancel()
    held = reachable_strings(s, COLLABORATORS)
    for value in DEMO_PROFILE.values():
        assert value not in held


def test_profiles_are_sealed_at_rest_and_the_endpoint_is_signed(on_file):
    raw = sqlite3.connect(on_file.db_path).execute("SELECT sealed FROM resident_profiles").fetchall()
    assert raw and all(PHONE.encode() not in row[0] for row in raw)
    assert PHONE.encode() not in on_file.db_path.read_bytes()
    url = on_file.url + "/v1/residents/" + card_hash(RESIDENT.card_number, CARD_SALT) + "/profile"
    assert requests.get(url, timeout=10).status_code == 401
    answer = on_file.client().resident_profile(card_hash(RESIDENT.card_number, CARD_SALT))
    assert answer == DEMO_PROFILE


def test_the_community_address_list_comes_from_the_hub(hub_server, tmp_path):
    from kiosk.community import AddressBook

    book = AddressBook(hub_server.client(), tmp_path / "addresses.json")
    places = book.refresh()
    eight = next(b for b in places if b.label.zh == "8栋")
    assert [u.zh for u in eight.units] == ["1单元", "2单元", "3单元"]
    hub_server.stop()
    again = AddressBook(hub_server.client(), tmp_path / "addresses.json")
    assert again.load_cached() == places and again.refresh() == places  # offline: the last good list
