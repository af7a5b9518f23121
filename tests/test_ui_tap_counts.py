"""How many taps a resident needs, counted on the whole terminal (ui.app.build_terminal) against the
reference hub: the repair report (54 taps before the keyboard's engines, quick phrases, the place
picker and "OK opens the next field") and a residence certificate after the card. The counts are
printed (pytest -s) for the notes."""

from __future__ import annotations

from kiosk.session_view import Mode, Step
from tests.fixtures.kiosk_ui import KioskDriver
from tests.fixtures.walking import to_form

REPAIR_TAPS_MAX = 27
CERTIFICATE_TAPS_MAX = 4


class Counted:
    """Counts every tap the driver makes (keys, candidates, chips, buttons)."""

    def __init__(self, k: KioskDriver) -> None:
        self.k, self.taps = k, 0
        original = k.tap

        def tap(name: str) -> None:
            self.taps += 1
            original(name)

        k.tap = tap


def _repair_by_chips(k: KioskDriver) -> None:
    k.open_field("category")
    k.tap("choice:category:lift")
    k.open_field("location")  # opened by the form already: no tap
    k.wait(lambda: len(k.view.places) > 0)
    eight = next(i for i, p in enumerate(k.view.places) if p.label in ("8栋", "Building 8"))
    k.tap(f"place:{eight}")
    k.tap("unit:1")  # 2单元
    k.tap("phrase:0")  # 楼道
    k.tap("form.ok")
    k.open_field("detail")
    k.tap("phrase:0")  # 电梯坏了
    k.tap("form.ok")
    k.open_field("urgency")
    k.tap("choice:urgency:normal")
    k.open_field("phone")
    k.type_keys("13800138000")
    k.tap("form.ok")


def walk_repair(k: KioskDriver, elder: bool) -> int:
    counted = Counted(k)
    if elder:
        k.tap("attract.elder")
    to_form(k)
    _repair_by_chips(k)
    values = {f.id: f.display for f in k.view.fields}
    assert values["location"] == "8栋2单元楼道" and values["detail"] == "电梯坏了"
    k.tap("nav.next")
    k.wait_step(Step.REVIEW)
    k.tap("nav.submit")
    k.wait_step(Step.RECEIPT)
    return counted.taps - (1 if elder else 0)  # elder mode is the resident's choice, not the form's


def test_repair_report_in_at_most_27_taps(kiosk_ui, capsys):
    taps = walk_repair(kiosk_ui, elder=False)
    with capsys.disabled():
        print(f"\n[taps] repair report, standard mode: {taps} (goal ≤ {REPAIR_TAPS_MAX}, before: 54)")
    assert taps <= REPAIR_TAPS_MAX


def test_repair_report_in_elder_mode_too(kiosk_ui, capsys):
    taps = walk_repair(kiosk_ui, elder=True)
    assert kiosk_ui.view.mode is Mode.ELDER
    with capsys.disabled():
        print(f"\n[taps] repair report, elder mode: {taps} (+1 for the elder-mode button)")
    assert taps <= REPAIR_TAPS_MAX


def test_residence_certificate_in_at_most_4_taps_after_the_card(kiosk_ui, capsys):
    k = kiosk_ui
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.identity is not None)
    counted = Counted(k)
    k.tap("service:certificate.residence")
    k.wait_step(Step.FORM)
    k.open_field("purpose")  # the only field left: already open
    k.tap("choice:purpose:school")  # the one field left: on to the check at once
    k.wait_step(Step.REVIEW)
    k.tap("nav.submit")
    k.wait_step(Step.RESULT)
    with capsys.disabled():
        print(f"\n[taps] residence certificate after the card: {counted.taps} (goal ≤ {CERTIFICATE_TAPS_MAX})")
    assert counted.taps <= CERTIFICATE_TAPS_MAX


def test_pinyin_and_handwriting_in_the_form_in_both_modes(kiosk_ui):
    import json
    from pathlib import Path

    k = kiosk_ui
    strokes = json.loads((Path(__file__).parent / "fixtures" / "strokes_zh.json").read_text(encoding="utf-8"))
    for elder in (False, True):
        if elder:
            k.tap("bar.mode")
        if k.view.step is Step.ATTRACT:
            to_form(k)
        k.open_field("detail")
        # the second time the field opens on the layer its value was taken on (walk 8, F4): the pad
        k.wait(lambda: k.window.current_screen().editor is not None)
        expected = "handwriting" if elder else "pinyin"
        assert k.window.current_screen().editor.keyboard.mode == expected
        if elder:
            k.tap("key:pinyin")
        for _ in range(8):
            k.tap("key:backspace")
        k.type_keys("diantihuaile")
        k.tap("candidate:0")
        k.tap("key:handwriting")
        pad = k.window.current_screen().editor.keyboard.pad
        pad.write(strokes["characters"]["大"], scale=pad.width() / strokes["pad"][0])
        k.tap(f"candidate:{k.window.current_screen().editor.keyboard.candidates().index('大')}")
        k.tap("form.ok")
        k.wait(lambda: next(f for f in k.view.fields if f.id == "detail").display == "电梯坏了大")
        if k.has_button("form.keep", timeout=500):  # the next field opened: back to the list
            k.tap("form.keep")
