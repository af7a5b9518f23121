"""The words check: every message key the domain and the screens can produce — collected from the
code, not listed by hand — has a translation in Chinese and in English.

Collected: in kiosk/, drivers/ and offline_queue/ every string constant shaped like an error or
field key ("error.printer_paper_out", "field.bad_reference") and every KioskError's message_key; in
ui/ every string constant shaped like a key that is not a widget's object name, and every f-string
key ("status.{status}") expanded over the values its placeholder can take. An f-string key whose
values this test does not know fails the test, so a new one cannot slip by untranslated."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kiosk.session_view import EndReason, OutOfServiceReason
from tests.test_ui_words import domain_message_keys, ts_messages
from ui.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
KEY = re.compile(r"^[a-z][a-z_]*(\.[a-z0-9_]+)+(@elder)?$")
DOMAIN_KEY = re.compile(r"^(error|field)\.[a-z0-9_]+$")
# an f-string key's prefix -> every value its placeholder takes (from the enums and tables the
# screens format them from)
F_STRING_VALUES = {
    "status.": lambda: __import__("ui.screens.outcome", fromlist=["x"]).STATUS_KEYS,
    "result.rate.words.": lambda: [str(n) for n in __import__("ui.screens.outcome", fromlist=["x"]).STARS],
    "oos.": lambda: [r.value for r in OutOfServiceReason],
    "enrol.problem.": lambda: list(__import__("kiosk.enrolment", fromlist=["x"]).PROBLEMS),
    "attract.ended.": lambda: [r.value for r in EndReason],
    "date.": lambda: ["year", "month", "day"],
    "maintenance.device.": lambda: ["card_reader", "printer"],
    # guarded by Words.has(): an unknown state is shown as it is
    "maintenance.state.": lambda: [],
    # ScreenContext.spoken's default: every step whose screen does not say something of its own
    "speak.": lambda: _steps_spoken_by_default(),
    "way.": lambda: [],  # only object names (way.retry ...): the words come from WAY_KEYS
}
FILE_NAME = re.compile(r"\.(json|qm|ts|png|sqlite|toml|wav|cfg|txt|bin|new|part|yaml|so\.[0-9]+)$")
NAME_CALLS = {"setObjectName", "findChildren", "findChild", "objectName"}


def _steps_spoken_by_default() -> list[str]:
    from ui.screens import SCREEN_CLASSES
    from ui.screens.base import Screen

    return [step.value for step, cls in SCREEN_CLASSES.items() if cls.spoken is Screen.spoken]


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_object_name(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.keyword) and parent.arg == "name":
        return True
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute):
        return parent.func.attr in NAME_CALLS
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id == "panel":
        return len(parent.args) > 1 and parent.args[1] is node  # panel(role, object_name)
    return False


def _f_string_prefix(node: ast.JoinedStr) -> str | None:
    first = node.values[0] if node.values else None
    if (
        isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and re.match(r"^[a-z_]+\.", first.value)
    ):
        return first.value
    return None


def screen_keys() -> tuple[set[str], set[str]]:
    """(keys, f-string prefixes) the screens use."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for path in _python_files("ui"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                prefix = _f_string_prefix(node)
                if prefix is not None and not _is_object_name(node, parents):
                    prefixes.add(prefix)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                if FILE_NAME.search(node.value):
                    continue
                if isinstance(parents.get(node), ast.JoinedStr) or _is_object_name(node, parents):
                    continue
                keys.add(node.value)
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                # mode_key + ".a11y": the suffixed variants of the keys the name can hold
                left, right = node.left, node.right
                if isinstance(left, ast.Name) and left.id.endswith("key") and isinstance(right, ast.Constant):
                    prefixes.add("+" + str(right.value))
    return keys, prefixes


def domain_keys() -> set[str]:
    keys = set(domain_message_keys())
    for path in _python_files("kiosk", "drivers", "offline_queue"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and DOMAIN_KEY.match(node.value)
            ):
                keys.add(node.value)
    return keys


def expanded_screen_keys() -> set[str]:
    keys, prefixes = screen_keys()
    unknown = sorted(p for p in prefixes if not p.startswith("+") and p not in F_STRING_VALUES)
    assert unknown == [], f"f-string keys whose values this test does not know: {unknown}"
    for prefix in prefixes:
        if prefix.startswith("+"):  # a suffix added to a key held in a variable
            suffix = prefix[1:]
            keys |= {k + suffix for k in list(keys) if k.startswith("bar.elder_")}
        else:
            keys |= {prefix + value for value in F_STRING_VALUES[prefix]()}
    return {k for k in keys if not k.endswith("@elder")}


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict[str, str]]:
    return {lang: ts_messages(lang) for lang in LANGUAGES}


def test_the_collection_finds_the_keys_it_must(catalogues):
    # the scan itself is checked: keys known to be produced in each place are found
    assert {
        "field.bad_reference",
        "field.bad_phone",
        "error.unexpected",
        "error.catalogue_cache",
    } <= domain_keys()
    found = expanded_screen_keys()
    assert {
        "attract.take_card",
        "busy.overdue",
        "status.in_progress",
        "oos.internal",
        "bar.elder_on.a11y",
    } <= found
    assert "page.next" not in found  # an object name, not words


def test_every_key_the_domain_can_produce_has_words_in_both_languages(catalogues):
    missing = sorted(
        (lang, key) for key in domain_keys() for lang in LANGUAGES if not catalogues[lang].get(key)
    )
    assert missing == []


def test_every_key_the_screens_can_show_or_say_has_words_in_both_languages(catalogues):
    missing = sorted(
        (lang, key) for key in expanded_screen_keys() for lang in LANGUAGES if not catalogues[lang].get(key)
    )
    assert missing == []
