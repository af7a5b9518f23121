"""Remote commands, pulled with the heartbeat: signed by the hub, run once by id (across restarts),
refused when unsigned, changed, for another terminal or expired; picked up after an outage; their
state shown at the hub."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from contract.command_signing import sign_command
from hub.commands import CommandBook
from hub.store import HubStore

ROOT = Path(__file__).resolve().parent.parent


def _signed(terminal, command: str = "force_sync", **changes) -> dict:
    now = int(time.time())
    body = {
        "id": f"K{now}{command[:3]}",
        "terminal_id": terminal.hub.terminal_id,
        "command": command,
        "args": {},
        "issued_at": now,
        "expires_at": now + 600,
    }
    body["signature"] = sign_command(terminal.client.credentials.hmac_key, body)
    body.update(changes)
    return body


def test_a_command_runs_once_is_reported_and_audited(fleet_terminal):
    command_id = fleet_terminal.issue("out_of_service", {"reason": "hardware", "message_zh": "维修中"})
    assert fleet_terminal.command(command_id)["state"] == "pending"
    assert fleet_terminal.beat()
    assert fleet_terminal.ran == [("out_of_service", {"reason": "hardware", "message_zh": "维修中"})]
    state = fleet_terminal.command(command_id)
    assert state["state"] == "succeeded" and state["detail"] == {"done": "out_of_service"}
    assert fleet_terminal.beat()  # the hub hands out only commands without a result
    assert len(fleet_terminal.ran) == 1
    audited = [e for e in fleet_terminal.audit_entries() if e["kind"] == "command"]
    assert audited == [
        {
            "kind": "command",
            "at": audited[0]["at"],
            "command_id": command_id,
            "command": "out_of_service",
            "result": "succeeded",
        }
    ]


def test_a_command_delivered_but_unreported_is_not_run_again_after_a_restart(fleet_terminal, hub_server):
    command_id = fleet_terminal.issue("force_sync")
    store = HubStore(hub_server.db_path)
    key = store.terminal(hub_server.terminal_id).hmac_key
    delivered = CommandBook(store).deliver(hub_server.terminal_id, key)  # as in a lost heartbeat answer
    store.close()
    fleet_terminal.runner.run(delivered)
    assert fleet_terminal.ran == [("force_sync", {})]
    fleet_terminal.reopen()  # the terminal restarts before the result reached the hub
    assert fleet_terminal.command(command_id)["state"] == "delivered"
    assert fleet_terminal.beat()  # the hub hands it out again; the terminal reports, does not rerun
    assert fleet_terminal.ran == [("force_sync", {})]
    assert fleet_terminal.command(command_id)["state"] == "succeeded"
    outcome = fleet_terminal.runner.run(delivered)
    assert [o.result for o in outcome] == ["skipped"]


def test_unsigned_tampered_foreign_and_expired_commands_are_refused(fleet_terminal):
    unsigned = _signed(fleet_terminal, command="restart")
    del unsigned["signature"]
    tampered = _signed(fleet_terminal, command="set_speech_volume")
    tampered["args"] = {"volume": 1.0}
    wrong_key = _signed(fleet_terminal)
    wrong_key["signature"] = "0" * 64
    foreign = _signed(fleet_terminal, command="out_of_service")
    foreign["terminal_id"] = "T0002"
    foreign["signature"] = sign_command(fleet_terminal.client.credentials.hmac_key, foreign)
    expired = _signed(fleet_terminal, command="back_in_service", expires_at=int(time.time()) - 1)
    expired["signature"] = sign_command(fleet_terminal.client.credentials.hmac_key, expired)
    outcomes = fleet_terminal.runner.run([unsigned, tampered, wrong_key, foreign, expired])
    assert [(o.result, o.reason) for o in outcomes] == [
        ("refused", "bad_signature"),
        ("refused", "bad_signature"),
        ("refused", "bad_signature"),
        ("refused", "wrong_terminal"),
        ("refused", "expired"),
    ]
    assert fleet_terminal.ran == []
    reasons = [e.get("reason") for e in fleet_terminal.audit_entries() if e["kind"] == "command"]
    assert reasons == ["bad_signature", "bad_signature", "bad_signature", "wrong_terminal", "expired"]


def test_an_offline_terminal_picks_its_commands_up_when_the_hub_is_back(fleet_terminal, hub_server):
    hub_server.stop()
    assert not fleet_terminal.beat()
    command_id = fleet_terminal.issue("refresh_catalogue")  # issued while the terminal cannot hear
    hub_server.start()
    assert fleet_terminal.beat()
    assert fleet_terminal.ran == [("refresh_catalogue", {})]
    assert fleet_terminal.command(command_id)["state"] == "succeeded"


def test_a_failing_handler_marks_the_command_failed(fleet_terminal):
    from kiosk.remote_commands import CommandFailed

    def no_printer(_args):
        raise CommandFailed("not_ready")

    fleet_terminal.extra_handlers["upload_diagnostics"] = no_printer
    fleet_terminal.reopen()
    failing = fleet_terminal.issue("upload_diagnostics")
    unknown = fleet_terminal.issue("restart")  # this terminal has no handler for it
    assert fleet_terminal.beat()
    assert fleet_terminal.command(failing)["state"] == "failed"
    assert fleet_terminal.command(failing)["detail"] == {"reason": "not_ready"}
    assert fleet_terminal.command(unknown)["detail"] == {"reason": "unknown_command"}


def _hub(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hub", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_cli_issues_commands_and_shows_their_state(fleet_terminal, hub_server):
    db = str(hub_server.db_path)
    issued = _hub(
        "command", "issue", "--db", db, "--terminal", "T0001", "set_speech_volume", "--volume", "0.4"
    )
    assert issued.returncode == 0, issued.stderr
    command_id = issued.stdout.split()[0]
    listed = _hub("command", "list", "--db", db, "--terminal", "T0001")
    assert f"{command_id}  T0001  set_speech_volume" in listed.stdout and "pending" in listed.stdout
    assert fleet_terminal.beat()
    assert fleet_terminal.ran == [("set_speech_volume", {"volume": 0.4})]
    listed = _hub("command", "list", "--db", db)
    assert "succeeded" in listed.stdout
    bad = _hub("command", "issue", "--db", db, "--terminal", "T0001", "set_speech_volume", "--volume", "7")
    assert bad.returncode == 1 and "volume must be" in bad.stderr


def test_a_command_id_never_holds_a_run_of_digits_the_terminals_audit_refuses():
    import re

    from hub.commands import new_command_id
    from kiosk.audit import _LONG_DIGITS

    ids = {new_command_id() for _ in range(5000)}  # random hex ids had one in about seven
    assert len(ids) == 5000
    assert all(re.fullmatch(r"K[0-9a-f]{16}", i) and not _LONG_DIGITS.search(i) for i in ids)
