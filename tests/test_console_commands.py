"""Remote commands from the console's terminal page: a form per command for fleet technicians and
administrators (not case officers), CSRF, the hub's audit log, and the terminal's commands with their
state pending -> delivered -> succeeded/failed and their result (an uploaded diagnostics readable).
Also `hub command list/show` with the result, and the heartbeat's service state on the fleet pages."""

from __future__ import annotations

import re

from hub.__main__ import main as hub_cli
from hub.commands import COMMANDS

PAGE = "/console/fleet/T0001"
DIAGNOSTICS = {
    "devices": {"printer": "paper_out", "card_reader": "notpresent"},
    "queue": {"depth": 2, "in_flight": 0, "oldest_pending_age_s": 31.5, "dead_letters": 0},
    "log_tail": ["2026-12-01T14:48:02+00:00 WARNING drivers.printer: paper out", "2026-12-01T14:48:09+00:00 INFO x: y"],
}


def _row(page: str, command_id: str) -> str:
    found = re.search(rf'<tr data-command-id="{command_id}" data-state="(\w+)">(.*?)</tr>', page, re.S)
    assert found, f"no row for {command_id}"
    return found.group(1) + " " + found.group(2)


def test_a_technician_issues_every_command_from_the_terminal_page_and_follows_its_state(console_hub):
    agent = console_hub.agent("tech")
    page = agent.get(PAGE).text
    assert sorted(re.findall(r'data-command="(\w+)"', page)) == sorted(COMMANDS)  # a form per command
    answer = agent.post(
        PAGE + "/commands",
        {"command": "out_of_service", "reason": "hardware", "message_zh": "打印机维修中", "message_en": "Printer repair"},
        from_page=PAGE,
    )
    assert answer.status_code == 200 and "已发出" in answer.text
    [issued] = re.findall(r'data-command-id="(K[0-9a-f]+)"', answer.text)
    assert _row(answer.text, issued).startswith("pending") and "设备故障" in _row(answer.text, issued)
    assert "打印机维修中" in _row(answer.text, issued)

    terminal = console_hub.hub.client()
    [delivered] = terminal.heartbeat({"versions": {"app": "0.1.0"}})["commands"]
    assert delivered["command"] == "out_of_service"
    assert delivered["args"] == {"reason": "hardware", "message_zh": "打印机维修中", "message_en": "Printer repair"}
    assert _row(agent.get(PAGE).text, issued).startswith("delivered")
    terminal.report_command_result(issued, "succeeded", {"reason": "hardware", "message_languages": ["en", "zh"]})
    assert _row(agent.get(PAGE).text, issued).startswith("succeeded")

    agent.post(PAGE + "/commands", {"command": "set_speech_volume", "volume_percent": "40"}, from_page=PAGE)
    volume = [c for c in terminal.heartbeat({})["commands"] if c["command"] == "set_speech_volume"]
    assert volume[0]["args"] == {"volume": 0.4}
    refused = agent.post(PAGE + "/commands", {"command": "set_speech_volume", "volume_percent": "400"}, from_page=PAGE)
    assert "指令参数不正确" in refused.text

    # the hub's audit log has the technician's actions, read by the administrator
    audit = console_hub.agent("admin").get("/console/audit").text
    assert audit.count("发出远程指令") == 2 and "指令：暂停服务" in audit and "指令：设置语音音量" in audit
    assert "terminal.command" not in audit.replace('data-action="terminal.command"', "")  # words, not keys


def test_diagnostics_are_readable_on_the_page_and_from_the_cli(console_hub, capsys):
    agent = console_hub.agent("admin")  # administrators may issue commands as well
    agent.post(PAGE + "/commands", {"command": "upload_diagnostics"}, from_page=PAGE)
    terminal = console_hub.hub.client()
    [command] = terminal.heartbeat({})["commands"]
    terminal.report_command_result(command["id"], "succeeded", DIAGNOSTICS)
    row = _row(agent.get(PAGE).text, command["id"])
    assert row.startswith("succeeded")
    assert "打印机：缺纸" in row and "待发送：2" in row and "日志末尾 2 行" in row
    assert "drivers.printer: paper out" in row

    db = str(console_hub.hub.db_path)
    assert hub_cli(["command", "list", "--db", db, "--terminal", "T0001"]) == 0
    listed = capsys.readouterr().out
    assert "succeeded" in listed and '"log_tail": "2 log lines"' in listed and '"printer": "paper_out"' in listed
    assert hub_cli(["command", "show", "--db", db, command["id"]]) == 0
    shown = capsys.readouterr().out
    assert "log tail (2 lines):" in shown and "drivers.printer: paper out" in shown
    assert hub_cli(["command", "show", "--db", db, "K0000"]) == 1
    assert "no such command" in capsys.readouterr().err


def test_a_command_issued_from_the_cli_appears_on_the_terminal_page(console_hub, capsys):
    db = str(console_hub.hub.db_path)
    assert hub_cli(["command", "issue", "--db", db, "--terminal", "T0001", "restart"]) == 0
    command_id = capsys.readouterr().out.split()[0]
    row = _row(console_hub.agent("tech").get(PAGE).text, command_id)
    assert row.startswith("pending") and "重启终端程序" in row


def test_case_officers_get_no_command_forms_and_cannot_post_one(console_hub):
    officer = console_hub.agent("officer")
    assert officer.get(PAGE).status_code == 403  # the fleet is not theirs at all
    token = officer.csrf_token("/console/cases")
    answer = officer.http.post(
        console_hub.url + PAGE + "/commands", data={"csrf_token": token, "command": "restart"}, timeout=10
    )
    assert answer.status_code == 403
    tech = console_hub.agent("tech")
    tech.get(PAGE)
    no_token = tech.http.post(console_hub.url + PAGE + "/commands", data={"command": "restart"}, timeout=10)
    assert no_token.status_code == 403 and "表单已过期" in no_token.text
    assert "data-command-id" not in tech.get(PAGE).text  # nothing was issued


def test_out_of_service_from_the_heartbeat_is_not_green_and_an_old_heartbeat_still_works(console_hub):
    terminal = console_hub.hub.client()
    agent = console_hub.agent("tech")
    base = {"devices": {"printer": {"state": "online"}}, "queue": {"depth": 0}, "versions": {"app": "0.1.0"}}
    colour = lambda: re.search(r'data-terminal="T0001" data-colour="(\w+)"', agent.get("/console/fleet/rows").text).group(1)  # noqa: E731

    terminal.heartbeat(base)  # a terminal older than the service part
    assert colour() == "green"
    assert "未上报（旧版终端）" in agent.get(PAGE).text
    terminal.heartbeat({**base, "service": {"state": "in_service"}})
    assert colour() == "green" and "正常服务" in agent.get(PAGE).text

    paused = {"state": "out_of_service", "reason": "hardware", "since": "2026-12-01T06:48:00+00:00"}
    terminal.heartbeat({**base, "service": paused})
    assert colour() == "yellow"
    fleet = agent.get("/console/fleet").text
    # the hub's zone (Asia/Shanghai): 06:48 UTC is 14:48 there
    assert "T0001</a>：暂停服务（设备故障） 自 2026-12-01 14:48" in fleet
    assert "暂停服务（设备故障） 自 2026-12-01 14:48" in agent.get(PAGE).text
    terminal.heartbeat({**base, "service": {"state": "dancing"}})  # malformed: read as not said
    assert colour() == "green"


def test_the_terminal_page_says_device_errors_in_words_and_local_times(console_hub):
    terminal = console_hub.hub.client()
    terminal.heartbeat({
        "devices": {"printer": {"state": "paper_out", "last_error": "PaperOut: printer paper_out (simulated)",
                                "last_error_at": "2026-12-01T06:48:00+00:00"}},
        "versions": {"app": "0.1.0", "catalogue": "2026.11-demo.1"},
    })  # fmt: skip
    page = console_hub.agent("tech").get(PAGE).text
    assert "打印机最近错误" in page and "缺纸 · <time" in page and "2026-12-01 14:48" in page
    assert "应使用 2026" not in page and "与应使用的版本一致" in page  # runs what it should: no false mismatch
    last = re.search(r"最近心跳</dt><dd>(.*?)</dd>", page).group(1)
    assert "+00:00" not in re.sub(r'datetime="[^"]*"', "", last)

