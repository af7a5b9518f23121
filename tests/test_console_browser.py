"""The staff console in a real browser (Debian's headless Chromium through Playwright): sign in,
work a case end to end and see the terminal's progress query show the note, watch a terminal go
yellow when its heartbeats stop, stage and roll back a catalogue. Each page is saved as a PNG."""

from __future__ import annotations

import json
import re
import threading
import uuid

from hub.catalog import DEFAULT_CATALOG
from hub.store import HubStore
from kiosk.hub_api import SubmissionItem
from tests.fixtures.console import PASSWORD


def _sign_in(page, console_hub, username: str, shots=None) -> None:
    page.goto(console_hub.url + "/console/sign-in")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    if shots is not None:
        page.screenshot(path=str(shots / "sign-in.png"))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/console/(cases|fleet)"))


def _submit(client, location: str) -> str:
    key = uuid.uuid4().hex
    payload = {"category": "lift", "location": location, "detail": "电梯停在 5 楼不动", "urgency": "urgent",
               "contact_name": "张三伟", "phone": "13812345678"}  # fmt: skip
    [result] = client.submit_batch(
        [SubmissionItem(key, f"T0001-{key[:6]}", "repair.public_area", "2026.11-demo.1",
                        "2026-12-01T01:30:00+00:00", payload)]
    )  # fmt: skip
    return result.case_id


def test_sign_in_and_work_a_case_end_to_end_in_the_browser(console_hub, browser_page, shots):
    page = browser_page
    client = console_hub.hub.client()
    _submit(client, "3号楼2单元")
    _sign_in(page, console_hub, "officer", shots)
    rows = page.locator("#worklist-rows tr[data-seq]")
    assert rows.count() == 1
    # a case submitted now shows up without reloading (the page polls every 0.5 s in this hub)
    case_id = _submit(client, "7号楼门口")
    page.locator(f'#worklist-rows a:text("{case_id}")').wait_for()
    assert rows.count() == 2
    page.screenshot(path=str(shots / "worklist.png"))

    page.get_by_role("link", name=case_id).click()
    assert page.locator("td.value", has_text="13812345678").count() == 1  # a case officer sees it
    page.get_by_label("分派给").select_option("officer")
    page.get_by_role("button", name="分派").click()
    page.locator("#case-done", has_text="已指派给 officer").wait_for()  # confirmed after the redirect
    page.get_by_label("给居民的说明（中文）").fill("维修工已出发，预计 1 小时内到达")
    page.get_by_label("给居民的说明（英文）").fill("A technician is on the way, within the hour")
    page.get_by_role("button", name="开始办理").click()
    page.locator(".timeline li", has_text="维修工已出发").wait_for()
    page.screenshot(path=str(shots / "case.png"), full_page=True)
    page.get_by_label("给居民的说明（中文）").fill("电梯已修复")
    page.get_by_role("button", name="办结").click()
    page.locator("h1 .status", has_text="已办结").wait_for()
    assert page.locator("#case-done").inner_text() == "已办结；居民查询进度时能看到说明。"

    status = client.case_status(case_id)  # the terminal's signed progress query
    assert status.status == "resolved"
    notes = {e.status: e.note for e in status.timeline}
    assert notes["in_progress"] == {"zh": "维修工已出发，预计 1 小时内到达", "en": "A technician is on the way, within the hour"}
    assert notes["resolved"]["zh"] == "电梯已修复"

    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name=re.compile("Case")).wait_for()
    page.get_by_role("link", name="Back to the worklist").click()
    page.get_by_role("combobox", name="Status").select_option("all")
    page.get_by_role("button", name="Apply").click()
    page.screenshot(path=str(shots / "worklist-en.png"))


def test_a_terminal_turns_yellow_on_the_fleet_page_when_its_heartbeats_stop(console_hub, browser_page, shots):
    page = browser_page
    client = console_hub.hub.client()
    health = {
        "devices": {"printer": {"state": "online"}, "card_reader": {"state": "notpresent"}},
        "queue": {"depth": 2, "in_flight": 0, "oldest_pending_age_s": 40.0, "dead_letters": 0},
        "versions": {"app": "0.1.0", "catalogue": "2026.11-demo.1"},
    }
    beating = threading.Event()

    def beat() -> None:  # the terminal, reporting every 0.5 s until the test stops it
        while not beating.wait(0.5):
            client.heartbeat(health)

    client.heartbeat(health)
    beater = threading.Thread(target=beat, daemon=True)
    beater.start()
    try:
        _sign_in(page, console_hub, "tech")
        page.locator('#fleet tr[data-terminal="T0001"][data-colour="green"]').wait_for()
        page.screenshot(path=str(shots / "fleet-green.png"))
    finally:
        beating.set()
        beater.join()
    # no reload: the page refreshes its table; 1 s heartbeats, yellow after 2 missed
    page.locator('#fleet tr[data-terminal="T0001"][data-colour="yellow"]').wait_for(timeout=20000)
    client.heartbeat({**health, "devices": {"printer": {"state": "paper_out"}, "card_reader": {"state": "nodevice"}}})
    page.locator(".alerts li", has_text="打印机缺纸").wait_for()
    page.screenshot(path=str(shots / "fleet.png"))
    page.get_by_role("link", name="T0001").first.click()
    page.locator("#remote-commands").wait_for()
    page.screenshot(path=str(shots / "terminal.png"), full_page=True)


def test_stage_and_roll_back_a_catalogue_in_the_browser(console_hub, browser_page, shots, tmp_path):
    page = browser_page
    east = console_hub.hub.client()
    document = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    document["version"] = "2026.12-1"
    good = tmp_path / "catalogue-2026.12-1.json"
    good.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    del document["services"][0]["fields"][0]["label"]["zh"]
    document["version"] = "2026.12-bad"
    bad = tmp_path / "catalogue-bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    _sign_in(page, console_hub, "tech")
    page.get_by_role("link", name="服务目录").click()
    page.get_by_label("目录文件（JSON）").set_input_files(str(bad))
    page.get_by_role("button", name="上传").click()
    problem = page.locator("#upload-problem")
    problem.wait_for()
    assert "services[0].fields[0].label.zh" in problem.inner_text()
    page.screenshot(path=str(shots / "catalogue-refused.png"))

    page.get_by_label("目录文件（JSON）").set_input_files(str(good))
    page.get_by_role("button", name="上传").click()
    page.get_by_text("新版本已保存").wait_for()
    page.get_by_label("版本", exact=True).select_option("2026.12-1")
    page.get_by_label("终端组", exact=True).select_option("street-east")
    page.get_by_role("button", name="试点到此组").click()
    page.get_by_text("已试点到所选终端组").wait_for()
    assert east.fetch_catalog().document["version"] == "2026.12-1"
    took = page.locator('#uptake tr[data-terminal="T0001"] td').nth(3)
    assert took.inner_text() != "是"
    east.heartbeat({"versions": {"catalogue": "2026.12-1"}})
    # no reload: the table follows the heartbeat by itself (walktech finding 20)
    page.wait_for_function(
        "() => document.querySelectorAll('#uptake tr[data-terminal=\"T0001\"] td')[3].innerText === '是'",
        timeout=10000,
    )
    page.screenshot(path=str(shots / "catalogue.png"), full_page=True)

    page.get_by_role("button", name="回退").click()
    page.get_by_text("已回退").wait_for()
    assert page.locator("#staged-version").inner_text() == "—"
    assert east.fetch_catalog().document["version"] == "2026.11-demo.1"


def test_the_figures_page_draws_its_charts(console_hub, browser_page, shots):
    page = browser_page
    client = console_hub.hub.client()
    cases = [_submit(client, f"{n}号楼") for n in range(4)]
    client.take_ticket("ticket.window")
    store = HubStore(console_hub.hub.db_path)
    for case_id, stars in zip(cases[:3], (5, 4, 5), strict=True):
        store.advance_case(case_id, "in_progress")
        store.advance_case(case_id, "resolved")
        client.rate_case(case_id, stars)
    _sign_in(page, console_hub, "officer")
    page.get_by_role("link", name="统计").click()
    assert page.locator("#terminal-share").inner_text() == "80.0 %"
    # Chart.js (vendored, served by the hub) drew on every canvas
    page.wait_for_function("() => window.Chart && document.querySelectorAll('canvas[data-chart]').length === 5"
                           " && [...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))")  # fmt: skip
    page.screenshot(path=str(shots / "figures.png"), full_page=True)


def test_take_a_terminal_out_of_service_from_its_page_and_read_its_diagnostics(console_hub, browser_page, shots):
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    terminal = console_hub.hub.client()
    health = {"devices": {"printer": {"state": "online"}, "card_reader": {"state": "notpresent"}},
              "queue": {"depth": 0, "dead_letters": 0}, "versions": {"app": "0.1.0", "catalogue": "2026.11-demo.1"},
              "service": {"state": "in_service"}}  # fmt: skip
    terminal.heartbeat(health)
    _sign_in(page, console_hub, "tech")
    page.goto(console_hub.url + "/console/fleet/T0001")
    form = page.get_by_role("form", name="暂停服务")
    form.get_by_label("暂停原因").select_option("hardware")
    form.get_by_label("给居民的说明（中文，可不填）").fill("打印机维修中，请到窗口办理")
    form.get_by_role("button", name="暂停服务").click()
    page.get_by_text("已发出，等待终端领取").wait_for()
    row = page.locator("#commands tbody tr").first
    assert row.get_attribute("data-state") == "pending" and "待领取" in row.inner_text()

    # the terminal pulls it with its heartbeat, obeys, reports; then it is asked for diagnostics
    [command] = terminal.heartbeat(health)["commands"]
    terminal.report_command_result(command["id"], "succeeded", {"reason": "hardware", "message_languages": ["zh"]})
    paused = {**health, "service": {"state": "out_of_service", "reason": "hardware", "since": "2026-12-01T06:48:00+00:00"}}
    terminal.heartbeat(paused)
    page.get_by_role("form", name="上传诊断信息").get_by_role("button").click()
    page.get_by_text("已发出，等待终端领取").wait_for()
    diagnostics = [c for c in terminal.heartbeat(paused)["commands"] if c["command"] == "upload_diagnostics"][0]
    terminal.report_command_result(diagnostics["id"], "succeeded", {
        "devices": {"printer": "online", "card_reader": "notpresent"},
        "queue": {"depth": 0, "in_flight": 0, "dead_letters": 0},
        "log_tail": ["2026-12-01T06:48:01+00:00 INFO kiosk.remote_commands: remote command ran"],
    })  # fmt: skip
    page.reload()
    rows = page.locator("#commands tbody tr")
    assert [rows.nth(i).get_attribute("data-state") for i in range(2)] == ["succeeded", "succeeded"]
    page.get_by_text("日志末尾 1 行").click()
    assert "remote command ran" in page.locator("pre.log-tail").inner_text()
    assert "暂停服务（设备故障） 自 2026-12-01 14:48" in page.locator("dd.service").inner_text()
    page.screenshot(path=str(shots / "terminal-commands.png"), full_page=True)

    page.get_by_role("link", name="返回终端状态").click()
    fleet_row = page.locator('#fleet tr[data-terminal="T0001"]')
    assert fleet_row.get_attribute("data-colour") == "yellow" and "暂停服务" in fleet_row.inner_text()
    assert "暂停服务（设备故障）" in page.locator(".alerts").inner_text()
    page.screenshot(path=str(shots / "fleet-paused.png"), full_page=True)
    page.get_by_role("link", name="English").click()
    page.goto(console_hub.url + "/console/fleet/T0001")
    page.get_by_role("form", name="Take out of service").wait_for()
    page.screenshot(path=str(shots / "terminal-commands-en.png"), full_page=True)
    assert failed == [], failed  # no 401 for /favicon.ico, nothing else failing
