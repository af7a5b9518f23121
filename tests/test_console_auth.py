"""Staff console sign-in, sessions, CSRF, lock-out, permissions per role and the audit log, over
HTTP against the hub running as a real subprocess."""

from __future__ import annotations

import subprocess
import sys

import requests

from hub.staff import StaffAccounts, audit_log
from hub.store import HubStore
from tests.fixtures.console import PASSWORD
from tests.support.console_client import StaffAgent


def test_pages_need_a_sign_in_and_send_back_where_staff_were_going(console_hub):
    agent = console_hub.agent()
    for path in ("/console/cases", "/console/fleet", "/console/catalogue", "/console/figures", "/console/audit"):
        answer = agent.get(path, allow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/console/sign-in?next=" + path.replace("/", "%2F")) or (
            answer.headers["location"].startswith("/console/sign-in?next=" + path)
        )
    assert agent.get("/console/cases.json").status_code == 401
    signed = agent.sign_in("officer", PASSWORD)
    assert signed.url.endswith("/console/cases") and "工单列表" in signed.text


def test_the_session_cookie_is_httponly_samesite_strict_and_limited_to_the_console(console_hub):
    agent = console_hub.agent()
    token = agent.csrf_token("/console/sign-in")
    answer = agent.http.post(
        console_hub.url + "/console/sign-in",
        data={"csrf_token": token, "username": "officer", "password": PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = [v for k, v in answer.raw.headers.items() if k.lower() == "set-cookie" and "hub_console_session" in v]
    assert cookie, answer.headers
    flags = cookie[0].lower()
    assert "httponly" in flags and "samesite=strict" in flags and "path=/console" in flags
    assert "secure" not in flags  # plain HTTP on loopback here; TLS turns Secure on (sessions.is_tls)


def test_a_wrong_password_is_refused_and_says_so(console_hub):
    agent = console_hub.agent()
    answer = agent.sign_in("officer", "not the password")
    assert answer.status_code == 401 and "用户名或密码不正确" in answer.text
    assert agent.get("/console/cases", allow_redirects=False).status_code == 303
    unknown = agent.sign_in("nobody", PASSWORD)
    assert unknown.status_code == 401 and "用户名或密码不正确" in unknown.text


def test_repeated_failures_lock_the_account_even_against_the_right_password(console_hub):
    agent = console_hub.agent()
    for _ in range(3):  # the fixture's hub locks after 3
        agent.sign_in("officer2", "guess guess guess")
    locked = agent.sign_in("officer2", PASSWORD)
    assert locked.status_code == 423 and "锁定" in locked.text
    assert agent.get("/console/cases", allow_redirects=False).status_code == 303
    # another account is not affected
    assert console_hub.agent("officer").get("/console/cases").status_code == 200
    actions = [e["action"] for e in audit_log(HubStore(console_hub.hub.db_path)) if e["username"] == "officer2"]
    assert actions.count("sign_in.refused") == 4


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(console_hub):
    agent = console_hub.agent("officer")
    seeded = subprocess.run(
        [sys.executable, "-m", "hub", "seed", "--db", str(console_hub.hub.db_path)], capture_output=True, check=True
    )
    assert seeded.returncode == 0
    no_token = agent.http.post(console_hub.url + "/console/cases/C9000001/assign", data={"assignee": "officer"})
    assert no_token.status_code == 403 and "表单已过期" in no_token.text
    wrong = agent.http.post(
        console_hub.url + "/console/cases/C9000001/assign", data={"assignee": "officer", "csrf_token": "forged"}
    )
    assert wrong.status_code == 403
    assert HubStore(console_hub.hub.db_path).case_record("C9000001")["assigned_to"] is None
    # the sign-in form has its own token: a post from elsewhere without it is refused too
    cross_site = requests.post(
        console_hub.url + "/console/sign-in", data={"username": "officer", "password": PASSWORD}, timeout=10
    )
    assert cross_site.status_code == 403


def test_each_role_sees_only_its_pages(console_hub):
    expected = {
        "officer": {"/console/cases": 200, "/console/figures": 200, "/console/fleet": 403, "/console/catalogue": 403, "/console/audit": 403},
        "tech": {"/console/cases": 403, "/console/figures": 200, "/console/fleet": 200, "/console/catalogue": 200, "/console/audit": 403},
        "admin": {"/console/cases": 200, "/console/figures": 200, "/console/fleet": 200, "/console/catalogue": 200, "/console/audit": 200},
    }  # fmt: skip
    for username, pages in expected.items():
        agent = console_hub.agent(username)
        for path, status in pages.items():
            answer = agent.get(path)
            assert answer.status_code == status, (username, path, answer.status_code)
            if status == 403:
                assert "无权" in answer.text


def test_only_case_officers_may_work_a_case(console_hub):
    subprocess.run([sys.executable, "-m", "hub", "seed", "--db", str(console_hub.hub.db_path)], check=True)
    admin = console_hub.agent("admin")
    page = admin.get("/console/cases/C9000001")
    assert page.status_code == 200 and "/assign" not in page.text  # no work forms for the role
    refused = admin.post("/console/cases/C9000001/assign", {"assignee": "officer"}, from_page="/console/cases")
    assert refused.status_code == 403
    assert HubStore(console_hub.hub.db_path).case_record("C9000001")["status"] == "received"


def test_signing_out_ends_the_session_on_the_hub(console_hub):
    agent = console_hub.agent("officer")
    cookie = agent.http.cookies.get("hub_console_session")
    out = agent.post("/console/sign-out", from_page="/console/cases")
    assert out.url.endswith("/console/sign-in")
    stolen = StaffAgent(console_hub.url)
    stolen.http.cookies.set("hub_console_session", cookie, path="/console")
    assert stolen.get("/console/cases", allow_redirects=False).status_code == 303


def test_language_switch_and_english_pages(console_hub):
    agent = console_hub.agent("officer")
    english = agent.get("/console/lang/en?next=/console/cases")
    assert english.url.endswith("/console/cases") and "Worklist" in english.text and 'lang="en"' in english.text
    # an outside address is never a destination
    away = agent.get("/console/lang/zh?next=https://example.org/", allow_redirects=False)
    assert away.headers["location"] == "/console/cases"


def test_staff_add_on_the_command_line_and_its_password_rules(console_hub, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("a long enough passphrase\n", encoding="utf-8")
    db = str(console_hub.hub.db_path)
    made = subprocess.run(
        [sys.executable, "-m", "hub", "staff", "add", "--db", db, "--username", "li", "--role", "fleet_technician",
         "--password-file", str(secret)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert console_hub.agent().sign_in("li", "a long enough passphrase").url.endswith("/console/fleet")
    secret.write_text("short\n", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "hub", "staff", "add", "--db", db, "--username", "zhao", "--role", "case_officer",
         "--password-file", str(secret)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 1 and "at least 10 characters" in refused.stderr
    stored = HubStore(console_hub.hub.db_path)
    assert StaffAccounts(stored).member("zhao") is None
    with stored.reading() as db:
        hashes = [r[0] for r in db.execute("SELECT password_hash FROM staff").fetchall()]
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_every_staff_action_lands_in_the_audit_log_without_personal_values(console_hub):
    subprocess.run([sys.executable, "-m", "hub", "seed", "--db", str(console_hub.hub.db_path)], check=True)
    officer = console_hub.agent("officer")
    officer.post("/console/cases/C9000001/assign", {"assignee": "officer"}, from_page="/console/cases/C9000001")
    officer.post("/console/cases/C9000001/move", {"move": "start", "note_zh": "已派维修工"}, from_page="/console/cases/C9000001")
    admin = console_hub.agent("admin")
    page = admin.get("/console/audit")
    for action in ("sign_in", "case.assign", "case.start", "staff.add"):
        assert action in page.text
    assert "已派维修工" not in page.text  # the note is the resident's business, not the log's


def test_the_browser_s_favicon_request_is_answered_without_a_401(console_hub):
    import requests

    answer = requests.get(console_hub.url + "/favicon.ico", timeout=10)
    assert answer.status_code == 204  # not the terminals' "unauthenticated" JSON
    icon = requests.get(console_hub.url + "/console/static/icon.svg", timeout=10)
    assert icon.status_code == 200 and icon.text.startswith("<svg")
    assert 'rel="icon" href="/console/static/icon.svg"' in console_hub.agent().get("/console/sign-in").text
