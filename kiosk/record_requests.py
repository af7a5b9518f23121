"""The request id a record or certificate is asked for with (issue 12): made by the terminal for one
resident's request and sent again with it when the hub's answer was lost (a timeout, a connection
dropped after the hub had issued it), so that the hub gives back the document it issued instead of a
second one with a new number. A request for anything else (another service, other details, after
the document arrived, another session) gets a new id."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any


class RecordRequests:
    """The id of the request in progress: the same while what is asked is the same."""

    def __init__(self) -> None:
        self._asking: tuple[str, str] | None = None  # (digest of what is asked, its request id)

    def id_for(self, service_id: str, subject: dict[str, Any]) -> str:
        # a digest, not the subject: the id number stays in the form, not in a second copy
        asked = json.dumps([service_id, subject], ensure_ascii=False, sort_keys=True, default=str)
        digest = hashlib.sha256(asked.encode("utf-8")).hexdigest()
        if self._asking is None or self._asking[0] != digest:
            self._asking = (digest, uuid.uuid4().hex)
        return self._asking[1]

    def answered(self) -> None:
        """The document arrived: asking again is a new request (another copy, another number)."""
        self._asking = None
