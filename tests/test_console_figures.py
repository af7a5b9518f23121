"""The figures page and its CSV export, from real traffic: submissions, records printed, window
tickets, cases worked and rated."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from hub.store import HubStore
from kiosk.hub_api import SubmissionItem


def _traffic(console_hub) -> tuple[list[str], str]:
    client = console_hub.hub.client()
    items = [
        SubmissionItem(f"k{i}", f"T0001-{i}", "repair.public_area", "2026.11-demo.1", "2026-11-30T02:15:00+00:00",
                       {"category": "lift", "location": "1", "detail": "x", "urgency": "normal", "phone": "13800000000"})
        for i in range(3)
    ]  # fmt: skip
    case_ids = [r.case_id for r in client.submit_batch(items)]
    record = client.issue_record(
        "certificate.residence", {"name": "王五", "id_number": "110101199003071234", "purpose": "school"}
    )
    client.take_ticket("ticket.window")
    store = HubStore(console_hub.hub.db_path)
    for case_id, stars in zip(case_ids[:2], (5, 3), strict=True):
        store.advance_case(case_id, "in_progress")
        store.advance_case(case_id, "resolved")
        client.rate_case(case_id, stars)
    return case_ids, record.issued_at


def _csv(agent, table: str, keys: bool = True) -> list[list[str]]:
    answer = agent.get(f"/console/figures.csv?table={table}" + ("&keys=1" if keys else ""))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets on staff PCs read UTF-8
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_figures_count_terminal_work_and_the_share_against_window_tickets(console_hub):
    _, record_at = _traffic(console_hub)
    agent = console_hub.agent("officer")
    page = agent.get("/console/figures")
    assert page.status_code == 200
    # 3 submissions + 1 certificate at the terminal, 1 window ticket: 4 / 5
    assert '<p class="big" id="terminal-share">80.0 %</p>' in page.text
    assert "chart.umd.min.js" in page.text and "取号代表需要到窗口" in page.text
    assert _csv(agent, "share") == [["terminal_transactions", "window_tickets", "terminal_share"], ["4", "1", "0.8"]]
    assert _csv(agent, "by_service") == [["service_id", "transactions"], ["repair.public_area", "3"],
                                         ["certificate.residence", "1"]]  # fmt: skip
    assert _csv(agent, "by_terminal") == [["terminal_id", "transactions"], ["T0001", "4"]]
    hours = dict(_csv(agent, "by_hour")[1:])
    # the submissions' 02:15 UTC is 10:15 in Asia/Shanghai; the certificate is issued now, in its
    # own hour (a run between 02:00 and 03:00 UTC puts it in the same one)
    record_hour = str((datetime.fromisoformat(record_at).astimezone(ZoneInfo("Asia/Shanghai"))).hour)
    assert hours["10"] == str(3 + (record_hour == "10"))
    assert hours[record_hour] == ("4" if record_hour == "10" else "1")
    assert sum(int(v) for v in hours.values()) == 4
    assert _csv(agent, "ratings")[1:] == [["1", "0"], ["2", "0"], ["3", "1"], ["4", "0"], ["5", "1"]]
    waits = {row[0]: row for row in _csv(agent, "waits")[1:]}
    assert waits["received"][1] == "3" and waits["in_progress"][1] == "2"  # one still waiting as received
    assert agent.get("/console/figures.csv?table=nope").status_code == 404
    # without keys=1 the export is for people: the page's language for columns, services, statuses
    assert _csv(agent, "by_service", keys=False)[:2] == [["服务", "笔数"], ["公共区域报修", "3"]]
    assert _csv(agent, "waits", keys=False)[0][:2] == ["状态", "工单数"]
    assert "已受理" in [row[0] for row in _csv(agent, "waits", keys=False)]
    agent.get("/console/lang/en?next=/console/figures")
    assert _csv(agent, "by_service", keys=False)[:2] == [["Service", "Transactions"], ["Report a repair in a public area", "3"]]
    page = agent.get("/console/figures").text
    assert "Completed at terminals: 4 · window tickets: 1" in page and "In Beijing time" in page
    assert "Report a repair in a public area" in page.split('id="chart-data"')[1]  # the chart's bar label


def test_figures_are_for_staff_only_and_exports_are_logged(console_hub):
    assert console_hub.agent().get("/console/figures.csv?table=share", allow_redirects=False).status_code == 303
    tech = console_hub.agent("tech")
    tech.get("/console/figures.csv?table=by_hour")
    assert "figures.export" in console_hub.agent("admin").get("/console/audit").text
    english = tech.get("/console/lang/en?next=/console/figures")
    assert "Routine work handled at terminals" in english.text and "window tickets" in english.text
