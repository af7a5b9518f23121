"""The pinyin data compiled once at build time, so no terminal compiles it at start.

Why: the kiosk's dictionary (luna pinyin + `service_words.py`) is a new table for librime: compiling it
takes 7 s on an idle machine and 15 s under load, and a terminal did it on its first start, as each
test worker did. Here it is compiled once into a folder librime takes as its shared data:

    <folder>/                 links to Debian's /usr/share/rime-data files, our files (kiosk_files())
    <folder>/build/           librime's prebuilt folder: Debian's compiled files (links) and ours
    <folder>/kiosk-data.digest  what our files were (rime.data_digest()): a folder made from other
                              words is not used (rime.prebuilt_ready)

Made by `scripts/bootstrap.sh` (the dev venv: `.venv/share/community-kiosk/rime`) and by the .deb
build (`/opt/community-kiosk/share/community-kiosk/rime`): `python -m ui.input_engines.rime_prebuilt
[FOLDER]`, or `--if-stale` to build only when missing or stale. librime checks its own inputs too: a
terminal with other Debian luna data (the tables' checksums differ) compiles into its data folder.

Our files get a fixed modification time: librime records the sources' times in the compiled schema
and compiles again when they differ; a time from the build machine would differ on the terminal
(dpkg clamps times to the release date), so the schema and its prism would be compiled at each start.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from ui.input_engines.rime import (
    DIGEST_FILE,
    PREBUILT_DIR,
    SHARED_DATA_DIR,
    RimeEngine,
    data_digest,
    kiosk_files,
    prebuilt_ready,
)

SOURCE_MTIME = 1_600_000_000  # 2020-09-13: older than any release date dpkg would clamp to


def build(target: Path, shared_dir: Path = SHARED_DATA_DIR) -> float:
    """Compile into `target` (replaced whole once done); seconds taken. Starts librime in this
    process, which can start it only once: run it in a process of its own (`ensure`, `main`)."""
    started = time.monotonic()
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "build").mkdir(parents=True)
    for entry in shared_dir.iterdir():
        if entry.is_file():
            (staging / entry.name).symlink_to(entry)
    for entry in (shared_dir / "build").iterdir():
        (staging / "build" / entry.name).symlink_to(entry)
    for name, text in kiosk_files():
        path = staging / name
        path.write_text(text, encoding="utf-8")
        os.utime(path, (SOURCE_MTIME, SOURCE_MTIME))
    with tempfile.TemporaryDirectory() as tmp:
        user_dir = Path(tmp)
        (user_dir / "log").mkdir()
        engine = RimeEngine._setup(user_dir, staging)  # compiles what librime finds missing into user_dir/build
        engine._finalize()
        atexit.unregister(engine._finalize)
        for compiled in (user_dir / "build").iterdir():
            dest = staging / "build" / compiled.name
            dest.unlink(missing_ok=True)  # a link to Debian's file of that name (stroke's prism)
            shutil.move(compiled, dest)
    (staging / DIGEST_FILE).write_text(data_digest() + "\n", encoding="utf-8")
    if target.exists():
        shutil.rmtree(target)
    os.replace(staging, target)
    return time.monotonic() - started


def ensure(target: Path = PREBUILT_DIR) -> bool:
    """Build `target` in a child process unless it is current; True when it was not current.
    Concurrent builders (test workers, a bootstrap beside a test run) wait for one build: the
    child takes the lock (`main`)."""
    if prebuilt_ready(target):
        return False
    # this module run as a program: its name from its spec, not spelt out (a dotted literal reads
    # like a message key to the words check)
    subprocess.run([sys.executable, "-m", __spec__.name, "--if-stale", str(target)], check=True)
    return True


@contextlib.contextmanager
def _one_builder(target: Path) -> Iterator[None]:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="compile the kiosk's pinyin data once, at build time")
    parser.add_argument("folder", nargs="?", type=Path, default=PREBUILT_DIR)
    parser.add_argument("--if-stale", action="store_true", help="only when missing or made from other files")
    args = parser.parse_args(argv)
    with _one_builder(args.folder):  # a second builder waits, then finds it current
        if args.if_stale and prebuilt_ready(args.folder):
            return 0
        seconds = build(args.folder)
    print(f"rime_prebuilt: {args.folder} compiled in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
