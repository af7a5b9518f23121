"""Speech that fails says so (walk 3, finding 27: the log said "speech process failed: Crashed",
nothing told the elder): with an engine that crashes, the elder top bar's "hear it again" turns
into a disabled "no speech now"; the terminal never waits for it; an engine that works again
brings the button back. Interrupting speech (a new screen) is not a failure."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.session_view import Mode
from tests.fixtures.session_kit import make_kit
from ui.i18n import Words
from ui.speech import Speaker
from ui.window import KioskWindow


def _engine(folder: Path, body: str) -> str:
    """A stand-in espeak-ng: a real process that does what `body` says (crash, or say nothing)."""
    path = folder / "espeak-ng"
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def crashing(qtbot, tmp_path):
    speaker = Speaker(engine="espeak-ng", program=_engine(tmp_path, "kill -SEGV $$"))
    kit = make_kit(tmp_path)
    window = KioskWindow(kit.session, Words(), speaker=speaker, speech=True)
    qtbot.addWidget(window)
    window.allow_close()
    window.resize(1280, 800)
    window.show()
    return kit, speaker, window


def test_a_crashing_engine_disables_hear_it_again_with_a_word(qtbot, crashing):
    kit, speaker, window = crashing
    kit.session.set_mode(Mode.ELDER)
    kit.session.start()
    qtbot.waitUntil(lambda: speaker.failing, timeout=5000)
    repeat = window.findChild(QPushButton, "bar.repeat")
    assert repeat is not None and not repeat.isEnabled()
    assert repeat.text() == Words().text("zh", "bar.repeat.failing", elder=True)
    kit.session.continue_without_card()  # the terminal goes on: nothing waits for speech
    assert window.findChild(QPushButton, "bar.repeat").text() == "语音暂时不能用"


def test_speech_that_works_again_brings_the_button_back(qtbot, crashing, tmp_path):
    kit, speaker, window = crashing
    kit.session.set_mode(Mode.ELDER)
    qtbot.waitUntil(lambda: speaker.failing, timeout=5000)
    speaker._espeak = _engine(_fresh(tmp_path), "exit 0")
    kit.session.start()
    qtbot.waitUntil(lambda: not speaker.failing, timeout=5000)
    repeat = window.findChild(QPushButton, "bar.repeat")
    assert repeat.isEnabled() and repeat.text() == Words().text("zh", "bar.repeat", elder=True)


def _fresh(folder: Path) -> Path:
    fresh = folder / "working"
    fresh.mkdir()
    return fresh


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is installed by scripts/bootstrap.sh"
)
def test_interrupting_the_real_engine_is_not_a_failure(qtbot, tmp_path):
    speaker = Speaker(engine="espeak-ng", sink=str(tmp_path / "speech.wav"))
    speaker.say("这是一段比较长的语音提示，用来在说完之前被打断。" * 3, "zh")
    qtbot.waitUntil(lambda: speaker.speaking, timeout=5000)
    speaker.say("第二段", "zh")  # interrupts the first: killed by us
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=15000)
    qtbot.wait(200)
    assert not speaker.failing
