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
    # another port is another demo, in a folder of its own (walk 12: a second run-kiosk on another
    # port shared var/demo with the first — the hub's file, the keyring, whose new enrolment refused
    # the first kiosk, and the outbox, which the second kiosk then started without)
    import tomllib

    own = ROOT / "var" / f"demo-{port}"
    try:
        config = tomllib.loads((own / "kiosk.toml").read_text())
        assert config["data_dir"] == f"{own}/kiosk"
        assert config["keyring_backend"] == f"file:{own}/keyring.cfg"
    finally:
        _forget_demo(port)


def _forget_demo(port: int) -> None:
    import shutil

    shutil.rmtree(ROOT / "var" / f"demo-{port}", ignore_errors=True)


def test_fullscreen_on_the_command_line_wins_over_the_demo_configuration_and_hides_the_devices_window():
    from ui.__main__ import parse_args, screen_mode

    # packaging/demo.toml says fullscreen = false: before, that won and --fullscreen opened a window
    assert screen_mode(parse_args(["--config", "demo.toml", "--fullscreen", "--dev"]), False) == (True, False)
    assert screen_mode(parse_args(["--config", "demo.toml", "--windowed", "--dev"]), True) == (False, True)
    assert screen_mode(parse_args(["--config", "t.toml"]), True) == (True, False)
    assert screen_mode(parse_args(["--config", "demo.toml", "--dev"]), False) == (False, True)


def test_run_kiosk_passes_fullscreen_through_and_the_devices_window_only_when_windowed():
    script = (ROOT / "scripts" / "run-kiosk").read_text()
    assert "UI_ARGS+=(--fullscreen); else UI_ARGS+=(--windowed --dev)" in script


def test_a_fullscreen_kiosk_window_is_frameless_with_no_minimise_button(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from ui.app import show

    window = QWidget()
    qtbot.addWidget(window)
    show(window, fullscreen=True)
    flags = window.windowFlags()
    assert window.isFullScreen()
    assert window.geometry() == window.screen().geometry()  # also without a window manager
    assert flags & Qt.WindowType.FramelessWindowHint
    assert not flags & Qt.WindowType.WindowMinimizeButtonHint


FULLSCREEN_PROBE = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
from ui.app import show
app = QApplication([])
window = QWidget()
show(window, fullscreen=True)
for _ in range(20):
    app.processEvents()
g, s = window.geometry(), window.screen().geometry()
print(g.width(), g.height(), s.width(), s.height())
"""


def _run_in_xvfb_1280x800(probe: str) -> subprocess.CompletedProcess:
    """`probe` (Python source) run on a fresh Xvfb of the README's 1280x800, no window manager."""
    import os
    import sys

    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            display = pipe.readline().strip()
        return subprocess.run(
            [sys.executable, "-c", probe],
            cwd=ROOT,
            env={**os.environ, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def test_fullscreen_covers_a_bare_x_server_without_a_window_manager(tmp_path):
    # Xvfb with no window manager, as the walk in a real X window found it: the window stayed
    # 663x300 in a corner, because full-screen state is only a request to a window manager

    done = _run_in_xvfb_1280x800(FULLSCREEN_PROBE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1280", "800", "1280", "800"]


def test_run_kiosk_not_enrolled_starts_a_fresh_terminal_that_waits_for_the_code_it_prints(tmp_path):
    """`scripts/run-kiosk --not-enrolled`: an empty data folder and keyring, no enrolment, the kiosk
    up and "not enrolled", and a code printed that the hub accepts for T0001."""
    import os
    import re
    import signal
    import socket
    import time

    from kiosk.enrolment import exchange_code

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, KIOSK_HUB_PORT=str(port), QT_QPA_PLATFORM="offscreen")
    log = (tmp_path / "run.log").open("w+")
    proc = subprocess.Popen(
        ["scripts/run-kiosk", "--not-enrolled"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        text = ""
        while time.monotonic() < deadline and "ready: first screen painted" not in text:
            time.sleep(0.5)
            text = (tmp_path / "run.log").read_text(errors="replace")
            assert proc.poll() is None, text[-2000:]
        assert "terminal not enrolled" in text, text[-2000:]
        code = re.search(r"^([0-9A-Z]{5}-[0-9A-Z]{5})  \(terminal T0001", text, re.M)
        assert code, text[-2000:]
        keyring = ROOT / "var" / "demo-unenrolled" / "keyring.cfg"  # the outbox's key may be in it, no hub token
        assert not keyring.exists() or "hub-token" not in keyring.read_text()
        assert exchange_code(f"http://127.0.0.1:{port}", code.group(1), "T0001").terminal_id == "T0001"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)  # the kiosk shuts down cleanly, then run-kiosk stops the hub
        log.close()
        _forget_demo(port)


def test_run_kiosk_help_lists_every_option_on_a_line_of_its_own_and_exits_0():
    # before: "run-kiosk: unknown option --help", exit 2, after installing the Debian packages
    script = (ROOT / "scripts" / "run-kiosk").read_text()
    # the options the script's own parser takes, from its `case` lines
    import re

    taken = set(re.findall(r"^\s+(--[a-z-]+)\)", script, re.M)) | {"-h", "--help"}
    assert {"--size", "--fullscreen", "--not-enrolled"} <= taken
    for asked in ("--help", "-h"):
        done = subprocess.run(
            ["scripts/run-kiosk", asked], cwd=ROOT, capture_output=True, text=True, timeout=30,
            env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp"},
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Usage: scripts/run-kiosk"), done.stdout
        lines = done.stdout.splitlines()
        for option in taken:
            described = [line for line in lines if re.match(rf"\s+(-h, )?{re.escape(option)}\b", line)]
            if option == "-h":
                described = [line for line in lines if line.strip().startswith("-h, --help")]
            assert len(described) == 1, f"{asked}: {option} is not on one line of its own:\n{done.stdout}"
        assert not done.stderr
    wrong = subprocess.run(
        ["scripts/run-kiosk", "--sise", "1080x1920"], cwd=ROOT, capture_output=True, text=True, timeout=30,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp"},
    )
    assert wrong.returncode == 2
    assert "unknown option --sise" in wrong.stderr and "--size WxH" in wrong.stderr


def test_the_devices_window_goes_beside_the_kiosk_when_it_fits_and_never_off_the_screen():
    from PySide6.QtCore import QRect, QSize

    from ui.dev_panel import FRAME_PX, devices_window_place

    panel = QSize(260, 420)
    wide = QRect(0, 0, 1920, 1080)
    beside = devices_window_place(wide, QRect(0, 0, 1280, 800), panel)
    assert beside.x() >= 1280 and beside.y() == 0  # right of the kiosk
    # the README's default window on a 1280x800 laptop screen: before, x=1300, wholly off the screen
    for screen, kiosk in (
        (QRect(0, 0, 1280, 800), QRect(0, 0, 1280, 800)),
        (QRect(0, 0, 1366, 768), QRect(0, 0, 1280, 800)),
        (QRect(0, 0, 1280, 1024), QRect(200, 100, 1080, 1920)),
        (QRect(1920, 0, 1280, 800), QRect(1920, 0, 1280, 800)),  # the second monitor
    ):
        place = devices_window_place(screen, kiosk, panel)
        room = QRect(place, QSize(panel.width() + FRAME_PX // 2, panel.height() + FRAME_PX))
        assert screen.contains(room), f"{room} off {screen} (kiosk {kiosk})"
    left = devices_window_place(QRect(0, 0, 1920, 1080), QRect(600, 0, 1280, 800), panel)
    assert left.x() + panel.width() <= 600  # left of the kiosk when only that side has room


DEVICES_PROBE = """
import sys
from PySide6.QtWidgets import QApplication, QWidget
from ui.app import show
from ui.dev_panel import DemoDevices, show_devices_window
app = QApplication([])
window = QWidget()
show(window, fullscreen=False, size=(1280, 800))
for _ in range(20):
    app.processEvents()
panel = show_devices_window(window, DemoDevices(None, None))
for _ in range(20):
    app.processEvents()
g, s = panel.frameGeometry(), panel.screen().geometry()
print(g.x(), g.y(), g.right(), g.bottom(), s.width(), s.height())
"""


def test_the_devices_window_of_windowed_dev_is_on_a_1280_wide_x_screen():
    """What `python -m ui --windowed --dev` does (ui/__main__.py calls show_devices_window), in a
    real X server of the README's 1280x800: the devices window lies wholly on the screen."""

    done = _run_in_xvfb_1280x800(DEVICES_PROBE)
    assert done.returncode == 0, done.stderr
    x, y, right, bottom, width, height = (int(v) for v in done.stdout.split())
    assert (width, height) == (1280, 800)
    assert 0 <= x and 0 <= y and right < width and bottom < height, done.stdout
    ui_main = (ROOT / "ui" / "__main__.py").read_text()
    assert "show_devices_window(terminal.window, devices)" in ui_main


def test_the_demo_asks_the_technician_for_the_pin_the_readme_gives():
    # a fresh-eyes walk found the demo's technician card opened maintenance (and "quit") with no PIN
    from kiosk.config import load_config
    from ui.technician_pin import pin_matches

    config = load_config(ROOT / "packaging" / "demo.toml")
    assert config.ui.technician_pin_hash and pin_matches("246810", config.ui.technician_pin_hash)
    assert "demo PIN 246810" in (ROOT / "README.md").read_text()
