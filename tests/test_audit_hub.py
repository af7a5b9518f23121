"""The audit trail at the hub: every heartbeat carries the chain head, the terminal uploads what the
hub does not hold, and the hub flags a chain that went backwards (truncated) or whose earlier head
no longer matches (rewritten); `python -m hub audit verify` says OK or names the problem."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from contract.audit_chain import GENESIS, canonical_entry, chain_hash
from hub.store import HubStore

ROOT = Path(__file__).resolve().parent.parent


def _fill(terminal, n: int) -> None:
    for _ in range(n):
        terminal.audit.append("session_end", reason="finished")


def _hub_verify(hub) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "hub",
            "audit",
            "verify",
            "--db",
            str(hub.db_path),
            "--terminal",
            hub.terminal_id,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_heartbeats_carry_the_head_and_the_hub_holds_a_verified_copy(fleet_terminal, hub_server):
    _fill(fleet_terminal, 1200)  # more than one upload batch
    assert fleet_terminal.beat()
    result, flags = fleet_terminal.hub_audit()
    assert result.ok and result.checked == 1200 and result.head == fleet_terminal.audit.head()
    assert flags == []
    store = HubStore(hub_server.db_path)
    beat = store.last_heartbeat(hub_server.terminal_id)
    store.close()
    assert beat["health"]["audit"] == {"seq": 1200, "h": fleet_terminal.audit.head().h}
    verified = _hub_verify(hub_server)
    assert verified.returncode == 0 and verified.stdout.startswith("OK: 1200 entries")
    # the hub confirmed the head: the terminal's own verify now also catches a deleted tail
    assert fleet_terminal.audit.verify().ok
    _fill(fleet_terminal, 3)
    assert fleet_terminal.beat()
    assert fleet_terminal.hub_audit()[0].checked == 1203


def test_a_truncated_chain_is_flagged(fleet_terminal, hub_server):
    _fill(fleet_terminal, 10)
    assert fleet_terminal.beat()
    conn = sqlite3.connect(str(fleet_terminal.audit_path), isolation_level=None)
    conn.execute("DELETE FROM entries WHERE seq > 6")
    conn.close()
    fleet_terminal.reopen()
    assert not fleet_terminal.audit.verify().ok  # against the head the hub confirmed
    assert fleet_terminal.beat()
    _, flags = fleet_terminal.hub_audit()
    assert [(f.problem, f.seq) for f in flags] == [("truncated", 6)]
    verified = _hub_verify(hub_server)
    assert verified.returncode == 1 and "truncated at seq 6" in verified.stdout


def test_a_rewritten_chain_is_flagged_even_when_every_hash_was_recomputed(fleet_terminal, hub_server):
    _fill(fleet_terminal, 8)
    assert fleet_terminal.beat()
    # an attacker rewrites entry 5 and recomputes the whole chain after it: locally consistent
    conn = sqlite3.connect(str(fleet_terminal.audit_path), isolation_level=None)
    prev = bytes(conn.execute("SELECT h FROM entries WHERE seq = 4").fetchone()[0])
    for seq, entry in conn.execute("SELECT seq, entry FROM entries WHERE seq >= 5 ORDER BY seq").fetchall():
        if seq == 5:
            entry = canonical_entry({"kind": "session_end", "reason": "cancelled"})
        prev = chain_hash(prev, seq, bytes(entry))
        conn.execute("UPDATE entries SET entry = ?, h = ? WHERE seq = ?", (entry, prev, seq))
    conn.execute("DELETE FROM witness")
    conn.close()
    fleet_terminal.reopen()
    assert fleet_terminal.audit.verify().ok  # nothing on the terminal alone can tell
    assert fleet_terminal.beat()
    _, flags = fleet_terminal.hub_audit()
    assert ("rewritten", 8) in [(f.problem, f.seq) for f in flags]
    verified = _hub_verify(hub_server)
    assert verified.returncode == 1 and "rewritten" in verified.stdout


def test_an_upload_that_does_not_chain_is_refused_and_flagged(fleet_terminal, hub_server):
    _fill(fleet_terminal, 3)
    assert fleet_terminal.beat()
    forged = canonical_entry({"kind": "session_end", "reason": "finished"})
    from kiosk.hub_api import HubRefused

    try:
        fleet_terminal.client.upload_audit(
            [{"seq": 4, "h": chain_hash(GENESIS, 4, forged).hex(), "entry": forged.decode()}]
        )
    except HubRefused as exc:
        assert exc.status == 422 and exc.error == "audit_broken"
    else:
        raise AssertionError("a forged entry was accepted")
    assert [f.problem for f in fleet_terminal.hub_audit()[1]] == ["broken"]


def test_an_old_terminal_without_the_audit_head_still_gets_its_heartbeat_through(hub_server):
    answer = hub_server.client().heartbeat({"queue": {"depth": 0}})
    assert answer["ok"] is True and answer["commands"] == [] and answer["audit"]["seq"] == 0
