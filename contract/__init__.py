"""What the terminal and the hub share, and nothing else (contract v1, see ../shared/DESIGN.md).

- `contract.signing`: the request signature (HMAC-SHA256) and its headers.
- `contract.wire`: the submission item and the batch answer as they travel, with the data classes.
- `contract.local_ref`: the local-reference format (check digits, parsing, the demo generation).
- `contract.masking`: how personal values are masked on screens, receipts and hub records.
- `contract.audit_chain`: the audit trail's hash chain (the terminal writes it, the hub re-hashes it).
- `contract.command_signing`: the hub's signature on a remote command and the rotation proof.

The package imports nothing from kiosk/, offline_queue/, drivers/, ui/ or hub/ (tests/test_layers_hub.py),
and nothing heavy: the kiosk imports it before its first paint.
"""
