"""The file keyring of demo runs and tests under concurrent use: a reader never finds a stored secret
missing while another process writes (CI once saw a terminal's card salt "not enrolled" mid-test),
two writers never drop each other's entries, and a writer killed mid-write never tears the file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import keyring

from kiosk.secrets import SERVICE, card_hash_salt, store_card_hash_salt

ROOT = Path(__file__).resolve().parent.parent

_WRITER = textwrap.dedent(
    """
    import sys
    import keyring
    from kiosk.secrets import SERVICE, select_keyring_backend
    select_keyring_backend("file:" + sys.argv[1])
    prefix, count = sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    n = 0
    while count == 0 or n < count:
        keyring.set_password(SERVICE, f"{prefix}/{n if count else n % 7}", "v" * (n % 300 + 1))
        n += 1
    """
)


def _writer(path: Path, prefix: str, count: int, wait: bool = True) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), prefix, str(count)],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        text=True,
    )
    if wait:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def test_a_reader_never_finds_a_stored_secret_missing_while_another_process_writes(file_keyring, tmp_path):
    store_card_hash_salt("T0001", b"fleet-salt-0123456789abcdef")
    writer = _writer(tmp_path / "keyring.cfg", "churn", 0)
    try:
        missing, reads = 0, 0
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            reads += 1
            if keyring.get_password(SERVICE, "card-hash-salt/T0001") is None:
                missing += 1
        assert writer.poll() is None, "the writer stopped on its own"
    finally:
        writer.kill()
        writer.wait()
    assert missing == 0, f"the salt read as missing {missing} times in {reads} reads"
    assert card_hash_salt("T0001") == b"fleet-salt-0123456789abcdef"


def test_two_processes_writing_at_once_keep_every_entry(file_keyring, tmp_path):
    path = tmp_path / "keyring.cfg"
    writers = [_writer(path, name, 150, wait=False) for name in ("first", "second")]
    for writer in writers:
        assert writer.wait(120) == 0
    names = [f"{name}/{n}" for name in ("first", "second") for n in range(150)]
    lost = [name for name in names if keyring.get_password(SERVICE, name) is None]
    assert lost == [], f"{len(lost)} of {len(names)} entries lost between two writers"


def test_a_writer_killed_mid_write_leaves_the_file_whole(file_keyring, tmp_path):
    path = tmp_path / "keyring.cfg"
    keyring.set_password(SERVICE, "hub-token/T0001", "token-that-must-survive")
    for kill in range(15):
        writer = _writer(path, f"kill{kill}", 0)
        time.sleep(0.005 * (kill % 5))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        assert keyring.get_password(SERVICE, "hub-token/T0001") == "token-that-must-survive", kill
