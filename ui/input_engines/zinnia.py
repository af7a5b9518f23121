"""Handwriting recognition with zinnia (Debian libzinnia0) and the Tegaki simplified-Chinese model.

Why zinnia: it is the recogniser of tegaki and of several input methods, small (one SVM model of
~7 MB, recognition in a few milliseconds), in Debian with a simplified-Chinese model
(tegaki-zinnia-simplified-chinese), and its C API is five functions — called here through ctypes.

Strokes are lists of (x, y) points on a square pad of any size; the pad's size is handed to zinnia
with each character, so a finger on a 300 px pad and on a 560 px elder pad give the same result.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from ctypes import c_char_p, c_float, c_int, c_size_t, c_void_p
from pathlib import Path

MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")

Stroke = list[tuple[float, float]]


class HandwritingUnavailable(RuntimeError):
    """libzinnia0 or the simplified-Chinese model is not installed."""


def _load_library() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("zinnia") or "libzinnia.so.0")
    lib.zinnia_recognizer_new.restype = c_void_p
    lib.zinnia_recognizer_open.argtypes = [c_void_p, c_char_p]
    lib.zinnia_recognizer_open.restype = c_int
    lib.zinnia_recognizer_destroy.argtypes = [c_void_p]
    lib.zinnia_character_new.restype = c_void_p
    lib.zinnia_character_destroy.argtypes = [c_void_p]
    lib.zinnia_character_set_width.argtypes = [c_void_p, c_size_t]
    lib.zinnia_character_set_height.argtypes = [c_void_p, c_size_t]
    lib.zinnia_character_add.argtypes = [c_void_p, c_size_t, c_int, c_int]
    lib.zinnia_character_add.restype = c_int
    lib.zinnia_recognizer_classify.argtypes = [c_void_p, c_void_p, c_size_t]
    lib.zinnia_recognizer_classify.restype = c_void_p
    lib.zinnia_result_size.argtypes = [c_void_p]
    lib.zinnia_result_size.restype = c_size_t
    lib.zinnia_result_value.argtypes = [c_void_p, c_size_t]
    lib.zinnia_result_value.restype = c_char_p
    lib.zinnia_result_score.argtypes = [c_void_p, c_size_t]
    lib.zinnia_result_score.restype = c_float
    lib.zinnia_result_destroy.argtypes = [c_void_p]
    return lib


class HandwritingRecognizer:
    """`recognize(strokes, width, height, count)` → the characters, best first. Thread-safe."""

    def __init__(self, model: Path = MODEL) -> None:
        if not model.exists():
            raise HandwritingUnavailable(f"no handwriting model at {model} (Debian tegaki-zinnia-simplified-chinese)")
        try:
            self._lib = _load_library()
        except OSError as exc:
            raise HandwritingUnavailable(str(exc)) from exc
        self._recognizer = self._lib.zinnia_recognizer_new()
        if not self._lib.zinnia_recognizer_open(self._recognizer, str(model).encode()):
            self._lib.zinnia_recognizer_destroy(self._recognizer)
            raise HandwritingUnavailable(f"zinnia could not open {model}")
        self._lock = threading.Lock()  # one character object is reused; zinnia's are not shared-safe

    def recognize(self, strokes: list[Stroke], width: int, height: int, count: int = 10) -> list[str]:
        if not any(strokes):
            return []
        lib = self._lib
        with self._lock:
            character = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(character, width)
                lib.zinnia_character_set_height(character, height)
                for sid, stroke in enumerate(s for s in strokes if s):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, sid, int(round(x)), int(round(y)))
                result = lib.zinnia_recognizer_classify(self._recognizer, character, count)
                if not result:
                    return []
                try:
                    return [
                        lib.zinnia_result_value(result, i).decode() for i in range(lib.zinnia_result_size(result))
                    ]
                finally:
                    lib.zinnia_result_destroy(result)
            finally:
                lib.zinnia_character_destroy(character)
