"""Spoken guidance: each screen and each error is spoken in elder mode, the receipt's reference too;
speech is repeatable and interruptible, and silent without an engine."""

from __future__ import annotations

import shutil

import pytest

from kiosk.session_view import Mode
from tests.fixtures.session_kit import make_kit
from ui.i18n import Words
from ui.speech import Speaker
from ui.window import KioskWindow


class RecordingSpeaker(Speaker):
    """A speaker whose engine writes down what it would say (the window is what is tested)."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.engine = "recording"
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, language: str) -> None:
        self._last = (text, language)
        self.said.append((text, language))


@pytest.fixture
def spoken(qtbot, tmp_path):
    kit = make_kit(tmp_path)
    speaker = RecordingSpeaker()
    window = KioskWindow(kit.session, Words(), speaker=speaker, speech=True)
    qtbot.addWidget(window)
    window.allow_close()
    return kit, speaker, window


def test_standard_mode_is_silent_and_elder_mode_speaks_each_screen(spoken):
    kit, speaker, window = spoken
    kit.session.start()
    assert speaker.said == []
    kit.session.set_mode(Mode.ELDER)
    assert "读卡口" in speaker.said[-1][0]
    kit.session.continue_without_card()
    assert "请选择要办的事" in speaker.said[-1][0]
    kit.session.set_language("en")
    assert speaker.said[-1][1] == "en"


def test_errors_are_spoken_with_their_way_forward(spoken):
    kit, speaker, window = spoken
    kit.session.set_mode(Mode.ELDER)
    kit.hub.down = True
    kit.session.start()
    kit.session.continue_without_card()
    kit.session.choose_service("query.progress")
    kit.session.set_field("reference", "C0000001")
    kit.session.next()
    text = speaker.said[-1][0]
    assert "网络中断" in text and "取号到人工窗口" in text


def test_the_receipt_reference_is_spoken_and_can_be_repeated(spoken):
    kit, speaker, window = spoken
    s = kit.session
    s.set_mode(Mode.ELDER)
    s.start()
    s.continue_without_card()
    s.choose_service("repair.public_area")
    for field, value in (
        ("category", "lift"),
        ("location", "8号楼"),
        ("detail", "电梯不动了"),
        ("urgency", "normal"),
        ("phone", "13800138000"),
    ):
        s.set_field(field, value)
    s.next()
    s.next()
    ref = s.view.outcome.local_ref
    assert " ".join(ref) in speaker.said[-1][0]
    before = len(speaker.said)
    window._repeat_speech()
    assert len(speaker.said) == before + 1 and " ".join(ref) in speaker.said[-1][0]


def test_without_an_engine_say_does_nothing(qapp):
    speaker = Speaker(enabled=False)
    assert not speaker.available
    speaker.say("您好", "zh")
    speaker.repeat()
    speaker.stop()
    assert speaker.last_text == "您好"


def test_espeak_is_interrupted_at_once(qtbot):
    assert shutil.which("espeak-ng"), "espeak-ng is one of the project's Debian packages (bootstrap.sh)"
    speaker = Speaker(engine="espeak-ng", volume=0.0)
    assert speaker.engine == "espeak-ng"
    speaker.say("这是一段很长的语音提示。" * 20, "zh")
    speaker.stop()
    assert not speaker.speaking


def test_espeak_writes_to_the_sink_file_instead_of_the_sound_card(qtbot, tmp_path):
    sink = tmp_path / "spoken.wav"
    speaker = Speaker(engine="espeak-ng", sink=str(sink))
    speaker.say("请插卡", "zh")
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=10_000)
    assert sink.read_bytes()[:4] == b"RIFF"  # the real engine spoke, into the file


def test_stop_after_the_speech_finished_never_touches_the_deleted_process(qtbot, tmp_path):
    # the elder-mode hang: a finished utterance's QProcess was deleteLater'd but still held, and the
    # next stop() (every new screen says something) raised "Internal C++ object already deleted"
    speaker = Speaker(engine="espeak-ng", sink=str(tmp_path / "a.wav"))
    speaker.say("您好", "zh")
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=10_000)
    for _ in range(5):  # let deleteLater run
        qtbot.wait(20)
    speaker.stop()
    speaker.say("请确认", "zh")
    assert speaker.speaking or speaker.utterances == 2
    speaker.stop()


def test_nothing_waits_for_the_speech_process_on_the_ui_thread(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QProcess

    waits: list[int] = []
    monkeypatch.setattr(QProcess, "waitForFinished", lambda self, ms=30000: waits.append(ms) or True)
    speaker = Speaker(engine="espeak-ng", sink=str(tmp_path / "b.wav"))
    for _ in range(3):
        speaker.say("这是一段很长的语音提示。" * 10, "zh")  # each one interrupts the one before
    speaker.stop()
    qtbot.waitUntil(lambda: not speaker.speaking, timeout=10_000)
    assert waits == []
