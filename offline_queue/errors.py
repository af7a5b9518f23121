"""The outbox's typed failures. Each keeps what a technician needs (path, field name, SQLite's own
message, the original exception chained as __cause__) and never a payload value.

offline_queue/ imports nothing from kiosk/: the ways forward are plain strings ("retry", "ticket",
"call_staff", "continue", the values of kiosk.errors.WayForward), and kiosk.errors registers
QueueFault as a KioskError, so `isinstance(e, KioskError)` keeps holding for callers.
"""

from __future__ import annotations

from pathlib import Path

RETRY, TICKET, CALL_STAFF, CONTINUE = "retry", "ticket", "call_staff", "continue"


class QueueFault(Exception):
    """Base of every expected failure of this package. `message_key` names the resident-facing text
    in ui/; the message (detail) is for technicians and never holds a payload value."""

    message_key: str = "error.queue"
    ways_forward: tuple[str, ...] = (RETRY, CALL_STAFF)

    def __init__(self, detail: str = "", *, message_key: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if message_key is not None:
            self.message_key = message_key


class QueueError(QueueFault):
    """Base of every outbox failure."""

    message_key = "error.queue"
    ways_forward = (RETRY, TICKET, CALL_STAFF)


class QueueFull(QueueError):
    """The disk (or the outbox's size cap) is full: the submission was NOT stored; nothing older lost."""

    message_key = "error.queue_full"
    ways_forward = (TICKET, CALL_STAFF)

    def __init__(self, detail: str = "", *, path: Path | None = None) -> None:
        super().__init__(detail)
        self.path = path


class QueueFileUnusable(QueueError):
    """The outbox file cannot be used as it is. It is left untouched for a technician to inspect."""

    message_key = "error.queue_unusable"
    ways_forward = (TICKET, CALL_STAFF)

    def __init__(self, detail: str = "", *, path: Path | None = None) -> None:
        super().__init__(detail)
        self.path = path


class QueueCorrupt(QueueFileUnusable):
    """The file is not a readable SQLite database (random bytes, truncated, damaged pages)."""


class ForeignQueueFile(QueueFileUnusable):
    """The file is a SQLite database, but not an outbox (another application's) or another terminal's."""


class OutboxLost(QueueFileUnusable):
    """The outbox file is missing or empty where one existed (keyring remembers it was created for
    this path): its unsent submissions are gone. Not replaced by itself: a technician starts a new
    outbox on purpose (offline_queue.outbox_file.start_new_outbox), after looking at the disk."""

    message_key = "error.queue_lost"

    def __init__(self, detail: str = "", *, path: Path | None = None, generation: int | None = None) -> None:
        super().__init__(detail, path=path)
        self.generation = generation  # the generation of the lost file, for the technician


class QueueTooNew(QueueFileUnusable):
    """The outbox was written by a newer version of this software (its schema is ahead of ours)."""


class PayloadRefused(QueueError, ValueError):
    """The submission cannot be stored as given; nothing was written. `field` names the culprit (no value)."""

    message_key = "error.payload_invalid"
    ways_forward = (CALL_STAFF,)

    def __init__(self, detail: str = "", *, field: str | None = None) -> None:
        super().__init__(detail)
        self.field = field


class PayloadNotSerialisable(PayloadRefused):
    """A payload value is not JSON (bytes, a set, NaN, a lone surrogate, a non-text key)."""


class UnknownFieldClass(PayloadRefused):
    """A field's class is not one of public/internal/personal/sensitive, or a field has no class."""


class PayloadTooDeep(PayloadNotSerialisable):
    """A field's value nests containers deeper than offline_queue.payload_check.MAX_DEPTH."""


class PayloadTooLarge(PayloadRefused):
    """The submission is larger than one batch may be (QueueConfig.batch_max_bytes): it could never be sent."""


class SealBroken(QueueError):
    """Encrypted fields cannot be opened: wrong key (keyring replaced) or altered bytes."""

    message_key = "error.queue_key"
    ways_forward = (CALL_STAFF,)


class InvalidLocalRef(QueueFault, ValueError):
    """A typed-in reference is malformed or its check character does not match (a typo)."""

    message_key = "error.local_ref_invalid"
    ways_forward = (RETRY,)


class SyncAlreadyRunning(QueueError):
    """Another sync worker (maybe in another process) holds this outbox: two would send items twice."""

    message_key = "error.queue"
    ways_forward = (CALL_STAFF,)


class OutboxClosed(QueueError):
    """The outbox was closed (the program is shutting down): a background thread still holding it
    ends its round here instead of touching a closed SQLite connection."""
