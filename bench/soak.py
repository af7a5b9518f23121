"""24/7 soak: many resident sessions through one long-lived terminal, watching for leaks.

The terminal is the real composition (ui.app.build_terminal: session, window with its screens
offscreen, the real outbox file with its sync worker and heartbeat, the simulated card reader and
printer) against the reference hub in its own process. Sessions are driven the way the screens drive
the session (the same method calls a tap makes; the window renders every view), and time is
compressed through the injected clock: an inactivity timeout is a jump of the clock, not a wait.

The mix, in turn: a submission with the resident card (outbox, sync to the hub, printed receipt), a
progress query by reference (hub), a window ticket (hub, printed), an inactivity timeout mid-form,
and a card pulled out mid-form. RSS, open file descriptors and threads are printed at the start,
every `--report-every` sessions and at the end; the goal is RSS growth <= 5 MB and no fd or thread
growth (after a warm-up: the first sessions load code, fonts and caches once).

Every `--render-every`-th session (default 25) goes through the screens as well: the window rebuilds
its widgets for each view, which costs ~1 s a session on a loaded 2-core machine, so 100,000 rendered
sessions would take a day. In between, the window is unsubscribed for the session and sees its end.

Each report gives RSS, RSS after gc + malloc_trim(0) (what is only freed memory glibc keeps goes),
the anonymous part of that (RssAnon: RSS also counts the pages of the libraries and fonts, which a
loaded machine's kernel takes back and pages in again, so RSS moved by -14 MB in one run), malloc's bytes in use (mallinfo2: grows with a native leak, not with fragmentation), SQLite's own
share of it (sqlite3_memory_used: page caches), open fds and threads. Switches to find a leak:
`--kinds` (one kind of session), `--no-screens`, `--render-every 0`, `--idle-minutes` (growth with
time or with sessions?), `--census` (Python types and Qt objects that grew), `--tracemalloc`,
`--pixmap-cache-kib`. Ctrl+C (SIGINT) or SIGTERM stops it after the session under way and still prints
the end figures.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/soak.py [--sessions 100000] [--report-every 10000]
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import signal
import sys
import tempfile
import threading
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WARMUP = 200  # sessions before the baseline is taken

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop  # noqa: E402


class Clock:
    """Monotonic time plus an offset the soak moves forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def rss_kib() -> int:
    return _status("VmRSS")


def os_threads() -> int:
    """Every thread of the process, Qt's thread pool included (threading only counts Python's)."""
    return _status("Threads")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_libc = ctypes.CDLL(None)
_libc.mallinfo2.restype = _MallInfo2


def heap_in_use_kib() -> int:
    """Bytes glibc's malloc has handed out and not had back (all arenas, mmapped blocks included):
    grows with a native leak, not with fragmentation (freed memory a process keeps)."""
    info = _libc.mallinfo2()
    return (info.uordblks + info.hblkhd) // 1024


def _sqlite() -> ctypes.CDLL | None:
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")  # the library Python's sqlite3 module is linked to here
    except OSError:
        return None
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return lib


_sqlite_lib = _sqlite()


def sqlite_kib() -> int:
    """What SQLite holds (page caches and statements of every connection in the process)."""
    return _sqlite_lib.sqlite3_memory_used() // 1024 if _sqlite_lib is not None else 0


def trim() -> None:
    """Give freed heap pages back to the system (glibc keeps them for reuse otherwise)."""
    _libc.malloc_trim(0)


def figures() -> tuple[int, int, int, int, int, int, int]:
    """RSS, RSS after malloc_trim, native heap in use, SQLite's part of it (KiB), open fds, threads,
    and the anonymous part of RSS after the trim (RssAnon, KiB)."""
    gc.collect()
    before = rss_kib()
    trim()
    return before, rss_kib(), heap_in_use_kib(), sqlite_kib(), open_fds(), os_threads(), _status("RssAnon")


_wake: list = []


def sleep_until_event(app) -> None:
    """Process events, sleeping until one comes, at most ~50 ms (a repeating timer wakes the loop)."""
    if not _wake:
        from PySide6.QtCore import QTimer

        timer = QTimer()
        timer.setInterval(50)
        timer.start()
        _wake.append(timer)
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


class Soak:
    def __init__(self, terminal, app, clock: Clock, wait_s: float = 30.0) -> None:
        from kiosk.session_view import Step

        self.t = terminal
        self.s = terminal.session
        self.app = app
        self.clock = clock
        self.Step = Step
        self.wait_s = wait_s  # how long one step may take before the session counts as stuck
        self.counts: dict[str, int] = {}
        self.waited: dict[str, float] = {}  # seconds spent waiting, by what was waited for

    def wait(self, condition, what: str, timeout_s: float | None = None) -> None:
        began = time.monotonic()
        deadline = began + (self.wait_s if timeout_s is None else timeout_s)
        while not condition():
            # sleeps until an event comes (a worker's result is one; the wake timer's every 50 ms at
            # the latest): no busy polling that would take the CPU from the workers the soak waits
            # for. Not processEvents(WaitForMoreEvents, 50): Qt's timed overload drops the flag and
            # spins until the 50 ms are over (until 2026-12-01 the soak's CPU a session counted it)
            sleep_until_event(self.app)
            if time.monotonic() > deadline:
                view = self.s.view
                raise RuntimeError(
                    f"soak: timed out waiting for {what} (step {view.step}, error {view.error})"
                )
        self.app.processEvents()
        self.waited[what] = self.waited.get(what, 0.0) + time.monotonic() - began

    def printed(self) -> bool:
        # the session's own outcome, not its view: a view is a whole masked snapshot of the session
        # (~0.2 ms), and the wait asks after every event
        outcome = self.s._outcome
        return outcome is not None and outcome.printed is not None

    def at(self, step) -> None:
        self.wait(lambda: self.s.step is step, f"step {step.name}")

    def card_in(self) -> None:
        self.t.card_reader.insert("resident")
        self.wait(lambda: self.s.step is self.Step.CHOOSE, "the card read")

    def card_out(self) -> None:
        self.t.card_reader.remove()
        self.app.processEvents()

    def submit(self) -> None:
        s = self.s
        s.start()
        self.card_in()
        s.choose_service("repair.public_area")
        self.at(self.Step.FORM)
        for field, value in (
            ("category", "lighting"),
            ("location", "楼梯3"),
            ("detail", "电灯坏了"),
            ("urgency", "normal"),
            ("phone", "13800138000"),
        ):
            s.set_field(field, value)
        s.next()
        self.at(self.Step.REVIEW)
        s.next()
        self.at(self.Step.RECEIPT)
        self.wait(self.printed, "the receipt printed")
        self.card_out()
        s.done()
        self.at(self.Step.ATTRACT)

    def without_card(self, service_id: str) -> None:
        s = self.s
        s.start()
        self.at(self.Step.IDENTIFY)
        s.continue_without_card()
        self.at(self.Step.CHOOSE)
        s.choose_service(service_id)

    def query(self) -> None:
        s = self.s
        self.without_card("query.progress")
        self.at(self.Step.FORM)
        s.set_field("reference", "C9000002")
        s.next()
        self.at(self.Step.RESULT)
        s.done()
        self.at(self.Step.ATTRACT)

    def ticket(self) -> None:
        s = self.s
        self.without_card("ticket.window")
        self.at(self.Step.RESULT)
        self.wait(self.printed, "the ticket printed")
        s.done()
        self.at(self.Step.ATTRACT)

    def timeout(self) -> None:
        s = self.s
        self.without_card("repair.public_area")
        self.at(self.Step.FORM)
        s.set_field("location", "楼梯3")
        cfg = self.t.config.session
        self.clock.offset += cfg.inactivity_s + 1
        s.tick()
        self.clock.offset += cfg.warning_s + 1
        s.tick()
        self.at(self.Step.ATTRACT)

    def card_pull(self) -> None:
        s = self.s
        s.start()
        self.card_in()
        s.choose_service("repair.public_area")
        self.at(self.Step.FORM)
        s.set_field("location", "楼梯3")
        self.card_out()
        self.at(self.Step.ATTRACT)

    def run_one(self, kind: str, rendered: bool, screens: bool = True) -> None:
        window = self.t.window
        if screens and not rendered:
            window._unsubscribe()  # the session runs on; the screens see this one only at its end
        try:
            getattr(self, kind)()
        finally:
            if screens and not rendered:
                window._unsubscribe = self.s.subscribe(window.show_view)
        # app.exec() deletes widgets released with deleteLater() when control returns to the loop;
        # a driver that only calls processEvents() must ask for it, or the screens' old widgets pile up
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        self.counts[kind] = self.counts.get(kind, 0) + 1


KINDS = ("submit", "query", "ticket", "timeout", "card_pull")


def mb(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def line(label: str, now: tuple[int, ...], base: tuple[int, ...] | None) -> str:
    rss, trimmed, heap, sql, fds, threads, anon = now
    text = (
        f"{label}: RSS {mb(rss)} MB, after malloc_trim {mb(trimmed)} MB (anonymous {mb(anon)} MB),"
        f" malloc in use {mb(heap)} MB"
        f" (SQLite {mb(sql)} MB), fds {fds}, threads {threads}"
    )
    if base is not None:
        text += (
            f" (since baseline: RSS {(rss - base[0]) / 1024:+.1f}, trimmed {(trimmed - base[1]) / 1024:+.1f},"
            f" anonymous {(anon - base[6]) / 1024:+.1f}, in use {(heap - base[2]) / 1024:+.1f},"
            f" SQLite {(sql - base[3]) / 1024:+.1f} MB,"
            f" fds {fds - base[4]:+d}, threads {threads - base[5]:+d})"
        )
    return text


def _interned_dict() -> dict | None:
    """CPython's own table of interned strings (attribute names, identifiers, sys.intern): not a
    Python object anyone can reach, so neither gc nor a census sees it grow. Found through
    libpython's symbol table (`nm`); None where the library has none."""
    import subprocess

    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
        lib = next(m.split()[-1] for m in maps if "libpython3" in m)
        base = min(int(m.split("-")[0], 16) for m in maps if m.split()[-1] == lib)
        symbols = subprocess.run(["nm", lib], capture_output=True, text=True, check=True).stdout
        offset = next(int(s.split()[0], 16) for s in symbols.splitlines() if s.endswith(" interned"))
    except (OSError, StopIteration, ValueError, subprocess.CalledProcessError):
        return None
    pointer = ctypes.c_void_p.from_address(base + offset).value
    found = ctypes.cast(pointer, ctypes.py_object).value if pointer else None
    return found if isinstance(found, dict) else None


_interned: list = []


def census() -> Counter:
    """Live Python objects by type, and the Qt widgets and objects that exist (QObjects found
    from the top-level widgets down): what a leak of objects would show."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    gc.collect()
    counts = Counter()
    for o in gc.get_objects():
        name = type(o).__qualname__
        counts[name] += 1
        if name == "_Job":
            counts["_Job:" + getattr(getattr(o, "_fn", None), "__qualname__", "?")] += 1
    if not _interned:
        _interned.append(_interned_dict())
    if _interned[0] is not None:
        counts["<interned strings>"] = len(_interned[0])
    counts["<Qt widgets>"] = len(QApplication.allWidgets())
    counts["<Qt objects under top-level widgets>"] = sum(
        len(w.findChildren(QObject)) for w in QApplication.topLevelWidgets()
    )
    return counts


def containers(least: int = 50) -> dict[int, int]:
    """Every live Python container (dict, list, set, deque) of `least` entries or more: its length by
    id. A container keeping one entry a session grows from report to report (`containers_growth`)."""
    import collections

    gc.collect()
    kinds = (dict, list, set, collections.deque)
    found = {}
    for o in gc.get_objects():
        if isinstance(o, kinds) and len(o) >= least:
            found[id(o)] = len(o)
        # a dict of only strings and numbers is untracked by gc (never in get_objects): found
        # through what holds it
        for r in gc.get_referents(o):
            if type(r) is dict and len(r) >= least and not gc.is_tracked(r):
                found[id(r)] = len(r)
    return found


def _holder(o) -> str:
    """Where a container hangs: 'Owner.attribute' of the object (or module) whose __dict__ holds it,
    or 'function:variable' of the closure that holds it."""
    import types

    for ref in gc.get_referrers(o):
        if isinstance(ref, types.FrameType):
            continue
        if isinstance(ref, dict):
            name = next((k for k, v in ref.items() if v is o), None)
            if name is None:
                continue
            for owner in gc.get_referrers(ref):
                if getattr(owner, "__dict__", None) is ref:
                    label = (
                        owner.__name__ if isinstance(owner, types.ModuleType) else type(owner).__qualname__
                    )
                    return f"{label}.{name}"
            return f"a dict's [{name!r}]"
        if isinstance(ref, types.CellType):
            for closure in gc.get_referrers(ref):
                for fn in gc.get_referrers(closure) if isinstance(closure, tuple) else ():
                    if isinstance(fn, types.FunctionType) and fn.__closure__ is closure:
                        return f"{fn.__qualname__}:{fn.__code__.co_freevars[closure.index(ref)]}"
            return "a closure cell"
        return f"held by a {type(ref).__qualname__}"
    return "?"


def containers_growth(before: dict[int, int], after: dict[int, int], top: int = 12) -> str:
    """The containers that grew since `before` (and the largest new ones), named by who holds them."""
    grown = sorted(
        ((n - before[k], n, k) for k, n in after.items() if k in before and n > before[k]), reverse=True
    )
    new = sorted(((n, k) for k, n in after.items() if k not in before and n >= 500), reverse=True)[:4]
    by_id = {}
    for o in gc.get_objects():
        if id(o) in after:
            by_id[id(o)] = o
        for r in gc.get_referents(o):
            if type(r) is dict and id(r) in after and not gc.is_tracked(r):
                by_id[id(r)] = r

    def name(k: int) -> str:
        o = by_id.get(k)
        if o is None:
            return "?"
        # what the newest entries are (types only: no values in a report)
        tail = list(o.items())[-3:] if isinstance(o, dict) else list(o)[-3:]
        kinds = ", ".join(
            f"{type(e[0]).__qualname__}: {type(e[1]).__qualname__}"
            if isinstance(o, dict)
            else type(e).__qualname__
            for e in tail
        )
        return f"{_holder(o)} ({type(o).__name__} of {kinds})"

    text = ", ".join(f"{name(k)} {n} ({d:+d})" for d, n, k in grown[:top]) or "no container grew"
    if new:
        text += "; new since the last report: " + ", ".join(f"{name(k)} {n}" for n, k in new)
    return text


def census_growth(before: Counter, after: Counter, top: int = 12) -> str:
    grown = sorted(((after[k] - before[k], k) for k in after if after[k] - before[k] > 0), reverse=True)[:top]
    return ", ".join(f"{k} {d:+d}" for d, k in grown) or "nothing grew"


# the soak's own reports (snapshots, censuses) are not the terminal's memory
_NOT_TRACEMALLOC = (
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    tracemalloc.Filter(False, __file__),
)


def print_allocation_growth(now, before, top: int) -> None:
    """The allocation sites whose live Python memory grew most, each with its calling frames: a
    container that keeps one entry a session shows as one traceback growing by count and size."""
    stats = now.compare_to(before, "traceback")
    grown = sum(st.size_diff for st in stats)
    count = sum(st.count_diff for st in stats)
    print(
        f"         Python allocations since the last report: {grown / 1024:+.0f} KiB in {count:+d} blocks; most:",
        flush=True,
    )
    for st in stats[:top]:
        print(
            f"           {st.size_diff / 1024:+.1f} KiB in {st.count_diff:+d} blocks (now {st.size / 1024:.0f} KiB):",
            flush=True,
        )
        for frame in list(st.traceback)[::-1][:6]:
            print(f"             {frame.filename}:{frame.lineno}", flush=True)


def _quiet_qt(mode, context, message: str) -> None:
    # the offscreen platform says this at every show(); anything else still goes to stderr
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--report-every", type=int, default=10_000)
    parser.add_argument(
        "--render-every",
        type=int,
        default=25,
        help="render every Nth session through the screens (1 = all; a rendered session takes ~20x longer)",
    )
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="the session kinds to take in turn (default: all)"
    )
    parser.add_argument(
        "--no-screens",
        action="store_true",
        help="the window never sees a session (to tell the screens' memory from the rest)",
    )
    parser.add_argument(
        "--census", action="store_true", help="at each report, name the Python types and Qt objects that grew"
    )
    parser.add_argument(
        "--containers",
        action="store_true",
        help="at each report, name the Python containers (dict, list, set, deque; 50+ entries) that grew, and who holds them",
    )
    parser.add_argument(
        "--idle-minutes",
        type=float,
        default=0.0,
        help="first sit idle this long (no sessions; the workers, heartbeat and timers run) and report each"
        " minute: tells growth with time from growth with sessions",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="at each report, name the source lines whose Python allocations grew",
    )
    parser.add_argument(
        "--tracemalloc-frames", type=int, default=12, help="frames kept per allocation (--tracemalloc)"
    )
    parser.add_argument(
        "--tracemalloc-top", type=int, default=10, help="allocation sites printed per report (--tracemalloc)"
    )
    parser.add_argument(
        "--wait-s",
        type=float,
        default=30.0,
        help="how long a step may take before the session counts as stuck and the soak stops (a ticket"
        " took over 30 s at nice 10 with a load average of 34)",
    )
    parser.add_argument(
        "--pixmap-cache-kib", type=int, default=0, help="set QPixmapCache's limit (Qt's default: 10240 KiB)"
    )
    args = parser.parse_args(argv)
    # a shell starts a background job with SIGINT ignored, and Python keeps it so: stop on SIGINT and
    # SIGTERM either way. The handler only asks: a KeyboardInterrupt raised from it would land in
    # whatever Python code runs then, often a slot called from Qt, which prints and swallows it (a
    # SIGTERM was lost so in a 3,000-session run). The loop stops after the session under way.
    stop = threading.Event()

    def ask_to_stop(signum: int, _frame: object) -> None:
        print(f"signal {signal.Signals(signum).name}: stopping after this session", flush=True)
        stop.set()

    signal.signal(signal.SIGINT, ask_to_stop)
    signal.signal(signal.SIGTERM, ask_to_stop)

    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    kinds = [k for k in args.kinds.split(",") if k]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    qInstallMessageHandler(_quiet_qt)

    from hub.__main__ import seed_demo_cases
    from hub.store import HubStore
    from hub.testing import start_hub
    from kiosk.config import HubConfig, KioskConfig, QueueConfig, UiConfig
    from kiosk.secrets import select_keyring_backend
    from ui.app import build_terminal

    app = QApplication([])
    if args.pixmap_cache_kib > 0:
        from PySide6.QtGui import QPixmapCache

        QPixmapCache.setCacheLimit(args.pixmap_cache_kib)
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        folder = Path(tmp)
        keyring = f"file:{folder / 'keyring.cfg'}"
        select_keyring_backend(keyring)
        # at nice 10 on 2 cores with a load average of 20, the hub's imports alone took over 15 s
        hub = start_hub(folder / "hub" / "hub.sqlite", terminal_id="T0001", start_timeout_s=180)
        store = HubStore(hub.db_path)
        seed_demo_cases(store)
        store.close()
        config = KioskConfig(
            terminal_id="T0001",
            data_dir=folder / "kiosk",
            keyring_backend=keyring,
            hub=HubConfig(url=hub.url, connect_timeout_s=2.0, read_timeout_s=10.0, heartbeat_interval_s=5.0),
            queue=QueueConfig(idle_poll_s=0.5),
            ui=UiConfig(fullscreen=False, speech=False),
        )
        clock = Clock()
        terminal = build_terminal(config, clock=clock, speech=False, refresh_ms=60_000)
        terminal.window.resize(1920, 1080)
        terminal.window.show()
        soak = Soak(terminal, app, clock, wait_s=args.wait_s)
        # a fresh terminal is out of service ("getting ready") until the hub's first catalogue answer:
        # over 30 s at a load average of 20
        soak.wait(
            lambda: soak.s.step is soak.Step.ATTRACT and terminal.background is not None,
            "the attract screen",
            timeout_s=300,
        )
        printed = config.data_dir / "printed"
        start = time.monotonic()
        if args.no_screens:
            terminal.window._unsubscribe()
        try:
            print(line("start", figures(), None), f"(Python threads {threading.active_count()})", flush=True)
            base = None
            warmup = min(WARMUP, args.sessions, args.report_every)
            counted = None
            held = None
            snapshots: list = []
            if args.idle_minutes > 0:
                idle_base = figures()
                print(line("idle: at the start", idle_base, None), flush=True)
                for minute in range(1, int(args.idle_minutes) + 1):
                    until = time.monotonic() + 60
                    while time.monotonic() < until and not stop.is_set():
                        sleep_until_event(app)
                    print(line(f"idle: after {minute} min", figures(), idle_base), flush=True)
                    if stop.is_set():
                        break
                start = time.monotonic()

            cpu_base = [0.0, 0]  # process CPU seconds and sessions at the baseline

            def cpu_ms(n: int) -> str:
                # the terminal's CPU (all its threads; the hub is another process) per session since the
                # baseline: what a session costs, whatever share of the cores the soak gets on a shared
                # machine (sessions/s falls with the load average; this does not)
                sessions = n - cpu_base[1]
                return f"{(time.process_time() - cpu_base[0]) * 1000 / sessions:.0f}" if sessions > 0 else "-"

            def soak_one(n: int) -> None:
                nonlocal base, counted, held
                # each kind's every Nth session is rendered, so every kind goes through the screens:
                # `n % N == 0` with 5 kinds and N = 25 rendered submissions only (the runs before 2026-12-01)
                rendered = args.render_every > 0 and (n // len(kinds)) % args.render_every == 0
                soak.run_one(kinds[n % len(kinds)], rendered, screens=not args.no_screens)
                if n % 500 == 0:
                    # the simulated printer keeps every job on disk; a real one hands it out on paper
                    for job in printed.glob("*"):
                        job.unlink()
                if n == warmup:
                    cpu_base[:] = [time.process_time(), n]
                    base = figures()
                    print(line(f"after {n} warm-up sessions (baseline)", base, None), flush=True)
                    counted = census() if args.census else None
                    held = containers() if args.containers else None
                    if args.tracemalloc:
                        tracemalloc.start(args.tracemalloc_frames)
                        snapshots.append(tracemalloc.take_snapshot().filter_traces(_NOT_TRACEMALLOC))
                elif base is not None and (n % args.report_every == 0 or n == args.sessions):
                    rate = n / (time.monotonic() - start)
                    depth = terminal.outbox.stats().depth
                    load = os.getloadavg()[0]
                    print(
                        f"{line(f'{n:>7} sessions', figures(), base)}, outbox depth {depth}, {rate:.1f} sessions/s,"
                        f" {cpu_ms(n)} ms CPU a session, load {load:.1f}",
                        flush=True,
                    )
                    if counted is not None:
                        now = census()
                        print(
                            f"         grew since the last report: {census_growth(counted, now)}", flush=True
                        )
                        counted = now
                    if held is not None:
                        now_held = containers()
                        print(
                            f"         containers grown since the last report: {containers_growth(held, now_held)}",
                            flush=True,
                        )
                        held = now_held
                    if snapshots:
                        snap = tracemalloc.take_snapshot().filter_traces(_NOT_TRACEMALLOC)
                        print_allocation_growth(snap, snapshots[-1], args.tracemalloc_top)
                        snapshots[-1] = snap

            done = 0
            for n in range(1, args.sessions + 1):
                try:
                    soak_one(n)
                except (
                    RuntimeError
                ) as exc:  # a session stuck (a wait timed out): the figures so far still count
                    print(f"session {n}: {exc}; stopped after {done} sessions", flush=True)
                    break
                done = n
                if stop.is_set():  # SIGINT / SIGTERM: stop here and print the end figures
                    print(f"stopped after {done} sessions", flush=True)
                    break
            end = figures()
            rendered_count = done // args.render_every if args.render_every > 0 and not args.no_screens else 0
            print(
                f"end: {done} sessions in {time.monotonic() - start:.0f} s ({soak.counts},"
                f" {rendered_count} of them rendered through the screens, the window shown each one's end"
                f"{' never' if args.no_screens else ''}); {cpu_ms(done)} ms CPU a session after the warm-up;"
                f" load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
            )
            print(line("end", end, base), "goal: RSS <= +5 MB, fds and threads +0", flush=True)
        finally:
            terminal.shutdown()
            terminal.window.allow_close()
            terminal.window.close()
            hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
