"""The audit file's pages do not stay in the terminal's memory as the file grows (the 100,000-session
soak: RSS outside the anonymous part +10 MB). It was read through a map of up to 1 GiB for the
verification's speed, and every page a sealed block or a heartbeat's upload read through it stayed
in the process: +1.4 MB for 20,000 entries, +3.7 MB for 60,000. Now only a verification maps it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# a process of its own, so nothing else of the test run is in its figures
_CHILD = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from kiosk.audit import AuditLog

def mapped_mb():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        fields[key] = value
    return sum(int(fields[k].split()[0]) for k in ("RssFile", "RssShmem")) / 1024

log = AuditLog.open(Path(sys.argv[2]))
log.append("session_end", reason="done")
before = mapped_mb()
for i in range(int(sys.argv[3])):
    log.append("transaction", service_id="repair.public_area", outcome="submitted", printed=True)
    if i % 500 == 0:
        log.entries_after(max(0, i - 400))  # a heartbeat uploads the newest entries
appended = mapped_mb()
result = log.verify()
log.append("session_end", reason="done")
after_verify = mapped_mb()
print(json.dumps({"appended": appended - before, "after_verify": after_verify - before, "ok": result.ok}))
"""


def test_appending_and_uploading_keep_no_page_of_the_audit_file_in_memory(tmp_path):
    # tmpfs where there is one (no fsync cost: 40,000 entries in ~1 s); a mapped page of it counts
    # in RssShmem, of a file on disk in RssFile: both are counted
    shm = Path("/dev/shm")
    folder = Path(os.environ.get("KIOSK_TEST_SHM", shm)) if shm.is_dir() else tmp_path
    folder = folder / f"audit-memory-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, str(ROOT), str(folder / "audit.sqlite"), "40000"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
    assert figures["ok"]
    # with the map: ~2.5 MB for 40,000 entries (12 MB of file); without it nothing but noise
    assert figures["appended"] < 1.0, f"the audit file's pages stayed in memory: {figures}"
    assert figures["after_verify"] < 1.0, f"a verification left the file mapped: {figures}"
