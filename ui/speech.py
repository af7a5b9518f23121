"""Spoken guidance: repeatable, interruptible, with a volume, silent where no engine exists.

Engines, in order: espeak-ng as a child process (QProcess: nothing waits on the UI thread, and
killing the process interrupts it at once), then Qt TextToSpeech when an engine other than "mock"
is present and ready (speechd needs a running speech-dispatcher). With neither, `available` is
False and `say()` does nothing: a terminal without a sound card still serves residents.
What is said is never logged (it may contain a reference or a name).

Nothing here waits for the speech process: `stop()` kills it and returns; the process object is
deleted only after it has finished (Qt would otherwise block until it ends), and the speaker forgets
it in the same moment, so it never touches a deleted QProcess. `sink` writes the audio to a file
(espeak-ng `-w`, e.g. /dev/null) instead of the sound card: the real engine runs in tests and on a
machine without audio.
"""

from __future__ import annotations

import logging
import shutil

import shiboken6
from PySide6.QtCore import QObject, QProcess, Signal

log = logging.getLogger(__name__)

ESPEAK_VOICES = {"zh": "cmn", "en": "en-gb"}


class Speaker(QObject):
    """`say(text, language)` interrupts whatever is being said; `repeat()` says the last text again.

    `failing` is True once the engine crashed or failed on its own (not when `stop()` interrupted
    it) and until an utterance ends well again; `failing_changed` says when that changes, so the
    screen can tell an elder that speech is not working instead of leaving them waiting for it
    (walk 3, finding 27: "speech process failed: Crashed" in the log, nothing on screen)."""

    failing_changed = Signal(bool)

    def __init__(
        self,
        *,
        enabled: bool = True,
        volume: float = 0.8,
        engine: str = "auto",
        sink: str = "",
        program: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.failing = False
        self._volume = min(1.0, max(0.0, volume))
        self._last: tuple[str, str] | None = None
        self._process: QProcess | None = None
        self._sink = sink  # "" = the sound card; otherwise a file espeak-ng writes the audio to
        self.utterances = 0  # started espeak-ng processes (for tests and the maintenance screen)
        self._tts = None
        self._espeak = None
        self.engine = "none"
        if enabled and engine in ("auto", "espeak-ng"):
            self._espeak = program or shutil.which("espeak-ng")
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
            sink = ["-w", self._sink] if self._sink else []
            process.setArguments(
                ["-v", ESPEAK_VOICES.get(language, "en"), "-a", amplitude, "-s", speed, *sink, "--", text]
            )
            # slots, not lambdas: Qt drops a connection whose receiver is gone, so a speaker deleted
            # while a process ends is never called; deleteLater is Qt's own and safe at any time
            process.errorOccurred.connect(self._process_failed)
            process.finished.connect(self._forget_finished)
            process.finished.connect(process.deleteLater)
            self._process = process
            self.utterances += 1
            process.start()
        elif self._tts is not None:
            self._tts.setVolume(self._volume)
            self._tts.say(text)

    def repeat(self) -> None:
        """Say the last text again (the "hear it again" button)."""
        if self._last is not None:
            self.say(*self._last)

    def stop(self) -> None:
        """Interrupt at once; never waits for the process (it is deleted once it has ended)."""
        process, self._process = self._process, None
        if process is not None and shiboken6.isValid(process):
            if process.state() != QProcess.ProcessState.NotRunning:
                process.setProperty("interrupted", True)  # its "crash" is ours, not the engine's
                process.kill()  # finished() follows from the event loop and deletes it
        if self._tts is not None:
            self._tts.stop()

    def _forget_finished(
        self, code: int = 0, status: QProcess.ExitStatus = QProcess.ExitStatus.NormalExit
    ) -> None:
        """A process ended (it is deleted next): forget it unless a newer one is under way. One that
        ended well says speech works (again); one that ended badly, not interrupted, that it fails."""
        ended = self.sender()
        if isinstance(ended, QProcess) and shiboken6.isValid(ended) and not ended.property("interrupted"):
            self._note_failing(status is not QProcess.ExitStatus.NormalExit or code != 0)
        process = self._process
        if process is None or not shiboken6.isValid(process):
            self._process = None
        elif process.state() == QProcess.ProcessState.NotRunning:
            self._process = None

    def _note_failing(self, failing: bool) -> None:
        if failing != self.failing:
            self.failing = failing
            self.failing_changed.emit(failing)

    def _process_failed(self, error: QProcess.ProcessError) -> None:
        # e.g. no audio device: carry on, the screen says everything too, and that speech fails
        failed = self.sender()
        if isinstance(failed, QProcess) and shiboken6.isValid(failed) and failed.property("interrupted"):
            return  # stop() killed it: an interruption, not a failure
        log.info("speech process failed: %s", error.name if hasattr(error, "name") else error)
        self._note_failing(True)
        process = self._process
        if (
            error is QProcess.ProcessError.FailedToStart
            and process is not None
            and shiboken6.isValid(process)
        ):
            self._process = None  # no finished() follows a process that never started
            process.deleteLater()

    @property
    def speaking(self) -> bool:
        """An espeak-ng utterance is under way (Qt engines report through their own state)."""
        process = self._process
        return (
            process is not None
            and shiboken6.isValid(process)
            and process.state() != QProcess.ProcessState.NotRunning
        )

    @property
    def last_text(self) -> str | None:
        return self._last[0] if self._last else None
