"""The technician's PIN for the maintenance screen, stored only as a PBKDF2 hash.

Format of `ui.technician_pin_hash`: "pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>".
Make one with:  .venv/bin/python -m ui.technician_pin 246810
An empty setting means the technician card alone opens maintenance (demo terminals).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sys

ITERATIONS = 200_000


def hash_pin(pin: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """The stored form of `pin`. Raises ValueError for a PIN that is not 4-12 digits."""
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValueError("a technician PIN is 4 to 12 digits")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """True when `pin` is the one `stored` was made from. Blocking (~0.1 s): call it in a worker.
    A malformed `stored` never matches."""
    try:
        scheme, iterations, salt_hex, digest_hex = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), bytes.fromhex(salt_hex), int(iterations))
    except (ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m ui.technician_pin PIN", file=sys.stderr)
        sys.exit(2)
    print(hash_pin(sys.argv[1]))
