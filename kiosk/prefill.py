"""Prefill from the hub, asked once per session: "use the details on file?".

When a form with `hub.*` prefill fields opens for a card holder, the session asks the hub (in a
worker) what it holds for the card (GET /v1/residents/{card_hash}/profile). If it holds something,
the form shows an offer in the screen (masked values, "use them" / "type my own"); the answer holds
for the rest of the session, so a second form fills at once or asks nothing. Offline, unknown card
or a declined offer: the fields are simply asked. The profile lives only in this object, which the
session drops (and empties) at every wipe.

A value the resident then changes goes with that submission only: the terminal never asks the hub
to refresh its record (an unattended terminal is no place to change the details a resident gave at
the service window; README, "Details on file"), so nothing typed here turns up at the next session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.forms import FormState


@dataclass
class HubPrefill:
    profile: dict[str, str] | None = None  # what the hub answered for this session's card
    accepted: bool | None = None  # the resident's answer; None: not asked yet
    asked_hub: bool = False
    from_hub: dict[str, str] = field(default_factory=dict)  # field id -> the value the hub gave

    def wants_fetch(self) -> bool:
        return not self.asked_hub and self.accepted is not False

    def offer_open(self, form: FormState | None) -> bool:
        """True while the form should show the offer (values on file fit this form, not answered)."""
        return self.accepted is None and form is not None and bool(self.fields_offered(form))

    def fields_offered(self, form: FormState) -> list[str]:
        if not self.profile:
            return []
        return [
            f.id
            for f in form.service.fields
            if f.prefill_source == "hub" and self.profile.get(f.prefill or "") and not form.values.get(f.id)
        ]

    def apply(self, form: FormState) -> list[str]:
        """Fill the form's hub fields (only when the resident said yes)."""
        if not self.accepted or not self.profile:
            return []
        filled = form.prefill(self.profile, "hub", overwrite=False)
        for fid in filled:
            self.from_hub[fid] = form.values[fid]
        return filled

    def wipe(self) -> None:
        if self.profile is not None:
            self.profile.clear()
        self.profile = None
        self.from_hub.clear()
        self.accepted = None
        self.asked_hub = False
