"""The fleet page: colours from heartbeats (green, yellow after the grace, red), queue figures,
device states, versions, the audit chain when the heartbeat carries it, and alerts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hub.console.fleet_status import terminal_status
from hub.console.settings import ConsoleSettings
from hub.testing import register_at_hub
from kiosk.enrolment import new_credentials
from tests.support.waiting import wait_for

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SETTINGS = ConsoleSettings(heartbeat_interval_s=60, grace_missed=2, red_missed=10, backlog_alert_s=3600)


def _health(printer="online", reader="notpresent", oldest=None, audit=None, depth=0):
    health = {
        "devices": {"printer": {"state": printer}, "card_reader": {"state": reader}},
        "queue": {"depth": depth, "in_flight": 0, "oldest_pending_age_s": oldest, "dead_letters": 1},
        "versions": {"app": "0.1.0", "catalogue": "2026.11-demo.1"},
    }
    if audit is not None:
        health["audit"] = audit
    return health


def _row(silent_s, health=None, revoked=False):
    at = None if silent_s is None else (NOW - timedelta(seconds=silent_s)).isoformat(timespec="seconds")
    return {"terminal_id": "T0001", "revoked": revoked, "heartbeat_at": at, "health": health}


def test_colour_follows_missed_heartbeats_with_a_grace():
    colour = lambda silent: terminal_status(_row(silent, _health()), SETTINGS, NOW).colour  # noqa: E731
    assert colour(5) == "green"
    assert colour(120) == "green"  # two intervals missed: still within the grace
    assert colour(121) == "yellow"
    assert colour(600) == "yellow"
    assert colour(601) == "red"
    assert colour(None) == "red"  # never reported
    assert terminal_status(_row(5, _health(), revoked=True), SETTINGS, NOW).colour == "red"


def test_alerts_for_paper_reader_backlog_and_chain_turn_a_reporting_terminal_yellow():
    status = lambda **kw: terminal_status(_row(5, _health(**kw)), SETTINGS, NOW)  # noqa: E731
    assert status().alerts == () and status().chain == "unknown"
    assert status(printer="paper_out").alerts == ("paper_out",)
    assert status(printer="paper_low").alerts == ("paper_low",)
    assert status(reader="nodevice").alerts == ("reader_gone",)
    assert status(oldest=3601.0).alerts == ("backlog",) and status(oldest=3599.0).alerts == ()
    broken = status(audit={"seq": 41, "head": "ab12cd34ef56aa", "ok": False})
    assert broken.chain == "broken" and broken.alerts == ("chain_problem",) and broken.chain_head == "#41 ab12cd34ef56"
    assert status(audit={"seq": 41, "head": "ab12", "ok": True}).chain == "ok"
    assert status(printer="paper_out").colour == "yellow"


def test_the_fleet_page_shows_a_terminal_green_then_yellow_when_its_heartbeats_stop(console_hub):
    client = console_hub.hub.client()
    agent = console_hub.agent("tech")
    client.heartbeat(_health(depth=3, oldest=12.0))
    row = lambda: re.search(r'<tr data-terminal="T0001" data-colour="(\w+)">', agent.get("/console/fleet/rows").text)  # noqa: E731
    assert row().group(1) == "green"
    page = agent.get("/console/fleet").text
    assert "0.1.0" in page and "2026.11-demo.1" in page and "审计链" in page and "未知" in page
    # the hub was started with 1 s heartbeats and a grace of 2 missed: yellow after ~2 s of silence
    wait_for(lambda: row().group(1) == "yellow", "T0001 to turn yellow", timeout_s=20)
    client.heartbeat(_health())
    assert row().group(1) == "green"


def test_alerts_show_on_the_fleet_page_and_the_terminal_page(console_hub):
    client = console_hub.hub.client()
    register_at_hub(console_hub.hub.db_path, new_credentials("T0009"))
    client.heartbeat(_health(printer="paper_out", reader="nodevice", oldest=7200.0,
                             audit={"seq": 7, "head": "00ff", "ok": False}))  # fmt: skip
    agent = console_hub.agent("admin")
    page = agent.get("/console/fleet").text
    for words in ("打印机缺纸", "读卡器不可用", "待发送积压过久", "审计链异常"):
        assert words in page
    assert re.search(r'data-terminal="T0009" data-colour="red"', page)  # enrolled, never reported
    terminal = agent.get("/console/fleet/T0001")
    assert terminal.status_code == 200 and 'id="remote-commands"' in terminal.text and "缺纸" in terminal.text
    assert agent.get("/console/fleet/T4040").status_code == 404
    assert {t["terminal_id"]: t["colour"] for t in agent.get("/console/fleet.json").json()["terminals"]} == {
        "T0001": "yellow",
        "T0009": "red",
    }


def test_missed_heartbeats_are_an_alert_so_the_alerts_box_says_why_a_terminal_is_yellow():
    status = lambda silent: terminal_status(_row(silent, _health()), SETTINGS, NOW)  # noqa: E731
    assert status(120).alerts == ()
    assert status(121).alerts == ("silent",) and status(121).silent_s == 121
    assert status(None).alerts == ("never_reported",)
    assert terminal_status(_row(5, _health(), revoked=True), SETTINGS, NOW).alerts == ()


def test_the_chinese_fleet_page_uses_full_width_colons(console_hub):
    console_hub.hub.client().heartbeat(_health())
    page = console_hub.agent("tech").get("/console/fleet").text
    assert "读卡器：就绪" in page and "程序：0.1.0" in page and "读卡器: " not in page
