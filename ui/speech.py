"""Spoken guidance: repeatable, interruptible, with a volume, silent where no engine exists.

Engines, in order: espeak-ng as a child process (QProcess: nothing waits on the UI thread, and
killing the process interrupts it at once), then Qt TextToSpeech when an engine other than "mock"
is present and ready (speechd needs a running speech-dispatcher). With neither, `available` is
False and `say()` does nothing: a terminal without a sound card still serves residents.
What is said is never logged (it may contain a reference or a name).
"""

from __future__ import annotations

import logging
import shutil

from PySide6.QtCore import QObject, QProcess

log = logging.getLogger(__name__)

ESPEAK_VOICES = {"zh": "cmn", "en": "en-gb"}


class Speaker(QObject):
    """`say(text, language)` interrupts whatever is being said; `repeat()` says the last text again."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        volume: float = 0.8,
        engine: str = "auto",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._volume = min(1.0, max(0.0, volume))
        self._last: tuple[str, str] | None = None
        self._process: QProcess | None = None
        self._tts = None
        self._espeak = None
        self.engine = "none"
        if enabled and engine in ("auto", "espeak-ng"):
            self._espeak = shutil.which("espeak-ng")
            if self._espeak:
                self.engine = "espeak-ng"
        if enabled and self.engine == "none" and engine in ("auto", "qt"):
            self._tts = self._qt_engine()
            if self._tts is not None:
                self.engine = "qt"
        log.info("speech engine: %s", self.engine)

    @property
    def available(self) -> bool:
        return self.engine != "none"

    @property
    def volume(self) -> float:
        return self._volume

    def set_volume(self, volume: float) -> None:
        self._volume = min(1.0, max(0.0, volume))

    def _qt_engine(self):
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            return None
        engines = [e for e in QTextToSpeech.availableEngines() if e != "mock"]
        if not engines:
            return None
        tts = QTextToSpeech(engines[0], self)
        if tts.state() == QTextToSpeech.State.Error:
            tts.deleteLater()
            return None
        return tts

    def say(self, text: str, language: str) -> None:
        """Speak `text` now, interrupting anything being said. Does nothing without an engine."""
        text = text.strip()
        if not text:
            return
        self._last = (text, language)
        if not self.available:
            return
        self.stop()
        if self.engine == "espeak-ng":
            process = QProcess(self)
            process.setProgram(self._espeak)
            amplitude = str(int(self._volume * 200))
            speed = "140" if language == "zh" else "150"
            process.setArguments(
                ["-v", ESPEAK_VOICES.get(language, "en"), "-a", amplitude, "-s", speed, "--", text]
            )
            process.errorOccurred.connect(self._process_failed)
            process.finished.connect(process.deleteLater)
            self._process = process
            process.start()
        elif self._tts is not None:
            self._tts.setVolume(self._volume)
            self._tts.say(text)

    def repeat(self) -> None:
        """Say the last text again (the "hear it again" button)."""
        if self._last is not None:
            self.say(*self._last)

    def stop(self) -> None:
        """Interrupt at once."""
        if self._process is not None:
            if self._process.state() != QProcess.ProcessState.NotRunning:
                self._process.kill()
                self._process.waitForFinished(500)
            self._process = None
        if self._tts is not None:
            self._tts.stop()

    def _process_failed(self, error: QProcess.ProcessError) -> None:
        # e.g. no audio device: carry on silently, the screen says everything too
        log.info("speech process failed: %s", error.name if hasattr(error, "name") else error)

    @property
    def speaking(self) -> bool:
        """An espeak-ng utterance is under way (Qt engines report through their own state)."""
        return self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning

    @property
    def last_text(self) -> str | None:
        return self._last[0] if self._last else None
