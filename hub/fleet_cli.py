"""The hub's fleet commands (python -m hub ...): enrolment codes, revocation, remote commands and
audit verification, each a thin layer over hub/enrolment_codes.py, hub/commands.py, hub/audit_store.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from hub.audit_store import AuditLedger
from hub.commands import COMMANDS, DEFAULT_TTL_S, OUT_OF_SERVICE_REASONS, CommandBook
from hub.enrolment_codes import DEFAULT_TTL_S as CODE_TTL_S
from hub.enrolment_codes import EnrolmentDesk
from hub.store import HubStore, StoreError
from hub.stores import open_store


def _with_store(args: argparse.Namespace, job: Any) -> int:
    store = open_store(args.db)  # the SQLite file or a postgresql:// URL (hub/__main__.py: it exists)
    try:
        return job(store)
    except StoreError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    finally:
        store.close()


def _enrolment_code(args: argparse.Namespace) -> int:
    def job(store: HubStore) -> int:
        code = EnrolmentDesk(store).issue_code(args.terminal, args.group, args.ttl, reinstate=args.reinstate)
        print(f"{code}  (terminal {args.terminal}, group {args.group}, single use, valid {args.ttl} s)")
        return 0

    return _with_store(args, job)


def _revoke(args: argparse.Namespace) -> int:
    def job(store: HubStore) -> int:
        if store.terminal(args.terminal) is None:
            raise StoreError("unknown_terminal", f"no terminal {args.terminal}", 404)
        store.revoke_terminal(args.terminal)
        print(f"terminal {args.terminal} revoked: its requests are refused from now on")
        return 0

    return _with_store(args, job)


def _command_issue(args: argparse.Namespace) -> int:
    command_args: dict[str, Any] = {}
    if args.command_name == "out_of_service":
        command_args["reason"] = args.reason or "internal"
        if args.message_zh:
            command_args["message_zh"] = args.message_zh
        if args.message_en:
            command_args["message_en"] = args.message_en
    if args.command_name == "set_speech_volume":
        command_args["volume"] = args.volume

    def job(store: HubStore) -> int:
        issued = CommandBook(store).issue(args.terminal, args.command_name, command_args, args.ttl)
        print(f"{issued['id']}  {issued['command']} for {issued['terminal_id']}: {issued['state']}")
        return 0

    return _with_store(args, job)


def _command_list(args: argparse.Namespace) -> int:
    def job(store: HubStore) -> int:
        for command in CommandBook(store).list(args.terminal):
            if args.json:
                print(json.dumps(command, ensure_ascii=False))
            else:
                print(
                    f"{command['id']}  {command['terminal_id']}  {command['command']:<20} {command['state']:<10} "
                    f"{json.dumps(command['args'], ensure_ascii=False)}"
                )
                if command["detail"]:
                    print(f"    result: {_detail_line(command['detail'])}")
        return 0

    return _with_store(args, job)


def _detail_line(detail: dict[str, Any]) -> str:
    """A result's detail on one line; a diagnostics' log tail as its line count (`command show`
    prints the lines)."""
    short = {k: (f"{len(v)} log lines" if k == "log_tail" and isinstance(v, list) else v) for k, v in detail.items()}
    return json.dumps(short, ensure_ascii=False, sort_keys=True)


def _command_show(args: argparse.Namespace) -> int:
    def job(store: HubStore) -> int:
        command = CommandBook(store).get(args.command_id)
        if args.json:
            print(json.dumps(command, ensure_ascii=False, indent=2))
            return 0
        times = (_epoch_iso(command["issued_at"]), _epoch_iso(command["expires_at"]), command["updated_at"])
        print(f"{command['id']}  {command['command']} for {command['terminal_id']}: {command['state']}")
        print(f"issued {times[0]}, expires {times[1]}, updated {times[2]}")
        print(f"args: {json.dumps(command['args'], ensure_ascii=False, sort_keys=True)}")
        detail = dict(command["detail"] or {})
        tail = detail.pop("log_tail", None)
        for key, value in sorted(detail.items()):
            print(f"{key}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
        if isinstance(tail, list):
            print(f"log tail ({len(tail)} lines):")
            for line in tail:
                print(f"  {line}")
        return 0

    return _with_store(args, job)


def _epoch_iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _audit_verify(args: argparse.Namespace) -> int:
    def job(store: HubStore) -> int:
        if store.terminal(args.terminal) is None:
            raise StoreError("unknown_terminal", f"no terminal {args.terminal} in this hub: nothing to verify", 404)
        ledger = AuditLedger(store)
        result = ledger.verify(args.terminal, args.since)
        flags = ledger.flags(args.terminal)
        print(result.describe())
        for flag in flags:
            print(f"FLAGGED {flag.flagged_at}: {flag.problem} at seq {flag.seq}: {flag.detail}")
        return 0 if result.ok and not flags else 1

    return _with_store(args, job)


def add_fleet_commands(sub: Any) -> None:
    code = sub.add_parser("enrolment-code", help="a one-time code a terminal exchanges for its credentials")
    code.add_argument("--db", required=True, help="the hub's SQLite file or a postgresql:// URL")
    code.add_argument("--terminal", required=True)
    code.add_argument("--group", required=True, help="the terminal's group (e.g. a district, for rollouts)")
    code.add_argument("--ttl", type=int, default=CODE_TTL_S, help="seconds the code stays valid")
    code.add_argument("--reinstate", action="store_true", help="allow a revoked terminal to enrol again")
    code.set_defaults(func=_enrolment_code)

    revoke = sub.add_parser("revoke", help="refuse a terminal's credentials from now on")
    revoke.add_argument("--db", required=True)
    revoke.add_argument("--terminal", required=True)
    revoke.set_defaults(func=_revoke)

    command = sub.add_parser("command", help="remote commands a terminal pulls with its heartbeat")
    command_sub = command.add_subparsers(dest="command_action", required=True)
    issue = command_sub.add_parser("issue", help="queue a command for a terminal")
    issue.add_argument("--db", required=True)
    issue.add_argument("--terminal", required=True)
    issue.add_argument("command_name", choices=sorted(COMMANDS))
    issue.add_argument("--reason", choices=OUT_OF_SERVICE_REASONS, help="out_of_service: why")
    issue.add_argument("--message-zh", default="", help="out_of_service: what residents read (Chinese)")
    issue.add_argument("--message-en", default="", help="out_of_service: what residents read (English)")
    issue.add_argument("--volume", type=float, default=None, help="set_speech_volume: 0 to 1")
    issue.add_argument("--ttl", type=int, default=DEFAULT_TTL_S, help="seconds before it expires undelivered")
    issue.set_defaults(func=_command_issue)
    listing = command_sub.add_parser(
        "list", help="commands and their state (pending/delivered/succeeded/...)"
    )
    listing.add_argument("--db", required=True)
    listing.add_argument("--terminal", default=None)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_command_list)
    show = command_sub.add_parser("show", help="one command with its result in full (diagnostics: log tail)")
    show.add_argument("--db", required=True)
    show.add_argument("command_id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_command_show)

    audit = sub.add_parser("audit", help="the audit trails terminals uploaded")
    audit_sub = audit.add_subparsers(dest="audit_action", required=True)
    verify = audit_sub.add_parser(
        "verify", help="re-hash a terminal's uploaded chain; OK or the first bad entry"
    )
    verify.add_argument("--db", required=True)
    verify.add_argument("--terminal", required=True)
    verify.add_argument("--since", type=int, default=1)
    verify.set_defaults(func=_audit_verify)
