"""scripts/run-kiosk, the README's way to try the kiosk: it refuses to start beside a running one."""

from __future__ import annotations

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Healthy(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args) -> None:
        pass


def test_a_second_run_kiosk_says_the_first_is_still_open_instead_of_starting_without_its_outbox():
    # something (the first run's hub) already answers /healthz on the port: before, the second run
    # took that for its own hub, said "hub on ...", and opened a kiosk whose outbox the first one held
    server = HTTPServer(("127.0.0.1", 0), _Healthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        done = subprocess.run(
            ["scripts/run-kiosk"],
            cwd=ROOT,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "KIOSK_HUB_PORT": str(port), "HOME": "/tmp"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 1
    assert f"already answers on 127.0.0.1:{port}" in done.stderr
    assert "KIOSK_HUB_PORT" in done.stderr
    assert "starting the kiosk" not in done.stdout
