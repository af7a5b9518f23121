"""The terminal's command line (no screens): a thin layer over kiosk.audit and kiosk.enrolment.

python -m kiosk audit verify [--config FILE | --db FILE] [--since SEQ]
python -m kiosk enrol --hub URL --code CODE [--terminal T0002] [--keyring file:PATH] [--ca-bundle PEM]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

AUDIT_FILE = "audit.sqlite"


def _audit_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    from kiosk.config import load_config

    return load_config(Path(args.config) if args.config else None).data_dir / AUDIT_FILE


def _audit_verify(args: argparse.Namespace) -> int:
    from kiosk.audit import AuditLog

    path = _audit_path(args)
    if not path.exists():
        print(f"error: no audit file at {path}", file=sys.stderr)
        return 2
    audit = AuditLog.open(path)
    try:
        result = audit.verify(since=args.since)
    finally:
        audit.close()
    print(result.describe())
    return 0 if result.ok else 1


def _enrol(args: argparse.Namespace) -> int:
    from kiosk.enrolment import EnrolmentBadAddress, EnrolmentRefused, EnrolmentTlsProblem, enrol_with_code
    from kiosk.hub_api import HubUnavailable
    from kiosk.secrets import select_keyring_backend

    select_keyring_backend(args.keyring)
    try:
        enrolled = enrol_with_code(args.hub, args.code, args.terminal, ca_bundle=args.ca_bundle)
    except EnrolmentRefused as exc:
        print(f"enrolment refused: {exc.error} ({exc})", file=sys.stderr)
        return 1
    except EnrolmentTlsProblem as exc:
        print(f"the hub's TLS certificate is not trusted ({exc}); check the URL's host name, the clock, or pass --ca-bundle", file=sys.stderr)
        return 3
    except EnrolmentBadAddress as exc:
        print(f"--hub is not a usable URL ({exc}); it starts with https://", file=sys.stderr)
        return 2
    except HubUnavailable as exc:
        print(f"the hub did not answer: {exc}; check --hub and the network, then try again", file=sys.stderr)
        return 3
    print(
        f"terminal {enrolled.terminal_id} enrolled in group {enrolled.group}; "
        f"credentials and card salt stored in keyring ({args.keyring.split(':')[0]})"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk", description="The terminal's maintenance commands."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    audit = sub.add_parser("audit", help="the terminal's audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="re-hash the chain: OK, or the first bad entry")
    where = verify.add_mutually_exclusive_group()
    where.add_argument("--config", help="the terminal's TOML configuration (its data_dir holds the file)")
    where.add_argument("--db", help=f"the audit file itself (default: <data_dir>/{AUDIT_FILE})")
    verify.add_argument("--since", type=int, default=1, help="start at this entry (its predecessor trusted)")
    verify.set_defaults(func=_audit_verify)

    enrol = sub.add_parser("enrol", help="exchange a one-time enrolment code for this terminal's credentials")
    enrol.add_argument("--hub", required=True, help="the hub's base URL, e.g. https://hub.example:8765")
    enrol.add_argument("--code", required=True, help="the code `python -m hub enrolment-code` printed")
    enrol.add_argument("--terminal", default=None, help="the terminal id the code was issued for (checked)")
    enrol.add_argument("--keyring", default="system", help='"system" or "file:<path>"')
    enrol.add_argument("--ca-bundle", default=None, help="trust this CA certificate (PEM) for the hub")
    enrol.set_defaults(func=_enrol)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
