"""Working cases in the staff console over HTTP: the worklist (filters, oldest first, new cases
without reloading), the case page (personal values only for case officers), and assign / start /
resolve / reject with notes the terminal's progress query shows (a signed GET through HubClient)."""

from __future__ import annotations

import re
import uuid

from hub.store import HubStore
from kiosk.hub_api import SubmissionItem


def _submit(client, service_id="repair.public_area", **payload):
    key = uuid.uuid4().hex
    body = {"category": "lift", "location": "3号楼2单元", "detail": "电梯不动", "urgency": "normal",
            "contact_name": "张三伟", "phone": "13812345678"} if service_id == "repair.public_area" else {}
    body.update(payload)
    [result] = client.submit_batch(
        [SubmissionItem(key, f"T0001-{key[:6]}", service_id, "2026.11-demo.1", "2026-11-23T08:00:00+00:00", body)]
    )
    assert result.status == "accepted", result
    return result.case_id


def test_a_case_submitted_at_a_terminal_appears_on_the_worklist_without_reloading(console_hub):
    client = console_hub.hub.client()
    agent = console_hub.agent("officer")
    page = agent.get("/console/cases")
    assert 'data-refresh-url="/console/cases/rows"' in page.text  # the page's script polls this
    seq_before = int(re.search(r'data-latest-seq="(\d+)"', page.text).group(1))
    case_id = _submit(client)
    rows = agent.get("/console/cases/rows")
    assert case_id in rows.text and int(rows.headers["X-Latest-Seq"]) > seq_before
    as_json = agent.get("/console/cases.json").json()
    assert [c["case_id"] for c in as_json["cases"]] == [case_id]


def test_the_worklist_filters_by_status_service_terminal_and_age_oldest_first(console_hub):
    client = console_hub.hub.client()
    first, second = _submit(client), _submit(client)
    meal = _submit(client, "meal.elder_signup", name="李四", id_number="110101194501011234", meals_per_week=5,
                   start_date="2026-12-01", phone="13900001111")  # fmt: skip
    store = HubStore(console_hub.hub.db_path)
    store.advance_case(second, "resolved")
    agent = console_hub.agent("officer")
    listed = lambda query: re.findall(r'href="/console/cases/(C\d+)"', agent.get("/console/cases" + query).text)  # noqa: E731
    assert listed("") == [first, meal]  # open cases, oldest first
    assert listed("?status=all") == [first, second, meal]
    assert listed("?status=resolved") == [second]
    assert listed("?service=meal.elder_signup") == [meal]
    assert listed("?terminal=T0002") == []
    assert listed("?terminal=T0001&status=all") == [first, second, meal]
    assert listed("?older_than_h=24") == []  # just received
    assert listed("?older_than_h=nonsense") == [first, meal]


def test_personal_values_are_shown_to_case_officers_and_masked_for_everyone_else(console_hub):
    case_id = _submit(console_hub.hub.client())
    officer = console_hub.agent("officer").get(f"/console/cases/{case_id}").text
    assert "13812345678" in officer and "张三伟" in officer and "电梯不动" in officer
    admin = console_hub.agent("admin").get(f"/console/cases/{case_id}").text
    assert "13812345678" not in admin and "张三伟" not in admin
    assert "138****5678" in admin and "电梯不动" in admin  # public fields stay readable
    assert "个人信息已遮蔽" in admin


def test_a_case_worked_end_to_end_shows_its_notes_in_the_terminals_progress_query(console_hub):
    client = console_hub.hub.client()
    case_id = _submit(client)
    agent = console_hub.agent("officer")
    page = f"/console/cases/{case_id}"
    assert agent.post(f"{page}/assign", {"assignee": "officer2"}, from_page=page).url.split("?")[0].endswith(page)
    agent.post(f"{page}/move", {"move": "start", "note_zh": "维修工已出发", "note_en": "A technician is on the way"},
               from_page=page)  # fmt: skip
    agent.post(f"{page}/move", {"move": "resolve", "note_zh": "电梯已修好"}, from_page=page)
    status = client.case_status(case_id)
    assert status.status == "resolved"
    assert [e.status for e in status.timeline] == ["received", "assigned", "in_progress", "resolved"]
    assert status.timeline[2].note == {"zh": "维修工已出发", "en": "A technician is on the way"}
    # written in Chinese only: the English reader sees the same words rather than nothing
    assert status.timeline[3].note == {"zh": "电梯已修好", "en": "电梯已修好"}
    assert HubStore(console_hub.hub.db_path).case_record(case_id)["assigned_to"] == "officer2"
    shown = agent.get(page).text
    assert "维修工已出发" in shown and "已办结" in shown
    assert 'value="resolve"' not in shown and 'value="close"' in shown  # only moves the status allows


def test_a_rejection_needs_a_reason_and_the_resident_sees_it(console_hub):
    client = console_hub.hub.client()
    case_id = _submit(client)
    agent = console_hub.agent("officer")
    page = f"/console/cases/{case_id}"
    without = agent.post(f"{page}/move", {"move": "reject"}, from_page=page)
    assert "不予受理须写明理由" in without.text and client.case_status(case_id).status == "received"
    agent.post(f"{page}/move", {"move": "reject", "note_en": "Private flat: call the property office"}, from_page=page)
    status = client.case_status(case_id)
    assert status.status == "rejected" and status.timeline[-1].note["en"] == "Private flat: call the property office"
    again = agent.post(f"{page}/move", {"move": "resolve", "note_zh": "x"}, from_page=page)
    assert "不允许" in again.text and client.case_status(case_id).status == "rejected"


def test_a_case_can_be_assigned_only_to_a_case_officer(console_hub):
    case_id = _submit(console_hub.hub.client())
    agent = console_hub.agent("officer")
    page = f"/console/cases/{case_id}"
    refused = agent.post(f"{page}/assign", {"assignee": "tech"}, from_page=page)
    assert "只能分派给办件人员" in refused.text
    assert HubStore(console_hub.hub.db_path).case_record(case_id)["assigned_to"] is None
    assert agent.get("/console/cases/C7777777").status_code == 404


def _visible(html: str) -> str:
    """The page's text without its tags and attributes (machine-readable times stay in datetime=)."""
    return re.sub(r"<[^>]+>", " ", html)


def test_case_pages_show_titles_labels_and_local_times_not_ids_keys_and_utc(console_hub):
    client = console_hub.hub.client()
    case_id = _submit(client, card_hash="ab" * 32)
    officer = console_hub.agent("officer")
    worklist = _visible(officer.get("/console/cases").text)
    assert "公共区域报修" in worklist and "repair.public_area" not in worklist  # also the Service filter
    assert re.search(r"\d+ 分钟", worklist) and " h " not in worklist
    assert not re.search(r"\d{4}-\d\d-\d\dT", worklist) and "+00:00" not in worklist
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", worklist)  # local time, as the kiosk writes it
    page = officer.get(f"/console/cases/{case_id}").text
    text = _visible(page)
    assert "电梯" in text and "一般" in text and " lift " not in text and " normal " not in text
    assert "公共区域报修" in text and "repair.public_area" not in text
    # submitted 08:00 UTC: 16:00 in the hub's zone (Asia/Shanghai), the one zone of every console page
    assert "2026-11-23 16:00" in text and "+00:00" not in text
    assert "card_hash" not in text and "ab" * 32 not in page and "刷卡提交" in text
    officer.get("/console/lang/en?next=/console/cases/" + case_id)
    english = _visible(officer.get(f"/console/cases/{case_id}").text)
    assert "Lift" in english and "Report a repair in a public area" in english and "Submitted with a card" in english
    assert re.search(r"\d+ min", _visible(officer.get("/console/cases").text))


def test_seeing_a_case_s_personal_values_is_audited_once_per_session(console_hub):
    case_id = _submit(console_hub.hub.client())
    officer = console_hub.agent("officer")
    for _ in range(3):
        officer.get(f"/console/cases/{case_id}")
    again = console_hub.agent("officer")  # a new sign-in session
    again.get(f"/console/cases/{case_id}")
    audit = console_hub.agent("admin").get("/console/audit").text
    assert audit.count('data-action="case.view_personal"') == 2
    assert "查看工单个人信息" in audit and "登录" in audit and "角色：办件人员" in audit


def _confirmation(html: str) -> str | None:
    found = re.search(r'<p class="ok" role="status" id="case-done">([^<]*)</p>', html)
    return found.group(1) if found else None


def test_each_case_action_is_confirmed_after_its_redirect_in_the_pages_language(console_hub):
    """walktech finding 15: assign, start, resolve gave no confirmation, only the status badge changed."""
    from hub.console.pages import LANG_COOKIE

    case_id = _submit(console_hub.hub.client())
    agent = console_hub.agent("officer")
    page = f"/console/cases/{case_id}"
    assert _confirmation(agent.get(page).text) is None  # nothing done yet: nothing confirmed
    assigned = agent.post(f"{page}/assign", {"assignee": "officer"}, from_page=page)
    assert _confirmation(assigned.text) == "已指派给 officer。"
    started = agent.post(f"{page}/move", {"move": "start", "note_zh": "师傅已出发"}, from_page=page)
    assert _confirmation(started.text) == "已开始办理；居民查询进度时能看到说明。"
    assert _confirmation(agent.get(page).text) is None  # a reload of the page itself says nothing
    agent.http.cookies.set(LANG_COOKIE, "en")
    resolved = agent.post(f"{page}/move", {"move": "resolve"}, from_page=page)
    assert _confirmation(resolved.text) == "Resolved."
    closed = agent.post(f"{page}/move", {"move": "close", "note_en": "Thanks"}, from_page=page)
    assert _confirmation(closed.text) == "Closed; the resident sees the note in the progress query."
    # a made-up confirmation in the address shows nothing (only known actions, only officers' names)
    assert _confirmation(agent.get(f"{page}?done=assign&to=<b>x</b>").text) is None
    assert _confirmation(agent.get(f"{page}?done=deleted_everything").text) is None
