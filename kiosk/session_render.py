"""Turns the session's state into a masked `SessionView`: the one place that decides what a screen
may see of personal values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from drivers.card.model import Identity
from kiosk.catalogue import Catalogue, DataClass, FieldType, FormField, Service, ServiceKind
from kiosk.forms import FormState
from kiosk.masking import mask_card_number, mask_id_number, mask_name, mask_value
from kiosk.session_view import (
    ChoiceView,
    FieldView,
    IdentitySummary,
    InactivityWarning,
    NoticeView,
    Outcome,
    PlaceView,
    ServiceView,
    SessionView,
    Step,
)

if TYPE_CHECKING:
    from kiosk.session import Session

_MASK_HINTS = {"card.name": "name", "card.card_number": "card_number"}


def identity_summary(identity: Identity) -> IdentitySummary:
    return IdentitySummary(
        name=mask_name(identity.name),
        id_number=mask_id_number(identity.id_number),
        card_number=mask_card_number(identity.card_number),
    )


def service_view(service: Service, language: str, has_card: bool) -> ServiceView:
    return ServiceView(
        id=service.id,
        kind=service.kind,
        title=service.title.get(language),
        description=service.description.get(language),
        icon=service.icon,
        needs_card=service.needs_card,
        offline_ok=service.offline_ok,
        locked=service.needs_card and not has_card,
        has_form=bool(service.fields),
    )


def _bound(value: float | date | None) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


_TYPE_INPUTS = {
    FieldType.PHONE: "phone",
    FieldType.ID_NUMBER: "id_number",
    FieldType.NUMBER: "number",
}


def input_layer(f: FormField, service: Service) -> str:
    """The keyboard layer a field opens on. A query or rating service's `reference` field holds a
    reference (T0001-93-000042-68): capitals and digits, never pinyin."""
    if f.id == "reference" and service.kind in (ServiceKind.QUERY, ServiceKind.RATING):
        return "reference"
    return _TYPE_INPUTS.get(f.type, "text")


def required_here(f: FormField, service: Service, has_card: bool) -> bool:
    """Whether the resident must fill `f` now: as the catalogue says, and a query's or a rating's
    reference when no card is in (with a card the card's cases are asked instead): a reference
    labelled optional that "next" then asked for read as a contradiction (walk 3, finding 16)."""
    return f.required or (input_layer(f, service) == "reference" and not has_card)


_CARD_WORDS = ("插卡", "card")  # a hint's clause about the card: "插卡可不填", "leave empty when you inserted your card"


def _hint(f: FormField, service: Service, language: str, has_card: bool) -> str:
    """The catalogue's hint; a reference's without its clause on the card when no card is in: there
    the field is required, and "插卡可不填" read as a way round it (walk 8, F8)."""
    text = f.hint.get(language) if f.hint else ""
    if has_card or not text or input_layer(f, service) != "reference":
        return text
    separator = "；" if "；" in text else "; "
    kept = [part for part in text.split(separator) if not any(w in part.lower() for w in _CARD_WORDS)]
    return separator.join(kept)


def field_view(
    f: FormField, form: FormState, language: str, *, reveal_typed: bool = False, has_card: bool = True
) -> FieldView:
    """`reveal_typed`: a personal value the resident typed in this session is shown in full (the
    form's list and the review, so they can check the phone number they just typed); values from
    the card or the hub stay masked, and receipts are masked whatever is shown here. `has_card`:
    a card is in (see `required_here`)."""
    raw = form.values.get(f.id, "")
    protected = f.data_class in (DataClass.PERSONAL, DataClass.SENSITIVE)
    display = raw
    if f.choices and raw:
        display = next((c.label.get(language) for c in f.choices if c.value == raw), raw)
    typed = f.id not in form.prefilled
    if protected and not (reveal_typed and typed):
        display = mask_value(raw, f.type, f.data_class, hint=_MASK_HINTS.get(f.prefill or "", ""))
    return FieldView(
        id=f.id,
        type=f.type,
        label=f.label.get(language),
        hint=_hint(f, form.service, language, has_card),
        data_class=f.data_class,
        required=required_here(f, form.service, has_card),
        value=None if protected else raw,
        display=display,
        has_value=bool(raw),
        error_key=form.errors.get(f.id),
        prefilled_from=form.prefilled.get(f.id),
        locked=form.is_locked(f.id),
        choices=tuple(ChoiceView(c.value, c.label.get(language)) for c in f.choices),
        min=_bound(f.min),
        max=_bound(f.max),
        max_length=f.max_length,
        min_length=f.min_length,
        quick_phrases=tuple(p.get(language) for p in f.quick_phrases),
        picker=f.picker,
        input=input_layer(f, form.service),
        alert=f.alert.get(language) if f.alert else "",
    )


def profile_offer(s: Session) -> tuple[tuple[str, str], ...]:
    form, prefill = s._form, s._prefill
    if s._step is not Step.FORM or form is None or not prefill.offer_open(form) or prefill.profile is None:
        return ()
    offered = []
    for fid in prefill.fields_offered(form):
        f = form.service.field(fid)
        value = prefill.profile[f.prefill or ""]
        offered.append((f.label.get(s._language), mask_value(value, f.type, f.data_class)))
    return tuple(offered)


def notice_views(service: Service, language: str) -> tuple[NoticeView, ...]:
    """Newest first."""
    ordered = sorted(service.notices, key=lambda n: n.published, reverse=True)
    return tuple(
        NoticeView(n.id, n.title.get(language), n.body.get(language), n.published.isoformat())
        for n in ordered
    )


def case_titles(catalogue: Catalogue, outcome: Outcome, language: str) -> tuple[tuple[str, str], ...]:
    """What each case is about, by its service's title (also a service another terminal offers),
    so a rating names the case it rates."""
    titles = {x.id: x.title.get(language) for x in catalogue.services}
    return tuple((c.case_id, titles.get(c.service_id, c.service_id)) for c in outcome.cases)


def oos_message(s: Session, language: str) -> str | None:
    """The out-of-service message in `language`; a message written in one language only is shown in
    both (as the hub's case notes are)."""
    if s._step is not Step.OUT_OF_SERVICE or not s._oos_message:
        return None
    other = next((text for lang, text in s._oos_message.items() if text), None)
    return s._oos_message.get(language) or other


def render_view(s: Session) -> SessionView:
    lang = s._language
    has_card = s._identity is not None
    seconds_left = s.warning_seconds_left()
    form = s._form
    outcome = s._outcome
    if outcome is not None and outcome.kind is ServiceKind.NOTICES and s._service is not None:
        outcome = replace(outcome, notices=notice_views(s._service, lang))
    if outcome is not None and outcome.cases and s._catalogue is not None:
        outcome = replace(outcome, case_titles=case_titles(s._catalogue, outcome, lang))
    return SessionView(
        step=s._step,
        mode=s._mode,
        language=lang,
        identity=identity_summary(s._identity) if s._identity is not None else None,
        services=tuple(service_view(x, lang, has_card) for x in s.page_slice()),
        page=s._page,
        page_count=s.page_count(),
        service=service_view(s._service, lang, has_card) if s._service is not None else None,
        fields=tuple(
            # the resident who typed a phone number checks it on the form and the review; values
            # from the card or the hub stay masked there, and receipts are always masked
            field_view(f, form, lang, reveal_typed=s._step in (Step.FORM, Step.REVIEW), has_card=has_card)
            for f in form.service.fields
        )
        if form is not None
        else (),
        busy=s._busy is not None,
        overdue=s._overdue,
        error=s._error,
        warning=InactivityWarning(seconds_left) if seconds_left is not None else None,
        outcome=outcome,
        online=s._online,
        out_of_service=s.out_of_service_reason(),
        paused=s.paused(),
        end_reason=s._end_reason,
        end_language=s._end_language,
        staff_called=s._staff_called,
        catalog_version=s._catalogue.version if s._catalogue is not None else None,
        pending_service_id=s._pending_service_id,
        technician_card=s._technician,
        profile_offer=profile_offer(s),
        places=tuple(
            PlaceView(b.label.get(lang), tuple(u.get(lang) for u in b.units)) for b in s.community_places
        ),
        card_in_reader=s._card_in_reader,
        out_of_service_message=oos_message(s, lang),
        form_serial=form.serial if form is not None else None,
        paper_out=s._paper_out,
        parked_form=s._parked[0].title.get(lang) if s._parked is not None and s._step is Step.RESULT else None,
        tickets_taken=tuple(t.ticket.number for t in s._tickets.values() if t.ticket is not None),
    )
