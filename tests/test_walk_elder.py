"""Walking the terminal as an elderly resident: elder mode by one tap, speech on with the real
espeak-ng engine (its audio goes to a file, so no sound card is needed), at both sizes and in both
languages. The submission must complete after the spoken guidance finished (it once hung for ever)."""

from __future__ import annotations

import pytest

from kiosk.session_view import Mode, Step
from tests.fixtures.walking import MATRIX, fill_repair, say, step


@pytest.mark.parametrize(("size", "language"), MATRIX[::3])
def test_walk_an_elder_repair_report_with_speech_on(walk, size, language, tmp_path, capsys):
    k = walk(size, language, speech=True)
    speaker = k.terminal.speaker
    assert speaker.engine == "espeak-ng"
    k.tap("attract.elder")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    k.tap("attract.start")
    step(k, Step.IDENTIFY)
    k.tap("identify.without_card")
    step(k, Step.CHOOSE)
    while k.lacks_button("service:repair.public_area"):  # three services a page in elder mode
        k.tap("page.next")
    fill_repair(k)
    k.tap("nav.next")
    step(k, Step.REVIEW)
    k.wait(lambda: not speaker.speaking, timeout=30_000)  # the guidance has been spoken to the end
    k.qtbot.wait(100)  # and its finished process deleted (deleteLater)
    spoken_before = speaker.utterances
    k.tap("nav.submit")
    step(k, Step.RECEIPT)  # the hang: "please wait" for ever
    ref = k.view.outcome.local_ref
    assert k.text_of("reference") == ref
    assert speaker.utterances > spoken_before  # the reference is read out
    assert " ".join(ref) in speaker.last_text
    k.wait(lambda: k.text_of("queue_note") == say(k, "receipt.delivered"))
    k.wait(lambda: (tmp_path / "speech.wav").exists() and (tmp_path / "speech.wav").stat().st_size > 44)
    taps = k.taps
    k.tap("nav.done")
    step(k, Step.ATTRACT)
    with capsys.disabled():
        print(f"\n[walk] elder repair report with speech, {size[0]}x{size[1]} {language}: {taps} taps")
