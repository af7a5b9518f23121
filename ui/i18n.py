"""The resident's words in Chinese (default) and English, through Qt's translation tools.

Sources are ui/strings/kiosk_<lang>.ts (Qt Linguist XML, context "kiosk"); `pyside6-lrelease`
compiles them to .qm, which a `QTranslator` per language loads. The source text of every message
is its key ("error.printer_paper_out", "nav.back"), the same keys the domain uses for errors
(`KioskError.message_key`), so a domain error becomes words here and nowhere else.

Elder mode uses plain-word variants where one exists: the key with "@elder" appended.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QTranslator

log = logging.getLogger(__name__)

STRINGS_DIR = Path(__file__).resolve().parent / "strings"
LANGUAGES = ("zh", "en")
CONTEXT = "kiosk"


class TranslationsMissing(RuntimeError):
    """A compiled .qm file is missing and could not be built."""


def lrelease_path() -> str | None:
    """The pyside6-lrelease next to this Python (the venv), else on PATH."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    if beside.exists():
        return str(beside)
    return shutil.which("pyside6-lrelease")


def compile_translations(directory: Path = STRINGS_DIR) -> list[Path]:
    """Run lrelease for every .ts whose .qm is missing or older. Returns the .qm files written.

    Raises TranslationsMissing when a .qm must be built and lrelease is not available or fails.
    """
    written = []
    for ts in sorted(directory.glob("kiosk_*.ts")):
        qm = ts.with_suffix(".qm")
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            continue
        tool = lrelease_path()
        if tool is None:
            raise TranslationsMissing(f"{qm.name} is stale and pyside6-lrelease is not installed")
        # built beside and then renamed over the old one: a kiosk still running keeps the file it read
        fresh = qm.with_name(qm.name + ".new")
        done = subprocess.run([tool, "-silent", str(ts), "-qm", str(fresh)], capture_output=True, text=True)
        if done.returncode != 0:
            fresh.unlink(missing_ok=True)
            raise TranslationsMissing(f"lrelease failed for {ts.name}: {done.stderr.strip()}")
        os.replace(fresh, qm)
        written.append(qm)
    return written


class Words:
    """`text(language, key, elder=False, **values)`: the translated text with {values} filled in.

    A key with no translation falls back to the generic key given (or the key itself, logged once),
    so a new domain error never shows a blank.
    """

    def __init__(self, directory: Path = STRINGS_DIR) -> None:
        self._translators: dict[str, QTranslator] = {}
        # QTranslator reads straight from the buffer it is given (a file it would map): the words are
        # held in memory here, so rebuilding a .qm under a running kiosk cannot turn them into keys
        self._data: dict[str, bytes] = {}
        self._missing_logged: set[str] = set()
        for language in LANGUAGES:
            translator = QTranslator()
            qm = directory / f"kiosk_{language}.qm"
            try:
                data = qm.read_bytes()
            except OSError as exc:
                raise TranslationsMissing(f"cannot read {qm}: {exc.strerror}") from exc
            if not translator.load(data):
                raise TranslationsMissing(f"cannot load {qm}")
            self._data[language] = data
            self._translators[language] = translator

    def has(self, language: str, key: str) -> bool:
        return bool(self._translators[language].translate(CONTEXT, key))

    def text(
        self, language: str, key: str, *, elder: bool = False, fallback: str | None = None, **values: object
    ) -> str:
        translator = self._translators[language]
        found = translator.translate(CONTEXT, f"{key}@elder") if elder else ""
        found = found or translator.translate(CONTEXT, key)
        if not found and fallback is not None:
            found = translator.translate(CONTEXT, fallback)
        if not found:
            if key not in self._missing_logged:
                self._missing_logged.add(key)
                log.warning("no translation for %s (%s)", key, language)
            found = key
        if values:
            try:
                return found.format(**values)
            except (KeyError, IndexError, ValueError):
                log.error("translation %s does not fit its values", key)
        return found
