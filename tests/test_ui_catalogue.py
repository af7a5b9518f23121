"""A broken catalogue from the hub never takes the terminal down: the last good copy stays in use;
with no good copy at all the terminal shows its out-of-service screen, with help still in view."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hub.testing import start_hub
from kiosk.catalogue_store import CatalogueStore
from kiosk.session_view import OutOfServiceReason, Step
from tests.fixtures.kiosk_ui import START_WAIT_MS, start_kiosk, stop_kiosk

DEMO = Path(__file__).resolve().parents[1] / "hub" / "data" / "demo_catalog.json"


def publish(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    stamp = path.stat().st_mtime + 5  # the hub re-reads the file when its mtime changes
    os.utime(path, (stamp, stamp))


def broken(document: dict) -> dict:
    bad = json.loads(json.dumps(document))
    bad["version"] = "broken-2"
    bad["services"].append(dict(bad["services"][0]))  # a duplicate service id
    return bad


def test_broken_catalogue_keeps_the_last_good_one_and_no_copy_means_out_of_service(
    qtbot, tmp_path, file_keyring, input_engines  # librime's first compile outside the timed waits
):
    catalog = tmp_path / "catalog.json"
    good = json.loads(DEMO.read_text(encoding="utf-8"))
    publish(catalog, good)
    hub = start_hub(tmp_path / "hub" / "hub.sqlite", catalog=catalog)
    try:
        k = start_kiosk(qtbot, tmp_path, hub, file_keyring)
        try:
            k.wait_step(Step.ATTRACT, timeout=START_WAIT_MS)
            version = k.view.catalog_version
            publish(catalog, broken(good))
            k.terminal.refresh_catalogue()
            k.wait(lambda: k.terminal.catalogue_store.current.problem is not None)
            assert k.view.step is Step.ATTRACT and k.view.catalog_version == version
            k.tap("attract.start")
            k.tap("identify.without_card")
            assert k.has_button("service:repair.public_area")
        finally:
            stop_kiosk(k)
        (tmp_path / "kiosk" / "catalogue.json").unlink()  # no good copy left on disk
        k = start_kiosk(qtbot, tmp_path, hub, file_keyring)
        try:
            k.wait(lambda: k.terminal.catalogue_store.current.problem is not None)
            # the fetch's answer reaches the session on the UI thread after the store has it
            k.wait(lambda: k.view.out_of_service is OutOfServiceReason.BACKEND)
            assert "暂停服务" in k.text_of("title")
            assert k.has_button("bar.help") and k.has_button("bar.language")
            assert k.lacks_button("attract.start")
        finally:
            stop_kiosk(k)
    finally:
        hub.stop()


def test_catalogue_store_is_the_one_the_terminal_uses(kiosk_ui):
    assert isinstance(kiosk_ui.terminal.catalogue_store, CatalogueStore)
    assert kiosk_ui.view.catalog_version == kiosk_ui.terminal.catalogue_store.current.catalogue.version
