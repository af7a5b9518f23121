"""The attract screen comes up before the heavy parts load (issue 6's cold-start target).

The outbox (sqlite-utils, cryptography), the hub client (requests) and the printer library (escpos)
are built in a worker after the first paint; importing the composition must not pull them in.
"""

import subprocess
import sys

HEAVY = [
    "sqlite_utils",
    "cryptography",
    "requests",
    "escpos",
    "offline_queue.outbox",
    "offline_queue.sync_worker",
    "kiosk.hub_client",
    "drivers.printer.escpos_printer",
]


def test_importing_the_kiosk_composition_leaves_the_heavy_parts_for_later():
    probe = f"import sys, ui.app; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_the_lazy_queue_package_still_exports_its_names():
    probe = "from offline_queue import Outbox, SyncWorker; print(Outbox.__name__, SyncWorker.__name__)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["Outbox", "SyncWorker"]
