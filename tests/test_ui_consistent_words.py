"""The screens say the same thing the same way (walk finding 17): one name for the cards the reader
takes, English service lines that carry what the Chinese ones do, and a step strip with only the
steps the flow has."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLabel

from kiosk.catalogue import ServiceKind
from kiosk.session_view import Step
from tests.fixtures.session_kit import demo_catalogue
from tests.fixtures.walking import say
from ui.i18n import Words
from ui.screens.choose import short_line

CARDS = {"zh": "身份证或社保卡", "en": "ID or social-security card"}


def test_the_welcome_and_the_card_screen_name_the_same_cards():
    words = Words()
    for language, cards in CARDS.items():
        for key in ("attract.card", "identify.title"):
            assert cards in words.text(language, key), (language, key)
    # and the catalogue's own words about inserting a card
    progress = demo_catalogue().service("query.progress").description
    assert CARDS["zh"] in progress.get("zh")


def _clauses(text: str) -> list[str]:
    """The clauses a tile line is cut from (ui.screens.choose.short_line's rule)."""
    return [c for c in re.split(r"[。，；：;:]|\. ", text) if c.strip(" .")]


def test_english_service_lines_carry_what_the_chinese_ones_do():
    for service in demo_catalogue().services:
        zh, en = service.description.get("zh"), service.description.get("en")
        # clause for clause: the tile's first clause says the same in both languages
        assert len(_clauses(zh)) == len(_clauses(en)), (service.id, _clauses(zh), _clauses(en))
    repair = demo_catalogue().service("repair.public_area").description
    line = short_line(repair.get("en"))
    for thing in ("stairwell lights", "lifts", "leaking pipes", "door access"):  # 楼道灯 电梯 管道 门禁
        assert thing in line, line
    notices = short_line(demo_catalogue().service("notices.community").description.get("en"))
    assert "events" in notices  # 通知、活动和便民信息: not cut to "Notices"


def _steps_shown(k) -> list[str]:
    found = [w for w in k.window.findChildren(QLabel) if w.objectName().startswith("step:") and w.isVisible()]
    return [w.text() for w in sorted(found, key=lambda w: w.objectName())]


def test_a_ticket_without_a_form_shows_no_fill_in_or_check_step(kiosk_ui):
    k = kiosk_ui
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    k.tap("staff.ticket")
    k.wait_step(Step.RESULT)
    k.wait(lambda: bool(_steps_shown(k)))
    shown = _steps_shown(k)
    assert shown == [f"✓ {say(k, 'step.choose')}", f"2 {say(k, 'step.done')}"]


def test_a_submission_shows_all_four_steps_and_a_query_three(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    k.wait_step(Step.FORM)
    k.wait(lambda: len(_steps_shown(k)) == 4)
    k.tap("nav.back")
    k.wait_step(Step.CHOOSE)
    service = next(s for s in demo_catalogue().services if s.kind is ServiceKind.QUERY)
    k.tap(f"service:{service.id}")
    k.wait_step(Step.FORM)
    # its one field (the reference, required without a card) opens at once over the keys, where
    # no steps are shown: back to the form's list, whose title carries them
    k.tap("form.keep")
    k.wait(lambda: len(_steps_shown(k)) == 3)
    assert _steps_shown(k)[-1] == f"3 {say(k, 'step.done')}"
