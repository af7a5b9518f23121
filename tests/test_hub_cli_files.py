"""The hub's command line and the files it is pointed at: `--db` refuses a hub file that does not
exist (except the commands that make one), `audit verify` refuses an unknown terminal, and the
README's examples name the files `scripts/run-kiosk` keeps and references in the real format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.local_ref import LocalRef
from hub.__main__ import main as hub_cli
from hub.__main__ import seed_demo_cases
from hub.store import HubStore

ROOT = Path(__file__).resolve().parents[1]
RUN_KIOSK = (ROOT / "scripts" / "run-kiosk").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv",
    [
        ["cases"],
        ["show", "C0000001"],
        ["advance", "C0000001", "in_progress"],
        ["terminals"],
        ["command", "issue", "--terminal", "T0001", "restart"],
        ["command", "list"],
        ["command", "show", "K00"],
        ["audit", "verify", "--terminal", "T0001"],
        ["enrolment-code", "--terminal", "T0001", "--group", "demo"],
        ["revoke", "--terminal", "T0001"],
        ["staff", "list"],
    ],
)
def test_a_command_refuses_a_hub_file_that_does_not_exist_and_creates_none(tmp_path, capsys, argv):
    missing = tmp_path / "var" / "hub.sqlite"
    assert hub_cli([*argv, "--db", str(missing)]) == 2
    assert f"no hub database at {missing}" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()


def test_seed_and_staff_add_make_a_hub_where_there_is_none(tmp_path):
    db = tmp_path / "new" / "hub.sqlite"
    password = tmp_path / "pw.txt"
    password.write_text("a long enough password\n", encoding="utf-8")
    argv = ["staff", "add", "--db", str(db), "--username", "admin", "--role", "administrator"]
    assert hub_cli([*argv, "--password-file", str(password)]) == 0
    assert db.is_file()
    seeded = tmp_path / "seeded.sqlite"
    assert hub_cli(["seed", "--db", str(seeded)]) == 0 and seeded.is_file()


def test_audit_verify_refuses_a_terminal_the_hub_does_not_know(tmp_path, capsys):
    db = tmp_path / "hub.sqlite"
    HubStore(db).close()
    assert hub_cli(["audit", "verify", "--db", str(db), "--terminal", "T0001"]) == 1
    assert "no terminal T0001 in this hub" in capsys.readouterr().err


def test_the_readme_s_commands_use_the_demo_s_files_and_real_references(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'DEMO="$ROOT/var/demo"' in RUN_KIOSK and 'HUB_DB="$DEMO/hub.sqlite"' in RUN_KIOSK
    assert 'FRESH="$ROOT/var/demo-unenrolled"' in RUN_KIOSK
    files = re.findall(r"--db (\S+)", readme)
    assert files, "the README shows no --db"
    for path in files:
        assert path.startswith("postgresql://") or path in (
            "var/demo/hub.sqlite",
            "var/demo/kiosk/audit.sqlite",
        ), path
    # every local reference the README shows parses in the format the terminal prints
    for ref in re.findall(r"\bT\d{4}-[0-9A-Z]+-\d+(?:-\d+)?\b", readme):
        assert LocalRef.is_valid(ref), ref
    # the README's hub commands work on the demo's hub as run-kiosk seeds it
    demo = tmp_path / "var" / "demo" / "hub.sqlite"
    store = HubStore(demo)
    seed_demo_cases(store)
    store.close()
    advance = re.search(r"python -m hub (advance \S+ \S+) --db var/demo/hub.sqlite", readme).group(1).split()
    assert hub_cli([*advance, "--db", str(demo)]) == 0
