"""Command line of the reference hub: a thin layer over hub.app, hub.store and the fleet modules
(hub/fleet_cli.py: enrolment codes, revocation, remote commands, audit verification).

python -m hub serve --db var/demo/hub.sqlite [--host 127.0.0.1] [--port 8765] [--catalog FILE]
python -m hub enrolment-code --db var/demo/hub.sqlite --terminal T0002 --group G [--ttl 900]
python -m hub revoke --db var/demo/hub.sqlite --terminal T0002
python -m hub command issue --db var/demo/hub.sqlite --terminal T0001 out_of_service --reason hardware
python -m hub command list --db var/demo/hub.sqlite [--terminal T0001]
python -m hub command show --db var/demo/hub.sqlite K0123456789abcdef   (one command, its result in full)
python -m hub audit verify --db var/demo/hub.sqlite --terminal T0001
python -m hub advance C0000001 in_progress --db var/demo/hub.sqlite
python -m hub seed --db var/demo/hub.sqlite
python -m hub cases --db var/demo/hub.sqlite
python -m hub show C0000001 --db var/demo/hub.sqlite [--key-file FILE]   (personal values decrypted: staff)
python -m hub terminals --db var/demo/hub.sqlite [--json]
python -m hub staff add --db var/demo/hub.sqlite --username wang --role case_officer [--password-file F]
"""

from __future__ import annotations

import argparse
import json
import logging
import socket
import sys
from pathlib import Path

from contract.local_ref import DEMO_GENERATION, LocalRef
from contract.service_state import read_service_part
from hub.catalog import DEFAULT_CATALOG
from hub.fleet_cli import add_fleet_commands
from hub.staff import add_staff_commands
from hub.store import CASE_STATUSES, HubStore, StoreError
from hub.stores import is_postgres, open_store


def _demo_ref(terminal_id: str, sequence: int) -> str:
    """A real-format local reference (check digits and all) in the reserved demo generation, so a
    resident can type it at a terminal; no terminal's outbox ever hands out that generation."""
    return str(LocalRef(terminal_id, DEMO_GENERATION, sequence))


DEMO_CASES = (
    ("C9000001", _demo_ref("T0001", 1), "repair.public_area", ["received"]),
    ("C9000002", _demo_ref("T0001", 2), "repair.public_area", ["received", "assigned", "in_progress"]),
    (
        "C9000003",
        _demo_ref("T0001", 3),
        "repair.public_area",
        ["received", "assigned", "in_progress", "resolved"],
    ),
    ("C9000004", _demo_ref("T0002", 4), "meal.elder_signup", ["received", "assigned", "resolved", "closed"]),
)


def seed_demo_cases(store: HubStore, card_hash: str | None = None) -> list[str]:
    """A few demo cases at different stages, so a progress query has something to show."""
    for case_id, local_ref, service_id, statuses in DEMO_CASES:
        store.seed_case(case_id, local_ref, service_id, statuses, card_hash=card_hash)
    return [c[0] for c in DEMO_CASES]


def seed_demo_profile(db_path: Path, card_hash: str, key_path: str | None = None) -> None:
    """The demo resident's details on file (phone, address, household, community), sealed."""
    from hub.profiles import DEMO_PROFILE, ProfileStore

    profiles = ProfileStore(HubStore(db_path, key_path=key_path))
    try:
        profiles.put(card_hash, DEMO_PROFILE)
    finally:
        profiles.close()


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from hub.app import HubSettings, create_app
    from hub.auth import GateSettings
    from hub.console.settings import ConsoleSettings

    if args.seed_demo:
        seed_demo_cases(open_store(args.db), args.card_hash)
        if args.card_hash:
            seed_demo_profile(Path(args.db), args.card_hash, getattr(args, "key_file", None))
    settings = HubSettings(
        db_path=args.db if is_postgres(args.db) else Path(args.db),
        catalog_path=Path(args.catalog) if args.catalog else None,
        key_path=Path(args.key_file) if args.key_file else None,
        gate=GateSettings(
            max_body_bytes=args.max_body_bytes,
            clock_window_s=args.clock_window,
            max_in_flight=args.max_in_flight,
            rate_per_minute=args.rate_per_minute,
            retry_after_s=args.retry_after,
        ),
        max_batch_items=args.max_batch_items,
        enrolment_per_minute=args.enrolment_per_minute,
        heartbeat_durable=args.heartbeat_commit == "durable",
        db_pool_size=args.db_pool,
        console=ConsoleSettings(
            heartbeat_interval_s=args.heartbeat_interval,
            grace_missed=args.grace_missed,
            red_missed=args.red_missed,
            backlog_alert_s=args.backlog_alert,
            max_failures=args.lockout_failures,
            lock_s=args.lockout_seconds,
            poll_s=args.console_poll,
        ),
    )
    app = create_app(settings)
    # a store call's thread that got PostgreSQL's answer waits for the GIL up to this long while the
    # event loop thread runs Python; 5 ms (the default) per round trip and thread hop added up to
    # most of a heartbeat's time under load (README, load section)
    sys.setswitchinterval(0.0005)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        access_log=False,
        timeout_graceful_shutdown=3,
        lifespan="off",
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
    )
    server = uvicorn.Server(config)
    if args.fd is not None:
        # a socket the parent bound already (tests: no race for a free port, same port on restart)
        sock = socket.socket(fileno=args.fd)
        server.run(sockets=[sock])
    else:
        server.run()
    return 0


def _advance(args: argparse.Namespace) -> int:
    try:
        case = open_store(args.db).advance_case(args.case, args.status, args.note)
    except StoreError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"{case['case_id']} is now {case['status']}")
    return 0


def _seed(args: argparse.Namespace) -> int:
    ids = seed_demo_cases(open_store(args.db), args.card_hash)
    if args.card_hash:
        seed_demo_profile(Path(args.db), args.card_hash)
    print("demo cases:", ", ".join(ids))
    return 0


def _cases(args: argparse.Namespace) -> int:
    for case in open_store(args.db).list_cases():
        print(json.dumps(case, ensure_ascii=False))
    return 0


def _show(args: argparse.Namespace) -> int:
    """One case with its personal values decrypted: staff work, on the hub's machine only."""
    store = HubStore(args.db, key_path=args.key_file)
    try:
        case = store.case_details(args.case)
    except StoreError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        store.close()
    if case is None:
        print("error: no such case", file=sys.stderr)
        return 1
    print(json.dumps(case, ensure_ascii=False, indent=2))
    return 0


def _summary(terminal: dict) -> str:
    """One line per terminal: when it last reported, its queue and its devices."""
    health = terminal["health"]
    if health is None:
        return f"{terminal['terminal_id']}  no heartbeat yet" + ("  (revoked)" if terminal["revoked"] else "")
    queue = health.get("queue") or {}
    devices = health.get("devices") or {}
    versions = health.get("versions") or {}
    parts = [
        terminal["terminal_id"],
        f"last heartbeat {terminal['heartbeat_at']}",
        f"queue depth {queue.get('depth', '?')}",
        f"oldest pending {queue.get('oldest_pending_age_s')} s",
        f"dead letters {queue.get('dead_letters', '?')}",
        "devices " + (", ".join(f"{n}={d.get('state')}" for n, d in devices.items()) or "none"),
        f"app {versions.get('app', '?')} catalogue {versions.get('catalogue', '?')}",
    ]
    service = read_service_part(health)
    if service.state == "out_of_service":
        parts.append(f"OUT OF SERVICE ({service.reason}) since {service.since or '?'}")
    elif service.state == "in_service":
        parts.append("in service")
    return "  ".join(parts) + ("  (revoked)" if terminal["revoked"] else "")


def _terminals(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    try:
        for terminal in store.terminals_overview():
            print(json.dumps(terminal, ensure_ascii=False) if args.json else _summary(terminal))
    finally:
        store.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hub", description="The reference hub (contract v1).")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the hub's HTTP API")
    serve.add_argument(
        "--db", required=True, help="the hub's SQLite file (created if new) or a postgresql:// URL"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--fd", type=int, default=None, help="serve on an already bound socket (tests)")
    serve.add_argument("--catalog", default=str(DEFAULT_CATALOG), help="catalogue JSON file to serve")
    serve.add_argument(
        "--key-file",
        default=None,
        help="key file for residents' personal values (AES-256-GCM, made 0600 on first use); "
        "default: <db>.key next to the database. Keep it apart from the database and its backups",
    )
    serve.add_argument("--max-body-bytes", type=int, default=4 * 1024 * 1024)
    serve.add_argument("--max-batch-items", type=int, default=1000)
    serve.add_argument("--clock-window", type=float, default=300.0, help="accepted clock skew, seconds")
    serve.add_argument("--max-in-flight", type=int, default=0, help="answer 503 above this (0: no limit)")
    serve.add_argument("--rate-per-minute", type=int, default=0, help="answer 429 above this per terminal")
    serve.add_argument("--retry-after", type=int, default=2, help="Retry-After of a 503, seconds")
    serve.add_argument(
        "--enrolment-per-minute", type=int, default=10, help="enrolment attempts per client address a minute"
    )
    serve.add_argument(
        "--heartbeat-commit",
        choices=("durable", "async"),
        default="durable",
        help="PostgreSQL: async commits a heartbeat without waiting for the disk (soft state, resent "
        "every interval; a server crash loses at most the last fraction of a second of reports)",
    )
    serve.add_argument("--db-pool", type=int, default=8, help="PostgreSQL connections of this process")
    serve.add_argument("--seed-demo", action="store_true", help="add the demo cases before serving")
    serve.add_argument("--card-hash", default=None, help="with --seed-demo: attach the demo cases to a card")
    serve.add_argument("--ssl-certfile", default=None, help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--ssl-keyfile", default=None, help="the certificate's private key (PEM)")
    serve.add_argument("--log-level", default="warning")
    console = serve.add_argument_group("staff console (/console)")
    console.add_argument("--heartbeat-interval", type=float, default=60.0, help="terminals' heartbeat, s")
    console.add_argument("--grace-missed", type=int, default=2, help="yellow after this many missed")
    console.add_argument("--red-missed", type=int, default=10, help="red after this many missed")
    console.add_argument("--backlog-alert", type=float, default=3600.0, help="alert: oldest pending, s")
    console.add_argument("--lockout-failures", type=int, default=5, help="wrong passwords before a lock")
    console.add_argument("--lockout-seconds", type=float, default=900.0, help="how long a lock lasts")
    console.add_argument("--console-poll", type=float, default=5.0, help="how often pages refresh, s")
    serve.set_defaults(func=_serve)

    add_fleet_commands(sub)

    advance = sub.add_parser("advance", help="move a case to a new status (staff work, for demos)")
    advance.add_argument("case", help="case id or local reference")
    advance.add_argument("status", choices=CASE_STATUSES)
    advance.add_argument("--db", required=True)
    advance.add_argument("--note", default="")
    advance.set_defaults(func=_advance)

    seed = sub.add_parser("seed", help="add the demo cases")
    seed.add_argument("--db", required=True)
    seed.add_argument("--card-hash", default=None)
    seed.set_defaults(func=_seed)

    cases = sub.add_parser("cases", help="list the cases (one JSON object per line)")
    cases.add_argument("--db", required=True)
    cases.set_defaults(func=_cases)

    show = sub.add_parser("show", help="one case with its personal values decrypted (staff only)")
    show.add_argument("case", help="case id or local reference")
    show.add_argument("--db", required=True)
    show.add_argument("--key-file", default=None, help="the key file (default: <db>.key)")
    show.set_defaults(func=_show)

    terminals = sub.add_parser(
        "terminals", help="list enrolled terminals with their latest heartbeat (queue, devices, versions)"
    )
    terminals.add_argument("--db", required=True, help="the hub's SQLite file")
    terminals.add_argument("--json", action="store_true", help="one JSON object per terminal and line")
    terminals.set_defaults(func=_terminals)
    add_staff_commands(sub)
    return parser


# the commands that make a hub where --db names none yet; every other one refuses a missing file
# (a mistyped path would otherwise get an empty hub and an answer about nothing)
MAKES_A_HUB = {("serve", None), ("seed", None), ("staff", "add")}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    action = getattr(args, "staff_command", None) if args.command == "staff" else None
    db = getattr(args, "db", None)
    if db and (args.command, action) not in MAKES_A_HUB and not is_postgres(db) and not Path(db).is_file():
        print(f"error: no hub database at {db} (the demo's is var/demo/hub.sqlite)", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
