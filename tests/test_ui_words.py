"""The resident's words: Chinese and English from Qt translation files, complete for every key the
domain can raise, with the same placeholders in both languages."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import xml.etree.ElementTree as ET

import pytest

from kiosk.errors import KioskError
from ui.i18n import LANGUAGES, STRINGS_DIR, Words


def ts_messages(language: str) -> dict[str, str]:
    root = ET.parse(STRINGS_DIR / f"kiosk_{language}.ts").getroot()
    return {m.findtext("source"): m.findtext("translation") or "" for m in root.iter("message")}


def domain_message_keys() -> set[str]:
    keys = set()
    for package in ("kiosk", "drivers", "offline_queue", "hub"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if info.name.endswith("__main__"):
                continue
            mod = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(mod, inspect.isclass):
                if issubclass(cls, KioskError):
                    keys.add(cls.message_key)
    return keys


@pytest.fixture(scope="module")
def words(qapp):
    return Words()


def test_both_languages_have_the_same_keys_all_translated():
    zh, en = ts_messages("zh"), ts_messages("en")
    assert zh.keys() == en.keys()
    assert all(zh.values()) and all(en.values())


def test_placeholders_match_between_languages():
    zh, en = ts_messages("zh"), ts_messages("en")
    for key in zh:
        assert set(re.findall(r"{(\w+)}", zh[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_english_words_use_no_chinese_punctuation():
    """Curly and full-width marks come from the CJK font in English text too, a character wide each:
    "Residents read  “This terminal ...”  and" (found rendering the maintenance screen)."""
    marked = {key: text for key, text in ts_messages("en").items() if re.search("[“”‘’，。：；！？（）、]", text)}
    assert marked == {}


def test_every_domain_error_has_words_in_both_languages(words):
    missing = [(lang, key) for key in domain_message_keys() for lang in LANGUAGES if not words.has(lang, key)]
    assert missing == []


def test_compiled_files_hold_every_message(words):
    for lang in LANGUAGES:
        for key, text in ts_messages(lang).items():
            assert words.text(lang, key) == text, (lang, key)
        qm, ts = STRINGS_DIR / f"kiosk_{lang}.qm", STRINGS_DIR / f"kiosk_{lang}.ts"
        assert qm.stat().st_mtime >= ts.stat().st_mtime


def test_elder_mode_uses_plain_words_where_they_exist(words):
    assert words.text("zh", "bar.help", elder=True) == "找工作人员"
    assert words.text("zh", "nav.next", elder=True) == words.text("zh", "nav.next")


def test_an_unknown_key_falls_back_to_the_generic_words(words):
    assert words.text("en", "error.from_the_future", fallback="error.generic") == "Something went wrong."


def test_a_running_kiosk_keeps_its_words_when_the_translation_files_are_rebuilt(qapp, tmp_path):
    # QTranslator maps a .qm file; rebuilt in place (lrelease, another checkout step) under a running
    # kiosk, every screen fell back to raw keys ("attract.title"). Words are read into memory instead,
    # and a stale .qm is replaced whole, never rewritten in place.
    import os
    import shutil

    from ui.i18n import compile_translations

    for language in LANGUAGES:
        shutil.copy(STRINGS_DIR / f"kiosk_{language}.ts", tmp_path)
        shutil.copy(STRINGS_DIR / f"kiosk_{language}.qm", tmp_path)
    running = Words(tmp_path)
    title = running.text("zh", "attract.title")
    assert title != "attract.title"

    qm = tmp_path / "kiosk_zh.qm"
    with qm.open("r+b") as f:  # rewritten in place, as lrelease does
        f.write(b"\0" * qm.stat().st_size)
    assert running.text("zh", "attract.title") == title

    old_inode = qm.stat().st_ino
    os.utime(qm, (1_700_000_000, 1_700_000_000))  # older than its .ts: the next start rebuilds it
    assert compile_translations(tmp_path) == [qm]
    assert qm.stat().st_ino != old_inode  # a new file took its place
    assert Words(tmp_path).text("zh", "attract.title") == title
