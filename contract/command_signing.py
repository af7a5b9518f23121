"""Signatures on remote commands and on a credential rotation, shared by the hub and the terminal
(contract v1, like contract.signing).

A command travels in the heartbeat's answer as
`{id, terminal_id, command, args, issued_at, expires_at, signature}`; the signature is HMAC-SHA256
with the terminal's key over "command/v1" and the canonical JSON of the other fields, so a command
changed on the way, sent to another terminal, or kept past its expiry is refused by the terminal.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

COMMAND_FIELDS = ("id", "terminal_id", "command", "args", "issued_at", "expires_at")


def command_canonical(command: dict[str, Any]) -> bytes:
    body = {name: command.get(name) for name in COMMAND_FIELDS}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return b"command/v1\n" + text.encode("utf-8")


def sign_command(key: bytes, command: dict[str, Any]) -> str:
    return hmac.new(key, command_canonical(command), hashlib.sha256).hexdigest()


def command_signature_ok(key: bytes, command: dict[str, Any]) -> bool:
    signature = command.get("signature")
    if not isinstance(signature, str):
        return False
    return hmac.compare_digest(sign_command(key, command), signature)


def rotation_proof(new_key: bytes, terminal_id: str, new_token: str) -> str:
    """What the terminal sends to confirm a rotation: proves it holds the new key and token."""
    message = f"rotate/v1\n{terminal_id}\n{hashlib.sha256(new_token.encode()).hexdigest()}".encode()
    return hmac.new(new_key, message, hashlib.sha256).hexdigest()
