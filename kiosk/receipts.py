"""Receipts for what a resident leaves with: a submission, a window ticket, a record from the hub.

Each builder returns a `drivers.printer.model.ReceiptDocument` that the printer driver renders to
ESC/POS and the screen shows as a preview. Personal and sensitive values are masked by their data
class (kiosk.masking); the reference is printed large and encoded in a QR code. The fixed words of a
receipt are here in both languages because the printout is made below ui/ (no Qt translations).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from drivers.printer.model import Footer, KeyValue, Line, QrCode, ReceiptDocument, Rule, Title
from kiosk.catalogue import Service
from kiosk.forms import FormState
from kiosk.hub_api import RecordDocument, Ticket
from kiosk.local_time import human_time
from kiosk.masking import mask_value

_WORDS = {
    "reference": ("受理编号", "Reference"),
    "terminal": ("终端", "Terminal"),
    "time": ("时间", "Time"),
    "keep": (
        "请妥善保管本凭条，凭受理编号查询办理进度。",
        "Keep this receipt: use the reference to follow your case.",
    ),
    "ticket": ("窗口取号", "Window ticket"),
    "ticket_number": ("您的号码", "Your number"),
    "ticket_for": ("办理事项", "For"),
    "ticket_window": ("人工窗口", "Staffed window"),
    "window": ("窗口", "Window"),
    "ahead": ("前面等候", "Waiting ahead"),
    "local_ticket": (
        "网络暂不可用，此为本机临时号，请到服务窗口出示。",
        "Network unavailable: this is a local ticket, show it at the service window.",
    ),
    "issued": ("出具时间", "Issued"),
    "record_number": ("{title}编号", "{title} number"),
    "verify": ("扫码核验真伪", "Scan to verify"),
    "test_page": ("打印测试页", "Printer test page"),
    "test_ok": ("打印正常", "Printing works"),
}


# both languages on every reprint: whoever reads the paper later (staff, a family member) sees it
REPRINT_MARK = "REPRINT / 补打"


def reprinted(document: ReceiptDocument) -> ReceiptDocument:
    """The same receipt marked as a reprint at its top (once: a reprint of a reprint stays one)."""
    mark = Line(REPRINT_MARK, bold=True, align="center")
    if document.blocks[:1] == (mark,):
        return document
    return replace(document, blocks=(mark, *document.blocks))


def word(key: str, language: str) -> str:
    zh, en = _WORDS[key]
    return en if language == "en" else zh


def _stamp(at: datetime | str) -> str:
    return human_time(at) or ""


def submission_receipt(
    service: Service, form: FormState, local_ref: str, *, language: str, terminal_id: str, issued_at: datetime
) -> ReceiptDocument:
    """The receipt for a queued submission: title, the fields the catalogue lists (masked), the
    reference (large) and a QR code of the catalogue's QR template with the reference filled in."""
    spec = service.receipt
    footer = spec.footer_for(form.values) if spec else None  # an urgent repair's own promise
    title = spec.title.get(language) if spec else service.title.get(language)
    blocks: list = [Title(title), Rule()]
    for field_id in spec.fields if spec else ():
        f = service.field(field_id)
        raw = form.values.get(field_id, "")
        if not raw:
            continue
        shown = raw
        if f.choices:
            shown = next((c.label.get(language) for c in f.choices if c.value == raw), raw)
        hint = "name" if f.prefill == "card.name" else ""
        blocks.append(KeyValue(f.label.get(language), mask_value(shown, f.type, f.data_class, hint=hint)))
    blocks += [
        Rule(),
        Line(word("reference", language), align="center"),
        Title(local_ref),  # title size: the one thing the resident must be able to read back
        QrCode(spec.qr.replace("{ref}", local_ref) if spec else local_ref),
        KeyValue(word("terminal", language), terminal_id),
        KeyValue(word("time", language), _stamp(issued_at)),
        Footer(footer.get(language) if footer else word("keep", language)),
    ]
    return ReceiptDocument(blocks=tuple(blocks), language=language)


def ticket_receipt(
    ticket: Ticket, *, is_local: bool, language: str, terminal_id: str, service: Service | None = None
) -> ReceiptDocument:
    """A window ticket: the number the biggest thing on the slip (double width and height), the
    heading over it in bold body size; a local fallback ticket says so. Found walking: a large
    "窗口取号" over a body-size "A001" made the slip's one piece of information the smallest.
    Under the number, what it is for: `service` (the one the resident was in), else the staffed
    window (walk 3, finding 26: B001 and A001 from the same button, the slip did not say why)."""
    queue = service.title.get(language) if service is not None else word("ticket_window", language)
    blocks: list = [
        Line(word("ticket", language), bold=True, align="center"),
        Line(word("ticket_number", language), align="center"),
        Title(ticket.number),
        Rule(),
        KeyValue(word("ticket_for", language), queue),
    ]
    if ticket.window:
        blocks.append(KeyValue(word("window", language), ticket.window))
    if not is_local and ticket.waiting_ahead >= 0:
        blocks.append(KeyValue(word("ahead", language), str(ticket.waiting_ahead)))
    blocks += [
        KeyValue(word("terminal", language), terminal_id),
        KeyValue(word("time", language), _stamp(ticket.issued_at)),
    ]
    if is_local:
        blocks.append(Footer(word("local_ticket", language)))
    return ReceiptDocument(blocks=tuple(blocks), language=language)


def record_receipt(record: RecordDocument, *, language: str) -> ReceiptDocument:
    """A record or certificate the hub issued: its rows as the hub masked them, its number named
    and at title size (the one thing staff ask for: walk 7, N5 found it an unnamed footer), and a
    QR to verify it."""
    title = record.title.get(language) or record.title.get("zh", "")
    blocks: list = [Title(title), Rule()]
    for label, value in record.lines(language):
        blocks.append(KeyValue(label, value))
    blocks += [
        Rule(),
        Line(word("record_number", language).format(title=title), align="center"),
        Title(record.record_id),
        KeyValue(word("issued", language), _stamp(record.issued_at)),
        Line(word("verify", language), align="center"),
        QrCode(record.verify_url),
    ]
    return ReceiptDocument(blocks=tuple(blocks), language=language)
