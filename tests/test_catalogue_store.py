"""The catalogue store on a real cache file: ETag, last good copy, and a broken hub never takes the
terminal down."""

from __future__ import annotations

import json

from kiosk.catalogue import CatalogueInvalid
from kiosk.catalogue_store import CatalogueStore
from kiosk.hub_api import HubUnavailable
from kiosk.session import OutOfServiceReason, Step
from tests.fixtures.session_kit import FakeHub, demo_document, make_kit


def broken_document():
    doc = demo_document()
    doc["services"][0]["title"] = {"zh": "报修"}  # no English
    return doc


def test_first_fetch_is_cached_and_then_revalidated_with_etag(tmp_path):
    hub = FakeHub(catalog=demo_document())
    store = CatalogueStore(hub, tmp_path / "catalogue.json")
    assert store.load_cached().catalogue is None
    state = store.refresh()
    assert state.source == "hub" and state.catalogue.version == "2026.11-demo.1" and state.problem is None
    assert json.loads((tmp_path / "catalogue.json").read_text(encoding="utf-8"))["etag"] == '"v1"'
    again = store.refresh()
    assert hub.catalog_requests == [None, '"v1"']  # If-None-Match the second time
    assert again.catalogue is state.catalogue
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.json"]  # no temporary files left


def test_broken_catalogue_from_hub_keeps_the_last_good_copy(tmp_path):
    hub = FakeHub(catalog=demo_document())
    store = CatalogueStore(hub, tmp_path / "catalogue.json")
    store.refresh()
    hub.catalog, hub.catalog_etag = broken_document(), '"v2"'
    state = store.refresh()
    assert state.catalogue.version == "2026.11-demo.1"
    assert isinstance(state.problem, CatalogueInvalid) and state.problem.where == "services[0].title.en"
    # and after a restart, the copy on disk is still the good one
    restarted = CatalogueStore(hub, tmp_path / "catalogue.json").load_cached()
    assert restarted.source == "cache" and restarted.catalogue.version == "2026.11-demo.1"


def test_hub_down_at_start_uses_the_cached_copy(tmp_path):
    hub = FakeHub(catalog=demo_document())
    CatalogueStore(hub, tmp_path / "catalogue.json").refresh()
    hub.down = True
    store = CatalogueStore(hub, tmp_path / "catalogue.json")
    store.load_cached()
    state = store.refresh()
    assert state.source == "cache" and state.catalogue is not None
    assert isinstance(state.problem, HubUnavailable)


def test_broken_catalogue_and_no_cache_puts_the_terminal_out_of_service(tmp_path):
    hub = FakeHub(catalog=broken_document())
    store = CatalogueStore(hub, tmp_path / "catalogue.json")
    store.load_cached()
    state = store.refresh()
    assert state.catalogue is None and isinstance(state.problem, CatalogueInvalid)
    kit = make_kit(tmp_path, catalogue=None)  # started with no copy on disk
    assert kit.session.view.step is Step.OUT_OF_SERVICE
    assert kit.session.view.out_of_service is OutOfServiceReason.STARTING  # the first fetch is out
    kit.session.set_catalogue(state.catalogue)  # what the terminal does with the fetch's answer
    assert kit.session.view.step is Step.OUT_OF_SERVICE
    assert kit.session.view.out_of_service is OutOfServiceReason.BACKEND
    # the hub is fixed: the next refresh brings the terminal back
    hub.catalog = demo_document()
    kit.session.set_catalogue(store.refresh().catalogue)
    assert kit.session.view.step is Step.ATTRACT


def test_damaged_cache_file_is_not_trusted_and_does_not_crash(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_bytes(b'{"etag": "\\"v1\\"", "document": {"schema": 1, "vers')
    store = CatalogueStore(FakeHub(down=True), path)
    state = store.load_cached()
    assert state.catalogue is None and state.problem is not None
    assert store.refresh().catalogue is None


def test_hand_edited_invalid_cache_is_refused(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"etag": '"v1"', "document": broken_document()}), encoding="utf-8")
    state = CatalogueStore(FakeHub(), path).load_cached()
    assert state.catalogue is None and isinstance(state.problem, CatalogueInvalid)


def test_against_the_reference_hub_etag_and_a_broken_publication(tmp_path, file_keyring):
    import shutil

    from hub.testing import start_hub
    from tests.fixtures.session_kit import DEMO_CATALOGUE

    served = tmp_path / "served.json"
    shutil.copy(DEMO_CATALOGUE, served)
    hub = start_hub(tmp_path / "hub" / "hub.sqlite", catalog=served)
    try:
        client = hub.client()
        store = CatalogueStore(client, tmp_path / "kiosk" / "catalogue.json")
        first = store.refresh()
        assert first.source == "hub" and first.catalogue.version == "2026.11-demo.1"
        assert store.refresh().catalogue is first.catalogue  # 304 Not Modified
        served.write_text(json.dumps(broken_document(), ensure_ascii=False), encoding="utf-8")
        state = store.refresh()
        assert state.catalogue is first.catalogue
        assert isinstance(state.problem, CatalogueInvalid)
    finally:
        hub.stop()
