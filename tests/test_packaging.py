"""The Debian package as a technician gets it: scripts/build-deb builds it; apt installs it; the
unit passes `systemd-analyze verify`; the installed program runs as the kiosk user in cage (wlroots
headless backend) filling the screen with no title bar and stays through escape keys and a close
request; an upgrade keeps the edited config; remove, then purge, leave nothing behind.

One test, in steps: the package is installed system-wide, so nothing else may run beside it (a
second xdist worker would fight over dpkg's lock). About 3-6 minutes (build with a warm wheel cache
~1-4 min on a loaded machine, install ~40 s). Needs root (apt, runuser); the CI machine runs as root.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from hub.testing import start_hub
from kiosk.secrets import select_keyring_backend
from tests.support.notify_socket import NotifySocket, write_kiosk_config
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
OPT = Path("/opt/community-kiosk")
UNIT = Path("/lib/systemd/system/community-kiosk.service")
CONF = Path("/etc/community-kiosk/kiosk.toml")
DATA = Path("/var/lib/community-kiosk")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.packaging,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(os.geteuid() != 0, reason="installs a Debian package system-wide: needs root"),
]


def run(*command: str, check: bool = True, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def apt(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return run("apt-get", "-y", "-q", "-o", "Dpkg::Options::=--force-confold", *args, env=env)


def build_package() -> Path:
    done = run(str(ROOT / "scripts" / "build-deb"), timeout=1200)
    line = [x for x in done.stdout.splitlines() if x.startswith("build-deb: /")][-1]
    return Path(line.split()[1])


def check_contents(deb: Path) -> None:
    listing = run("dpkg-deb", "-c", str(deb)).stdout
    for path in (
        "./opt/community-kiosk/bin/python",
        "./etc/community-kiosk/kiosk.toml",
        "./lib/systemd/system/community-kiosk.service",
        "./usr/share/polkit-1/rules.d/60-community-kiosk-pcscd.rules",
        "./var/lib/community-kiosk/",
    ):
        assert path in listing, f"{path} not in the package"
    assert "udev/rules.d/" in listing and "community-kiosk.rules" in listing
    assert "site-packages/ui/strings/kiosk_zh.qm" in listing  # translations go with the program
    assert "site-packages/ui/assets/card-slot.svg" in listing  # and the screens' pictures
    assert "site-packages/PySide6/__init__.py" in listing  # kept when the add-ons are uninstalled
    assert "libQt6WebEngineCore" not in listing  # the add-ons are not shipped (packaging/README.md)
    # the pinyin dictionary compiled at build time (ui/input_engines/rime_prebuilt.py), not at a first start
    assert "./opt/community-kiosk/share/community-kiosk/rime/build/kiosk_pinyin.table.bin" in listing
    depends = run("dpkg-deb", "-f", str(deb), "Depends").stdout
    for needed in ("cage", "xwayland", "pcscd", "fonts-noto-cjk", "espeak-ng", "libwayland-client0", "adduser", "librime1", "libzinnia0"):
        assert needed in depends, f"Depends lacks {needed}: {depends}"
    conffiles = run("sh", "-c", f"dpkg-deb --ctrl-tarfile {deb} | tar -xO ./conffiles").stdout
    assert "/etc/community-kiosk/kiosk.toml" in conffiles
    size_kib = int(run("dpkg-deb", "-f", str(deb), "Installed-Size").stdout)
    assert size_kib < 250_000, f"installed size {size_kib} KiB"


def check_installed() -> None:
    user = pwd.getpwnam("kiosk")
    assert user.pw_uid < 1000 and user.pw_shell in ("/usr/sbin/nologin", "/bin/false")
    assert "kiosk" in grp.getgrnam("lp").gr_mem  # the USB printer's group (udev rule)
    data = DATA.stat()
    assert (data.st_uid, stat.S_IMODE(data.st_mode)) == (user.pw_uid, 0o750)
    assert stat.S_IMODE((DATA / "secrets").stat().st_mode) == 0o700
    # the venv is Debian's python3, which the kiosk user can run (the python3 first on PATH here is a
    # build under /root that it cannot)
    assert os.path.realpath(OPT / "bin" / "python").startswith("/usr/bin/python3")
    probe = run(
        "runuser", "-u", "kiosk", "--", str(OPT / "bin" / "python"), "-c",
        "import sys, ui.app, hub.app, offline_queue, drivers.printer.factory; print(sys.base_prefix)",
        cwd="/",
    )
    assert probe.stdout.strip() == "/usr"
    unit = UNIT.read_text()
    for directive in (
        "Type=notify", "WatchdogSec=", "NotifyAccess=all", "Restart=always", "NoNewPrivileges=yes",
        "ProtectSystem=strict", "ReadWritePaths=/var/lib/community-kiosk", "PrivateTmp=yes", "ProtectHome=yes",
        "StartLimitIntervalSec=", "StartLimitBurst=", "StartLimitAction=", "User=kiosk",
    ):
        assert directive in unit, f"the unit lacks {directive}"
    rules = list(Path("/lib/udev/rules.d").glob("*community-kiosk*")) + list(Path("/usr/lib/udev/rules.d").glob("*community-kiosk*"))
    assert rules, "no udev rule installed"
    text = rules[0].read_text()
    assert 'GROUP="lp"' in text and 'MODE="0660"' in text and 'MODE="0666"' not in text


def check_systemd_verify() -> None:
    done = run("systemd-analyze", "verify", str(UNIT), check=False)
    ours = [line for line in (done.stdout + done.stderr).splitlines() if "community-kiosk" in line]
    assert done.returncode == 0 and not ours, done.stdout + done.stderr


def _as_kiosk(env: dict[str, str], *command: str, **kwargs):
    pairs = [f"{k}={v}" for k, v in env.items()]
    return ["runuser", "-u", "kiosk", "--", "env", "-i", *pairs, *command]


def check_in_cage(folder: Path) -> dict:
    """The installed program in cage, headless; returns what was measured."""
    folder.chmod(0o755)
    data = folder / "data"
    run_dir = folder / "run"
    grab = folder / "grab"
    for d in (data / "secrets", run_dir, grab):
        d.mkdir(parents=True)
    keyring = f"file:{data / 'secrets' / 'keyring.cfg'}"
    select_keyring_backend(keyring)
    hub = start_hub(folder / "hub" / "hub.sqlite", terminal_id="T0001")  # enrols into that keyring
    config = write_kiosk_config(folder / "kiosk.toml", hub_url=hub.url, keyring=keyring, data_dir=data)
    kiosk = pwd.getpwnam("kiosk")
    for path in (data, data / "secrets", data / "secrets" / "keyring.cfg", run_dir, grab):
        os.chown(path, kiosk.pw_uid, kiosk.pw_gid)
    run_dir.chmod(0o700)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(folder),
        "XDG_RUNTIME_DIR": str(run_dir),
        "WLR_BACKENDS": "headless",
        "WLR_RENDERER": "pixman",
        "WLR_LIBINPUT_NO_DEVICES": "1",
        # what the unit sets
        "QT_QPA_PLATFORM": "wayland",
        "QT_WAYLAND_DISABLE_WINDOWDECORATION": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "KIOSK_TEST_HOOKS": "1",
        "KIOSK_TEST_GRAB_DIR": str(grab),
        "WATCHDOG_USEC": "2000000",
    }
    figures: dict = {}
    with NotifySocket() as sock:
        env["NOTIFY_SOCKET"] = sock.name  # abstract: the kiosk user may send to it
        # as systemd starts the unit: cage is the main process (WATCHDOG_PID), the kiosk its child
        command = _as_kiosk(
            env, "sh", "-c", 'export WATCHDOG_PID=$$; exec "$@"', "cage",
            "/usr/bin/cage", "-d", "--", str(OPT / "bin" / "python"), "-m", "ui", "--config", str(config),
        )
        log = (folder / "cage.log").open("wb")
        started = time.monotonic()
        cage = subprocess.Popen(command, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
        try:
            ready = sock.wait_for("READY=1", timeout_s=120)
            figures["start_to_ready_s"] = round(ready - started, 2)
            assert "STATUS=showing ATTRACT" in [m for _, m in sock.messages()]
            # pings although WATCHDOG_PID names cage: the kiosk is its child (NotifyAccess=all)
            wait_for(lambda: len(sock.messages("WATCHDOG=1")) >= 3, "watchdog pings from inside cage", timeout_s=30)

            def grab_now() -> dict:
                (grab / "grab.json").unlink(missing_ok=True)
                (grab / "request").touch()
                os.chown(grab / "request", kiosk.pw_uid, kiosk.pw_gid)
                wait_for(lambda: (grab / "grab.json").exists(), "Qt's grab", timeout_s=30)
                return json.loads((grab / "grab.json").read_text())

            facts = grab_now()
            shot = folder / "run" / "screen.png"
            grim = run(*_as_kiosk({"XDG_RUNTIME_DIR": str(run_dir), "WAYLAND_DISPLAY": "wayland-0"}, "grim", str(shot)), check=False)
            figures["grim"] = grim.returncode
            from PIL import Image

            output_size = Image.open(shot).size if grim.returncode == 0 else None
            figures["output"] = output_size
            # the window is the whole output: cage's output as grim sees it, and Qt's screen
            assert facts["screen"][2:] == list(output_size), (facts, output_size)
            assert facts["window"] == facts["screen"] == facts["frame"], facts  # no frame around it
            # full screen as the compositor grants it (cage 0.1.4 maximises), frameless, no decoration margins
            assert (facts["fullscreen"] or facts["maximized"]) and facts["frameless"], facts
            assert facts["margins"] == [0, 0], facts
            assert facts["step"] == "ATTRACT"
            image = Image.open(grab / "grab.png").convert("RGB")
            assert list(image.size) == facts["screen"][2:]
            check_attract_pixels(image)
            # nothing failed on the way, even contained: a screen whose pictograms could not load
            # (the venv's PySide6 lost its __init__.py) still painted, and only the log said so
            log.flush()
            started_log = (folder / "cage.log").read_text(errors="replace")
            assert "(message withheld)" not in started_log, started_log[-3000:]

            # escape attempts, delivered through Qt's platform plugin inside cage (see packaging/README.md
            # for why wtype cannot type into Debian 12's cage)
            wtype = run(*_as_kiosk({"XDG_RUNTIME_DIR": str(run_dir), "WAYLAND_DISPLAY": "wayland-0"},
                                   "wtype", "-M", "alt", "-k", "F4", "-m", "alt"), check=False)
            figures["wtype"] = (wtype.returncode, wtype.stderr.strip()[:80])
            (grab / "escape").touch()
            os.chown(grab / "escape", kiosk.pw_uid, kiosk.pw_gid)
            wait_for(lambda: not (grab / "escape").exists(), "the escape keys delivered", timeout_s=30)
            time.sleep(1.0)
            after = grab_now()
            assert cage.poll() is None, "cage (and the kiosk) ended after the escape keys"
            assert after["visible"] and after["step"] == "ATTRACT", after
            assert (after["fullscreen"], after["maximized"]) == (facts["fullscreen"], facts["maximized"])
            assert after["window"] == facts["window"]
            assert len(sock.messages("READY=1")) == 1  # the same process: not restarted
            # its pinyin came from the package's prebuilt data: the new data folder compiled nothing
            # (librime writes user.yaml when its start-up check is done)
            rime = data / "rime"
            wait_for(lambda: (rime / "user.yaml").exists(), "the pinyin engine started", timeout_s=60)
            assert (rime / "kiosk-data.digest").read_text().startswith("prebuilt")
            assert not sorted(p.name for p in (rime / "build").glob("*.bin"))
        except AssertionError as exc:  # say why: the program's own words from inside cage
            log.flush()
            tail = (folder / "cage.log").read_text(errors="replace")[-4000:]
            raise AssertionError(f"{exc}\n--- cage.log (tail) ---\n{tail}") from exc
        finally:
            cage.terminate()
            try:
                cage.wait(20)
            except subprocess.TimeoutExpired:
                cage.kill()
            log.close()
            hub.stop()
    return figures


def check_attract_pixels(image) -> None:
    """The attract screen from edge to edge: the standard theme's colours in every corner and no
    band of another colour (a title bar) along the top."""
    from ui.theme import STANDARD

    def rgb(hex_colour: str) -> tuple[int, int, int]:
        return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))

    theme = {rgb(c) for c in (STANDARD.palette.background, STANDARD.palette.surface)}
    w, h = image.size
    corners = [image.getpixel(p) for p in ((1, 1), (w - 2, 1), (1, h - 2), (w - 2, h - 2))]
    assert all(c in theme for c in corners), (corners, theme)
    # a title bar would be a band of its own colour across the top: the window's own colours go
    # right up to the first row at both edges
    edges = {image.getpixel((x, y)) for x in (1, w - 2) for y in range(0, 40)}
    assert edges <= theme, edges


def test_the_package_builds_installs_runs_in_cage_keeps_its_config_and_purges_cleanly(tmp_path):
    for tool in ("dpkg-buildpackage", "dh_virtualenv", "cage", "grim", "systemd-analyze"):
        assert shutil.which(tool), f"{tool} missing: scripts/bootstrap.sh installs it"
    started = time.monotonic()
    deb = build_package()
    built = time.monotonic()
    check_contents(deb)
    if run("dpkg-query", "-W", "community-kiosk", check=False).returncode == 0:
        apt("purge", "community-kiosk")  # a left-over from an interrupted run
    apt("install", str(deb))
    try:
        installed = time.monotonic()
        check_installed()
        check_systemd_verify()
        with tempfile.TemporaryDirectory(prefix="kiosk-cage-") as folder:  # /tmp: the kiosk user can enter
            figures = check_in_cage(Path(folder))
        # an upgrade (here: the same version again) keeps the technician's config
        CONF.write_text(CONF.read_text().replace('terminal_id = "T0001"', 'terminal_id = "T0042"'))
        apt("install", "--reinstall", str(deb))
        assert 'terminal_id = "T0042"' in CONF.read_text()
        (DATA / "outbox.sqlite").write_bytes(b"")  # data a running terminal leaves
    finally:
        apt("remove", "community-kiosk")
    assert not OPT.exists(), sorted(p.name for p in OPT.rglob("*"))[:20]
    assert CONF.exists() and DATA.exists()  # remove keeps config and data; purge takes them
    apt("purge", "community-kiosk")
    for gone in (OPT, CONF.parent, DATA, UNIT):
        assert not gone.exists(), f"{gone} left after purge"
    with pytest.raises(KeyError):
        pwd.getpwnam("kiosk")
    print(
        f"\npackage: build {built - started:.0f} s, install {installed - built:.0f} s, {deb.stat().st_size / 2**20:.0f} MB;"
        f" in cage: {figures}"
    )
