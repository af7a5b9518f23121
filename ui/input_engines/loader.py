"""The input engines of this process, started in a worker after the first screen is painted.

Starting librime (≈40 ms, or a first-run compile of its tables) and opening the zinnia model
(≈7 MB) must not delay the attract screen: `ui/app.py` submits `INPUT_ENGINES.load(data_dir)` to
the executor just after the first paint. Until it is done (or when a library is missing) the keyboard
keeps letters as letters and says so; it never blocks on the load.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from ui.input_engines.rime import PinyinComposer, PinyinUnavailable, RimeEngine
from ui.input_engines.zinnia import HandwritingRecognizer, HandwritingUnavailable

log = logging.getLogger(__name__)


class InputEngines:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pinyin: RimeEngine | None = None
        self.handwriting: HandwritingRecognizer | None = None
        self.problems: dict[str, str] = {}  # engine -> why it is not available (for technicians)
        self.load_s: float | None = None
        self._done = threading.Event()
        self._composer: PinyinComposer | None = None

    @property
    def loaded(self) -> bool:
        return self._done.is_set()

    def load(self, data_dir: Path) -> InputEngines:
        """Blocking: start both engines (once per process); a missing one is recorded, not raised."""
        with self._lock:
            if self._done.is_set():
                return self
            started = time.monotonic()
            try:
                self.pinyin = RimeEngine.start(data_dir / "rime")
            except PinyinUnavailable as exc:
                self.problems["pinyin"] = str(exc)
                log.error("pinyin input not available: %s", exc)
            try:
                self.handwriting = HandwritingRecognizer()
            except HandwritingUnavailable as exc:
                self.problems["handwriting"] = str(exc)
                log.error("handwriting input not available: %s", exc)
            self.load_s = time.monotonic() - started
            self._done.set()
            return self

    def wait(self, timeout: float) -> bool:
        return self._done.wait(timeout)

    def composer(self) -> PinyinComposer | None:
        """The process's one pinyin session, emptied: one keyboard is on screen at a time, and a
        new keyboard must not see letters a previous resident left open."""
        if self.pinyin is None:
            return None
        if self._composer is None:
            self._composer = self.pinyin.composer()
        self._composer.clear()
        return self._composer


INPUT_ENGINES = InputEngines()
