<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>kiosk</name>
    <message>
        <source>app.name</source>
        <translation>Community self-service terminal</translation>
    </message>
    <message>
        <source>app.name.short</source>
        <translation>Self-service</translation>
    </message>
    <message>
        <source>lang.other</source>
        <translation>中文</translation>
    </message>
    <message>
        <source>lang.other.a11y</source>
        <translation>Switch to Chinese</translation>
    </message>
    <message>
        <source>bar.elder_on</source>
        <translation>Elder mode</translation>
    </message>
    <message>
        <source>bar.elder_off</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>bar.elder_on.a11y</source>
        <translation>Turn on elder mode: large text, more time, spoken guidance</translation>
    </message>
    <message>
        <source>bar.elder_off.a11y</source>
        <translation>Back to standard mode</translation>
    </message>
    <message>
        <source>bar.help</source>
        <translation>Help / staffed window</translation>
    </message>
    <message>
        <source>bar.help@elder</source>
        <translation>Call staff</translation>
    </message>
    <message>
        <source>bar.ticket</source>
        <translation>Take a ticket</translation>
    </message>
    <message>
        <source>bar.ticket@elder</source>
        <translation>Queue ticket</translation>
    </message>
    <message>
        <source>bar.offline</source>
        <translation>Offline: requests are saved here first</translation>
    </message>
    <message>
        <source>bar.staff_called</source>
        <translation>Staff have been called, please wait. You can also take a ticket.</translation>
    </message>
    <message>
        <source>receipt.staff_coming</source>
        <translation>Staff have been called, please wait.</translation>
    </message>
    <message>
        <source>bar.repeat</source>
        <translation>Hear it again</translation>
    </message>
    <message>
        <source>bar.repeat.failing</source>
        <translation>No speech now</translation>
    </message>
    <message>
        <source>bar.card</source>
        <translation>Card: {name}</translation>
    </message>
    <message>
        <source>nav.back</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>nav.back@elder</source>
        <translation>Go back</translation>
    </message>
    <message>
        <source>nav.cancel</source>
        <translation>End and leave</translation>
    </message>
    <message>
        <source>nav.next</source>
        <translation>Next</translation>
    </message>
    <message>
        <source>nav.submit</source>
        <translation>Submit</translation>
    </message>
    <message>
        <source>nav.done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>nav.page_next</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>nav.page_prev</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>attract.title</source>
        <translation>Welcome to community self-service</translation>
    </message>
    <message>
        <source>attract.title@elder</source>
        <translation>Welcome, we are here to help</translation>
    </message>
    <message>
        <source>attract.what</source>
        <translation>Here you can:</translation>
    </message>
    <message>
        <source>attract.start</source>
        <translation>Touch to start</translation>
    </message>
    <message>
        <source>attract.start@elder</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>attract.elder</source>
        <translation>Elder mode (large text, voice)</translation>
    </message>
    <message>
        <source>attract.ended.timeout</source>
        <translation>The last session timed out; everything it held was cleared.</translation>
    </message>
    <message>
        <source>attract.ended.card_removed</source>
        <translation>The card was taken out; everything was cleared.</translation>
    </message>
    <message>
        <source>attract.ended.finished</source>
        <translation>All done. Thank you.</translation>
    </message>
    <message>
        <source>attract.ended.cancelled</source>
        <translation>Session ended; everything was cleared.</translation>
    </message>
    <message>
        <source>identify.title</source>
        <translation>Please insert your ID or social-security card</translation>
    </message>
    <message>
        <source>identify.title@elder</source>
        <translation>Please put your card into the slot below</translation>
    </message>
    <message>
        <source>identify.take_back</source>
        <translation>Please take your card back</translation>
    </message>
    <message>
        <source>identify.take_back.hint</source>
        <translation>Once you have it, you can go on without a card.</translation>
    </message>
    <message>
        <source>identify.take_back.retry</source>
        <translation>Take the card out and insert it again, chip up.</translation>
    </message>
    <message>
        <source>identify.hint</source>
        <translation>Chip up, into the reader below the screen. Some services work without a card.</translation>
    </message>
    <message>
        <source>identify.pending</source>
        <translation>The service you chose needs your card: {service}</translation>
    </message>
    <message>
        <source>identify.without_card</source>
        <translation>Continue without a card</translation>
    </message>
    <message>
        <source>identify.without_card@elder</source>
        <translation>No card</translation>
    </message>
    <message>
        <source>identify.reading</source>
        <translation>Reading your card, please leave it in…</translation>
    </message>
    <message>
        <source>choose.title</source>
        <translation>Choose a service</translation>
    </message>
    <message>
        <source>choose.title@elder</source>
        <translation>What do you need?</translation>
    </message>
    <message>
        <source>choose.locked</source>
        <translation>Card needed</translation>
    </message>
    <message>
        <source>choose.offline_ok</source>
        <translation>Works offline</translation>
    </message>
    <message>
        <source>choose.page</source>
        <translation>Page {page} of {count}</translation>
    </message>
    <message>
        <source>bar.offline.short</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>step.choose</source>
        <translation>Choose</translation>
    </message>
    <message>
        <source>step.fill</source>
        <translation>Fill in</translation>
    </message>
    <message>
        <source>step.confirm</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>step.done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>steps.a11y</source>
        <translation>Step {n} of 4</translation>
    </message>
    <message>
        <source>attract.card</source>
        <translation>Insert your ID or social-security card, chip up, to begin</translation>
    </message>
    <message>
        <source>attract.card@elder</source>
        <translation>Card slot: below the screen</translation>
    </message>
    <message>
        <source>picture.take_card</source>
        <translation>Take your card</translation>
    </message>
    <message>
        <source>picture.take_ticket</source>
        <translation>Take your queue ticket</translation>
    </message>
    <message>
        <source>picture.take_receipt</source>
        <translation>Take your receipt</translation>
    </message>
    <message>
        <source>receipt.take</source>
        <translation>Your receipt comes out of the slot below: take it with you</translation>
    </message>
    <message>
        <source>form.required</source>
        <translation>required</translation>
    </message>
    <message>
        <source>form.optional</source>
        <translation>optional</translation>
    </message>
    <message>
        <source>form.tap_to_fill</source>
        <translation>Tap to fill in</translation>
    </message>
    <message>
        <source>form.from_card</source>
        <translation>From your card</translation>
    </message>
    <message>
        <source>form.rate_by_card</source>
        <translation>Your card is in: leave the reference empty and tap Next to see your cases; the finished ones can be rated.</translation>
    </message>
    <message>
        <source>form.rate_by_card@elder</source>
        <translation>Card is in. No need to fill this in: tap Next.</translation>
    </message>
    <message>
        <source>form.query_by_card</source>
        <translation>Your card is in: leave the reference empty and tap Next to see all your cases.</translation>
    </message>
    <message>
        <source>form.query_by_card@elder</source>
        <translation>Card is in. No need to fill this in: tap Next.</translation>
    </message>
    <message>
        <source>form.from_hub</source>
        <translation>Filled in for you, you may change it</translation>
    </message>
    <message>
        <source>form.ok</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>form.keep</source>
        <translation>Keep as it was</translation>
    </message>
    <message>
        <source>form.clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>form.editing</source>
        <translation>Filling in: {label}</translation>
    </message>
    <message>
        <source>form.step</source>
        <translation>Item {n} of {count}</translation>
    </message>
    <message>
        <source>review.title</source>
        <translation>Please check what you entered</translation>
    </message>
    <message>
        <source>review.change</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>review.more_below</source>
        <translation>▼ More below: read it all, then Submit</translation>
    </message>
    <message>
        <source>result.more_below</source>
        <translation>▼ More below (drag up or tap here)</translation>
    </message>
    <message>
        <source>submitting.title</source>
        <translation>Sending, please wait</translation>
    </message>
    <message>
        <source>submitting.hint</source>
        <translation>Your request is being saved safely. Please stay.</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>Working on it, please wait…</translation>
    </message>
    <message>
        <source>receipt.title</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>receipt.reference</source>
        <translation>Your reference number</translation>
    </message>
    <message>
        <source>receipt.printed</source>
        <translation>Your receipt has printed. Please take it.</translation>
    </message>
    <message>
        <source>receipt.printing</source>
        <translation>Printing your receipt…</translation>
    </message>
    <message>
        <source>receipt.not_printed_ticket</source>
        <translation>The slip did not print. Write down or photograph the number above and give it at the window.</translation>
    </message>
    <message>
        <source>receipt.not_printed_record</source>
        <translation>It did not print. It has been issued: please collect it at the staffed window (you can take a ticket), or tap Print again a little later.</translation>
    </message>
    <message>
        <source>receipt.not_printed</source>
        <translation>The receipt did not print. Write down or photograph the number above; your request is not lost.</translation>
    </message>
    <message>
        <source>receipt.queued_offline</source>
        <translation>Offline right now: your request is saved here and will be sent automatically.</translation>
    </message>
    <message>
        <source>receipt.sent</source>
        <translation>Your request is saved and on its way to the community centre.</translation>
    </message>
    <message>
        <source>receipt.scan</source>
        <translation>Scan to follow progress</translation>
    </message>
    <message>
        <source>receipt.take_card.paused</source>
        <translation>This terminal is paused: your card cannot be used here now. Please take it back.</translation>
    </message>
    <message>
        <source>receipt.take_card.before_window</source>
        <translation>Take your card before you go to the window (taking it out clears what you entered).</translation>
    </message>
    <message>
        <source>receipt.take_card</source>
        <translation>Your card is still in the reader: please take your card.</translation>
    </message>
    <message>
        <source>receipt.reprint</source>
        <translation>Print again</translation>
    </message>
    <message>
        <source>receipt.still_not_printed</source>
        <translation>Tried again just now.</translation>
    </message>
    <message>
        <source>receipt.paper_back</source>
        <translation>The printer has paper again: tap Print again for your receipt.</translation>
    </message>
    <message>
        <source>choose.no_paper</source>
        <translation>No paper: use the window</translation>
    </message>
    <message>
        <source>choose.no_paper@elder</source>
        <translation>No paper</translation>
    </message>
    <message>
        <source>review.no_paper</source>
        <translation>The printer is out of paper: no receipt will print after you submit. Write down the reference on the screen; your request is received as usual.</translation>
    </message>
    <message>
        <source>review.no_paper_record</source>
        <translation>The printer is out of paper: this cannot be issued here now. Please use the staffed window; you can take a ticket.</translation>
    </message>
    <message>
        <source>choose.paper_notice</source>
        <translation>The printer is out of paper: certificates and records cannot be issued here now. Take a ticket for the staffed window, or call staff. Everything else works.</translation>
    </message>
    <message>
        <source>choose.paper_notice.bars</source>
        <translation>No paper: for certificates and records tap &quot;{ticket}&quot; or &quot;{staff}&quot;.</translation>
    </message>
    <message>
        <source>error.record_no_paper</source>
        <translation>The printer is out of paper: this cannot be issued here now. Take a ticket for the staffed window, or call staff.</translation>
    </message>
    <message>
        <source>error.record_no_paper.bars</source>
        <translation>No paper: this cannot be issued now. Tap &quot;{ticket}&quot; or &quot;{staff}&quot;.</translation>
    </message>
    <message>
        <source>staff.dismiss</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>result.ticket.for</source>
        <translation>For: {service}</translation>
    </message>
    <message>
        <source>result.ticket.for_window</source>
        <translation>At the staffed window</translation>
    </message>
    <message>
        <source>receipt.preview</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>result.ticket.title</source>
        <translation>Your queue number</translation>
    </message>
    <message>
        <source>result.ticket.window</source>
        <translation>Please go to window {window}</translation>
    </message>
    <message>
        <source>result.ticket.ahead</source>
        <translation>{n} people ahead of you</translation>
    </message>
    <message>
        <source>result.ticket.ahead_one</source>
        <translation>1 person ahead of you</translation>
    </message>
    <message>
        <source>result.ticket.local</source>
        <translation>Offline: this number was issued by this terminal; show it at the window.</translation>
    </message>
    <message>
        <source>result.query.title</source>
        <translation>Case progress</translation>
    </message>
    <message>
        <source>result.case</source>
        <translation>Reference {ref}</translation>
    </message>
    <message>
        <source>result.rate.title</source>
        <translation>Please rate this service</translation>
    </message>
    <message>
        <source>result.rate.star</source>
        <translation>{n} stars</translation>
    </message>
    <message>
        <source>result.rated</source>
        <translation>Thank you for your rating ({n} stars)</translation>
    </message>
    <message>
        <source>result.record.title</source>
        <translation>Your document is ready</translation>
    </message>
    <message>
        <source>result.record.number</source>
        <translation>{title} number</translation>
    </message>
    <message>
        <source>speak.record_number</source>
        <translation>{title} number: {number}.</translation>
    </message>
    <message>
        <source>result.notices.title</source>
        <translation>Community notices</translation>
    </message>
    <message>
        <source>result.printed</source>
        <translation>Printed. Please take it.</translation>
    </message>
    <message>
        <source>status.received</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>status.assigned</source>
        <translation>Assigned</translation>
    </message>
    <message>
        <source>status.in_progress</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>status.resolved</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>status.closed</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>status.rejected</source>
        <translation>Not accepted</translation>
    </message>
    <message>
        <source>oos.title</source>
        <translation>Out of service</translation>
    </message>
    <message>
        <source>oos.backend</source>
        <translation>The service list cannot be loaded right now, so this terminal is paused.</translation>
    </message>
    <message>
        <source>oos.internal</source>
        <translation>This terminal is being serviced.</translation>
    </message>
    <message>
        <source>oos.hardware</source>
        <translation>This terminal has a fault that is being fixed.</translation>
    </message>
    <message>
        <source>oos.hours</source>
        <translation>This terminal is closed at this hour.</translation>
    </message>
    <message>
        <source>oos.starting_title</source>
        <translation>Getting ready</translation>
    </message>
    <message>
        <source>oos.starting</source>
        <translation>This terminal has just started and is fetching its list of services. Please wait a moment.</translation>
    </message>
    <message>
        <source>oos.help</source>
        <translation>Please go to the staffed window. Sorry for the trouble.</translation>
    </message>
    <message>
        <source>warning.text</source>
        <translation>Are you still there? In {seconds} seconds this session ends and is cleared.</translation>
    </message>
    <message>
        <source>warning.text.unsent_rating</source>
        <translation>Are you still there? In {seconds} seconds this session ends and is cleared: the stars you chose have not been sent and will not be.</translation>
    </message>
    <message>
        <source>warning.extend</source>
        <translation>I need more time</translation>
    </message>
    <message>
        <source>way.retry</source>
        <translation>Try again</translation>
    </message>
    <message>
        <source>way.ticket</source>
        <translation>Take a ticket for the window</translation>
    </message>
    <message>
        <source>way.call_staff</source>
        <translation>Call staff</translation>
    </message>
    <message>
        <source>screen.failed</source>
        <translation>This page cannot be shown just now. Nothing you entered is lost: staff can help, or take a ticket for the window.</translation>
    </message>
    <message>
        <source>way.continue</source>
        <translation>OK, carry on</translation>
    </message>
    <message>
        <source>error.generic</source>
        <translation>Something went wrong.</translation>
    </message>
    <message>
        <source>error.unexpected</source>
        <translation>Something went wrong. Please go to the staffed window.</translation>
    </message>
    <message>
        <source>error.config</source>
        <translation>This terminal is not set up correctly. Please ask staff.</translation>
    </message>
    <message>
        <source>error.card_unreadable</source>
        <translation>The card could not be read. Please insert it again.</translation>
    </message>
    <message>
        <source>error.card_unknown</source>
        <translation>This card is not one this terminal can read.</translation>
    </message>
    <message>
        <source>error.card_expired</source>
        <translation>This card has expired.</translation>
    </message>
    <message>
        <source>error.card_removed</source>
        <translation>The card was taken out while reading. Please insert it again.</translation>
    </message>
    <message>
        <source>error.reader_gone</source>
        <translation>The card reader is not working right now.</translation>
    </message>
    <message>
        <source>error.printer</source>
        <translation>The printer had a problem and did not print.</translation>
    </message>
    <message>
        <source>error.printer_paper_out</source>
        <translation>The printer is out of paper.</translation>
    </message>
    <message>
        <source>error.printer_offline</source>
        <translation>The printer is not connected.</translation>
    </message>
    <message>
        <source>error.hub</source>
        <translation>The community centre did not answer.</translation>
    </message>
    <message>
        <source>error.hub_unavailable</source>
        <translation>The community centre cannot be reached right now.</translation>
    </message>
    <message>
        <source>error.hub_refused</source>
        <translation>The community centre did not accept this request.</translation>
    </message>
    <message>
        <source>error.service_offline</source>
        <translation>Offline: this service needs the network. You can take a ticket for the window.</translation>
    </message>
    <message>
        <source>error.not_found</source>
        <translation>No case was found for this reference.</translation>
    </message>
    <message>
        <source>error.case_not_rateable</source>
        <translation>This case is not finished yet, or was rated already.</translation>
    </message>
    <message>
        <source>error.catalogue_invalid</source>
        <translation>The service list is faulty.</translation>
    </message>
    <message>
        <source>error.catalogue_cache</source>
        <translation>The service list could not be saved.</translation>
    </message>
    <message>
        <source>error.queue</source>
        <translation>Your request could not be saved. Please try again.</translation>
    </message>
    <message>
        <source>field.required</source>
        <translation>Please fill this in</translation>
    </message>
    <message>
        <source>field.bad_phone</source>
        <translation>Not a valid number: a mobile has 11 digits and starts with 13 to 19 (13812345678); a landline needs its area code (010-12345678)</translation>
    </message>
    <message>
        <source>field.bad_id_number</source>
        <translation>That ID number is not valid</translation>
    </message>
    <message>
        <source>field.bad_date</source>
        <translation>That date is not valid</translation>
    </message>
    <message>
        <source>field.date_too_early</source>
        <translation>That date is too early</translation>
    </message>
    <message>
        <source>field.date_too_late</source>
        <translation>That date is too late</translation>
    </message>
    <message>
        <source>field.not_a_choice</source>
        <translation>Please pick one of the choices</translation>
    </message>
    <message>
        <source>field.not_a_number</source>
        <translation>Please enter a number</translation>
    </message>
    <message>
        <source>field.above_max</source>
        <translation>That number is too large: the most is {max}</translation>
    </message>
    <message>
        <source>field.below_min</source>
        <translation>That number is too small: the least is {min}</translation>
    </message>
    <message>
        <source>field.too_long</source>
        <translation>Too long: at most {count} characters</translation>
    </message>
    <message>
        <source>field.too_short</source>
        <translation>Too short: write at least {count} characters</translation>
    </message>
    <message>
        <source>field.pattern</source>
        <translation>That is not in the right form</translation>
    </message>
    <message>
        <source>field.reference_or_card</source>
        <translation>Without a card, enter the reference from your receipt (with a card you may leave it empty)</translation>
    </message>
    <message>
        <source>keyboard.space</source>
        <translation>Space</translation>
    </message>
    <message>
        <source>keyboard.backspace</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>keyboard.pinyin</source>
        <translation>Pinyin</translation>
    </message>
    <message>
        <source>keyboard.latin</source>
        <translation>ABC</translation>
    </message>
    <message>
        <source>keyboard.digits</source>
        <translation>123</translation>
    </message>
    <message>
        <source>keyboard.candidates</source>
        <translation>Candidates</translation>
    </message>
    <message>
        <source>keyboard.key</source>
        <translation>Key {name}</translation>
    </message>
    <message>
        <source>keyboard.candidate</source>
        <translation>Candidate {text}</translation>
    </message>
    <message>
        <source>date.year</source>
        <translation>Year</translation>
    </message>
    <message>
        <source>date.month</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>date.day</source>
        <translation>Day</translation>
    </message>
    <message>
        <source>date.plus</source>
        <translation>{part} up</translation>
    </message>
    <message>
        <source>date.minus</source>
        <translation>{part} down</translation>
    </message>
    <message>
        <source>maintenance.title</source>
        <translation>Maintenance (technician)</translation>
    </message>
    <message>
        <source>maintenance.out</source>
        <translation>Take out of service</translation>
    </message>
    <message>
        <source>maintenance.in</source>
        <translation>Back in service</translation>
    </message>
    <message>
        <source>maintenance.exit</source>
        <translation>Quit the kiosk program</translation>
    </message>
    <message>
        <source>maintenance.hint</source>
        <translation>Take the technician card out to return to the resident screens.</translation>
    </message>
    <message>
        <source>speak.attract</source>
        <translation>Welcome to community self-service. Touch the screen to start.</translation>
    </message>
    <message>
        <source>speak.identify</source>
        <translation>Please insert your card below the screen, or tap continue without a card.</translation>
    </message>
    <message>
        <source>speak.identify@elder</source>
        <translation>Please put your card in below the screen, or tap No card.</translation>
    </message>
    <message>
        <source>speak.choose</source>
        <translation>Please choose what you would like to do. There are {count} choices on screen.</translation>
    </message>
    <message>
        <source>speak.form</source>
        <translation>Please fill in {label}.</translation>
    </message>
    <message>
        <source>speak.review</source>
        <translation>Please check the details, then tap submit.</translation>
    </message>
    <message>
        <source>speak.submitting</source>
        <translation>Sending, please wait.</translation>
    </message>
    <message>
        <source>speak.receipt</source>
        <translation>Received. Your reference is {ref}.</translation>
    </message>
    <message>
        <source>speak.result</source>
        <translation>Done.</translation>
    </message>
    <message>
        <source>speak.ticket</source>
        <translation>Your number is {number}.</translation>
    </message>
    <message>
        <source>speak.out_of_service</source>
        <translation>This terminal is out of service. Please go to the staffed window.</translation>
    </message>
    <message>
        <source>speak.warning</source>
        <translation>Are you still there? Tap I need more time to carry on.</translation>
    </message>
    <message>
        <source>keyboard.shift</source>
        <translation>Shift</translation>
    </message>
    <message>
        <source>error.queue_full</source>
        <translation>This terminal's storage is full; your request was not saved. Please take a ticket.</translation>
    </message>
    <message>
        <source>error.queue_unusable</source>
        <translation>This terminal cannot save requests right now. Please take a ticket.</translation>
    </message>
    <message>
        <source>error.payload_invalid</source>
        <translation>Something in the request is not right. Please ask staff.</translation>
    </message>
    <message>
        <source>error.queue_key</source>
        <translation>This terminal cannot save requests right now. Please take a ticket.</translation>
    </message>
    <message>
        <source>error.local_ref_invalid</source>
        <translation>That reference is not in the right form.</translation>
    </message>
    <message>
        <source>maintenance.pin</source>
        <translation>Enter the technician PIN</translation>
    </message>
    <message>
        <source>maintenance.pin_again</source>
        <translation>Enter the technician PIN ({left} more wrong and the pad locks for {minutes} minutes)</translation>
    </message>
    <message>
        <source>maintenance.pin_wrong</source>
        <translation>Wrong PIN. {left} more wrong and the PIN pad locks for {minutes} minutes.</translation>
    </message>
    <message>
        <source>maintenance.pin_locked</source>
        <translation>{tries} wrong PINs: the PIN pad is locked for {minutes} minutes (also for another card or after reinserting). Try again in {left}.</translation>
    </message>
    <message>
        <source>maintenance.pin_time_left</source>
        <translation>{minutes}:{seconds}</translation>
    </message>
    <message>
        <source>maintenance.sync</source>
        <translation>Send queue now</translation>
    </message>
    <message>
        <source>maintenance.test_page</source>
        <translation>Print test page</translation>
    </message>
    <message>
        <source>maintenance.requeue</source>
        <translation>Send dead letters again</translation>
    </message>
    <message>
        <source>maintenance.refresh</source>
        <translation>Refresh figures</translation>
    </message>
    <message>
        <source>maintenance.loading</source>
        <translation>Reading the terminal's figures…</translation>
    </message>
    <message>
        <source>enrolment.refused</source>
        <translation>The enrolment code was not accepted (used, expired or wrong). Ask staff for a new code.</translation>
    </message>
    <message>
        <source>maintenance.not_ready</source>
        <translation>Not ready yet: the queue and printer are still starting. Try again in a moment.</translation>
    </message>
    <message>
        <source>maintenance.device_error.other</source>
        <translation>unknown device fault</translation>
    </message>
    <message>
        <source>maintenance.never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>maintenance.device</source>
        <translation>{device}: {state} (errors since the terminal started: {errors})</translation>
    </message>
    <message>
        <source>maintenance.device.card_reader</source>
        <translation>Card reader</translation>
    </message>
    <message>
        <source>maintenance.device.printer</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>maintenance.depth</source>
        <translation>Waiting to send: {depth}</translation>
    </message>
    <message>
        <source>maintenance.oldest</source>
        <translation>Oldest waiting: {age} s</translation>
    </message>
    <message>
        <source>maintenance.dead</source>
        <translation>Refused by the hub (dead letters): {count}</translation>
    </message>
    <message>
        <source>maintenance.last_sync</source>
        <translation>Submissions last reached the hub: {at}</translation>
    </message>
    <message>
        <source>maintenance.nothing_sent_yet</source>
        <translation>none to send yet</translation>
    </message>
    <message>
        <source>maintenance.last_beat</source>
        <translation>Last heartbeat: {at}</translation>
    </message>
    <message>
        <source>maintenance.synced</source>
        <translation>Sync done: {acked} delivered, {dead} refused, {depth} still waiting.</translation>
    </message>
    <message>
        <source>maintenance.printed</source>
        <translation>Test page printed.</translation>
    </message>
    <message>
        <source>maintenance.requeued</source>
        <translation>{count} dead letters queued again.</translation>
    </message>
    <message>
        <source>maintenance.failed</source>
        <translation>The action failed. See the log.</translation>
    </message>
    <message>
        <source>maintenance.state.online</source>
        <translation>ready</translation>
    </message>
    <message>
        <source>maintenance.state.paper_low</source>
        <translation>paper low</translation>
    </message>
    <message>
        <source>maintenance.state.paper_out</source>
        <translation>out of paper</translation>
    </message>
    <message>
        <source>maintenance.state.cover_open</source>
        <translation>cover open</translation>
    </message>
    <message>
        <source>maintenance.state.offline</source>
        <translation>not answering</translation>
    </message>
    <message>
        <source>maintenance.state.hwerror</source>
        <translation>hardware fault</translation>
    </message>
    <message>
        <source>maintenance.state.nodevice</source>
        <translation>not connected</translation>
    </message>
    <message>
        <source>maintenance.state.notpresent</source>
        <translation>ready, no card</translation>
    </message>
    <message>
        <source>maintenance.state.present</source>
        <translation>card in</translation>
    </message>
    <message>
        <source>maintenance.state.unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>error.queue_lost</source>
        <translation>This terminal's record of unsent requests was lost, so it cannot take new requests now. Please take a ticket and ask the staff for help.</translation>
    </message>
    <message>
        <source>maintenance.new_outbox</source>
        <translation>New outbox (if lost)</translation>
    </message>
    <message>
        <source>maintenance.new_outbox_done</source>
        <translation>New outbox started (generation {generation}). The old file was set aside; report the lost requests.</translation>
    </message>
    <message>
        <source>maintenance.outbox_problem</source>
        <translation>The outbox cannot be used: {problem}</translation>
    </message>
    <message>
        <source>error.printer_unknown</source>
        <translation>The receipt may have printed: please check the tray first. If there is none, you can print it again; the reference on the screen is what counts.</translation>
    </message>
    <message>
        <source>keyboard.handwriting</source>
        <translation>Write</translation>
    </message>
    <message>
        <source>keyboard.left</source>
        <translation>Cursor left</translation>
    </message>
    <message>
        <source>keyboard.right</source>
        <translation>Cursor right</translation>
    </message>
    <message>
        <source>keyboard.page_up</source>
        <translation>Previous candidates</translation>
    </message>
    <message>
        <source>keyboard.page_down</source>
        <translation>More candidates</translation>
    </message>
    <message>
        <source>keyboard.pad</source>
        <translation>Writing pad: write one character with your finger</translation>
    </message>
    <message>
        <source>keyboard.clear_pad</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>keyboard.engine_missing</source>
        <translation>This way of typing is not available now: use another one or ask staff</translation>
    </message>
    <message>
        <source>keyboard.engine_starting</source>
        <translation>The input method is starting; your letters are kept</translation>
    </message>
    <message>
        <source>prefill.question</source>
        <translation>Use the details on file?</translation>
    </message>
    <message>
        <source>prefill.use</source>
        <translation>Use these details</translation>
    </message>
    <message>
        <source>prefill.own</source>
        <translation>No, I will type my own</translation>
    </message>
    <message>
        <source>form.quick_phrases</source>
        <translation>Common:</translation>
    </message>
    <message>
        <source>form.quick_phrase</source>
        <translation>Phrase {text}</translation>
    </message>
    <message>
        <source>form.pick_place</source>
        <translation>Pick the place:</translation>
    </message>
    <message>
        <source>form.place</source>
        <translation>Place {text}</translation>
    </message>
    <message>
        <source>form.place_back</source>
        <translation>Back to the buildings</translation>
    </message>
    <message>
        <source>form.place_back.chip</source>
        <translation>← All buildings</translation>
    </message>
    <message>
        <source>form.place_whole</source>
        <translation>Whole building</translation>
    </message>
    <message>
        <source>busy.overdue</source>
        <translation>This is taking longer than usual. You can wait, take a ticket for the staffed window, or call staff.</translation>
    </message>
    <message>
        <source>busy.overdue.submit</source>
        <translation>Your submission is still being saved. It takes longer than usual but will not be lost. Call staff if you need help.</translation>
    </message>
    <message>
        <source>bar.staff_called.oos</source>
        <translation>Staff have been called, please wait. This terminal is paused: you can also go straight to the staffed window.</translation>
    </message>
    <message>
        <source>result.case.about</source>
        <translation>{service}  reference {ref}</translation>
    </message>
    <message>
        <source>result.case.rated</source>
        <translation>Rated: {stars} ({n} of 5, {words})</translation>
    </message>
    <message>
        <source>result.rate.this</source>
        <translation>Rate this one</translation>
    </message>
    <message>
        <source>result.rate.pick</source>
        <translation>Several of your cases are finished: first tap the one you want to rate</translation>
    </message>
    <message>
        <source>result.rate.all_rated</source>
        <translation>You have rated all your finished cases. Thank you!</translation>
    </message>
    <message>
        <source>result.rate.nothing</source>
        <translation>Nothing to rate yet: a case can be rated once it is finished.</translation>
    </message>
    <message>
        <source>result.rate.which</source>
        <translation>Rate "{service}" ({ref})</translation>
    </message>
    <message>
        <source>receipt.delivered</source>
        <translation>The community centre has received your submission.</translation>
    </message>
    <message>
        <source>attract.take_card</source>
        <translation>Please take your card</translation>
    </message>
    <message>
        <source>field.bad_reference</source>
        <translation>That reference is not right: check it against your receipt (e.g. T0001-93-000042-68)</translation>
    </message>
    <message>
        <source>maintenance.paused</source>
        <translation>This terminal is now: paused (residents are sent to the staffed window)</translation>
    </message>
    <message>
        <source>maintenance.paused_because</source>
        <translation>This terminal is now: paused, {reason} (residents are sent to the staffed window)</translation>
    </message>
    <message>
        <source>maintenance.serving</source>
        <translation>This terminal is now: serving residents</translation>
    </message>
    <message>
        <source>oos.not_enrolled</source>
        <translation>This terminal is being set up and cannot serve residents yet.</translation>
    </message>
    <message>
        <source>enrol.intro</source>
        <translation>Terminal {terminal} is not enrolled at the hub yet, so residents see "being set up". Type the one-time code the hub issued for it.</translation>
    </message>
    <message>
        <source>enrol.hub</source>
        <translation>Hub: {url}</translation>
    </message>
    <message>
        <source>enrol.edit_url</source>
        <translation>Edit address</translation>
    </message>
    <message>
        <source>enrol.url_done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>enrol.url_label</source>
        <translation>Hub address (starts with https://)</translation>
    </message>
    <message>
        <source>enrol.url_note</source>
        <translation>This address is used until the program restarts: put it in the configuration ([hub] url) to keep it.</translation>
    </message>
    <message>
        <source>enrol.code</source>
        <translation>One-time code (like 7KQ2M-XW4PD)</translation>
    </message>
    <message>
        <source>enrol.submit</source>
        <translation>Enrol</translation>
    </message>
    <message>
        <source>enrol.busy</source>
        <translation>Asking the hub…</translation>
    </message>
    <message>
        <source>enrol.overdue</source>
        <translation>The hub has not answered for {seconds} s. Still waiting (a few seconds more at most); check the address and the network.</translation>
    </message>
    <message>
        <source>enrol.no_code</source>
        <translation>Type the one-time code first.</translation>
    </message>
    <message>
        <source>enrol.done</source>
        <translation>Enrolled as {terminal} (group {group}). Sending and heartbeat are starting; take the technician card out to return to the resident screens.</translation>
    </message>
    <message>
        <source>enrol.problem.bad_code</source>
        <translation>The hub does not know this code (a typo, or a code for another terminal). Check it against the code issued for {terminal}, or ask for a new one.</translation>
    </message>
    <message>
        <source>enrol.problem.code_used</source>
        <translation>This code was used already. Ask the hub for a new code (enrolment-code).</translation>
    </message>
    <message>
        <source>enrol.problem.code_expired</source>
        <translation>This code has expired. Ask the hub for a new code.</translation>
    </message>
    <message>
        <source>enrol.problem.terminal_revoked</source>
        <translation>The hub has revoked this terminal. Ask the hub's administrator to reinstate it (enrolment-code --reinstate).</translation>
    </message>
    <message>
        <source>enrol.problem.rate_limited</source>
        <translation>Too many tries. Wait a minute, then try again.</translation>
    </message>
    <message>
        <source>enrol.problem.refused</source>
        <translation>The hub refused the enrolment ({reason}). Check the address and the code.</translation>
    </message>
    <message>
        <source>enrol.problem.unreachable</source>
        <translation>No hub answers at this address. Check the address and the network cable, then try again.</translation>
    </message>
    <message>
        <source>enrol.problem.tls</source>
        <translation>The hub's certificate is not trusted (TLS). Check the address (https and the hub's name), this terminal's clock, and [hub] ca_bundle in the configuration.</translation>
    </message>
    <message>
        <source>enrol.problem.bad_address</source>
        <translation>This is not a usable hub address. It starts with https:// (like https://hub.example:8765).</translation>
    </message>
    <message>
        <source>enrol.problem.keyring</source>
        <translation>The hub answered, but this terminal could not store the credentials (keyring). Check the data folder's space and permissions; see the journal.</translation>
    </message>
    <message>
        <source>oos.take_card</source>
        <translation>This terminal is paused and cannot serve your card. Please take your card and go to the staffed window.</translation>
    </message>
    <message>
        <source>oos.take_card@elder</source>
        <translation>This machine cannot be used now. Please take your card and go to the staffed window.</translation>
    </message>
    <message>
        <source>maintenance.exit_ask</source>
        <translation>Quit the kiosk program? Residents cannot use this terminal until it is started again. Tap "Yes, quit" to quit, or any other action to stay.</translation>
    </message>
    <message>
        <source>maintenance.exit_yes</source>
        <translation>Yes, quit</translation>
    </message>
    <message>
        <source>maintenance.done_out</source>
        <translation>Done: out of service ({reason}). Residents read "{shown}" and are sent to the staffed window.</translation>
    </message>
    <message>
        <source>maintenance.done_in</source>
        <translation>Done: the terminal is back in service for residents.</translation>
    </message>
    <message>
        <source>result.rate.words.1</source>
        <translation>Very unhappy</translation>
    </message>
    <message>
        <source>result.rate.words.2</source>
        <translation>Unhappy</translation>
    </message>
    <message>
        <source>result.rate.words.3</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>result.rate.words.4</source>
        <translation>Happy</translation>
    </message>
    <message>
        <source>result.rate.words.5</source>
        <translation>Very happy</translation>
    </message>
    <message>
        <source>result.rate.star_words</source>
        <translation>{n} stars, {words}</translation>
    </message>
    <message>
        <source>result.rate.choose_first</source>
        <translation>Tap how you feel, then "Send rating"</translation>
    </message>
    <message>
        <source>result.rate.choose_first@elder</source>
        <translation>Tap how you feel, then "Send"</translation>
    </message>
    <message>
        <source>result.rate.chosen</source>
        <translation>You chose {n} stars ({words}): tap "Send rating" at the bottom right</translation>
    </message>
    <message>
        <source>result.rate.chosen@elder</source>
        <translation>You chose {n} stars ({words}): tap "Send" at the bottom right</translation>
    </message>
    <message>
        <source>result.rate.leave</source>
        <translation>Done, no rating</translation>
    </message>
    <message>
        <source>result.rate.leave@elder</source>
        <translation>Leave</translation>
    </message>
    <message>
        <source>result.query.yours</source>
        <translation>Your cases ({n})</translation>
    </message>
    <message>
        <source>result.rate.send</source>
        <translation>Send rating</translation>
    </message>
    <message>
        <source>result.rate.send@elder</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>result.rated_case</source>
        <translation>Thank you! You rated "{service}" (reference {ref}): {n} stars, {words}</translation>
    </message>
    <message>
        <source>form.back_to_list</source>
        <translation>Back to the list</translation>
    </message>
    <message>
        <source>steps.a11y_of</source>
        <translation>Step {n} of {count}</translation>
    </message>
    <message>
        <source>maintenance.taken_at</source>
        <translation>Figures as of {at}, read again every {seconds} s</translation>
    </message>
    <message>
        <source>maintenance.oldest_none</source>
        <translation>Oldest waiting: none</translation>
    </message>
    <message>
        <source>maintenance.refreshed</source>
        <translation>Figures read again ({at}).</translation>
    </message>
    <message>
        <source>maintenance.paper_hint</source>
        <translation>Load paper, then tap "Print test page" again.</translation>
    </message>
    <message>
        <source>maintenance.reason_ask</source>
        <translation>Why? Tap one; residents see its notice:</translation>
    </message>
    <message>
        <source>maintenance.reason.hardware</source>
        <translation>Hardware fault</translation>
    </message>
    <message>
        <source>maintenance.reason.internal</source>
        <translation>Maintenance</translation>
    </message>
    <message>
        <source>maintenance.reason.hours</source>
        <translation>Outside hours</translation>
    </message>
    <message>
        <source>maintenance.reason.backend</source>
        <translation>Hub down</translation>
    </message>
    <message>
        <source>maintenance.reason_cancel</source>
        <translation>Don't pause</translation>
    </message>
    <message>
        <source>maintenance.diagnostics</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>maintenance.figures</source>
        <translation>Back to figures</translation>
    </message>
    <message>
        <source>maintenance.none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>maintenance.diag.terminal</source>
        <translation>{terminal} · app {app} · catalogue {catalogue}</translation>
    </message>
    <message>
        <source>maintenance.diag.hub_url</source>
        <translation>Hub address: {url}</translation>
    </message>
    <message>
        <source>maintenance.diag.hub.ok</source>
        <translation>Hub: reachable ({ms} ms)</translation>
    </message>
    <message>
        <source>maintenance.diag.hub.unreachable</source>
        <translation>Hub: not reachable (gave up after {ms} ms): check the network and the address</translation>
    </message>
    <message>
        <source>maintenance.diag.hub.no_client</source>
        <translation>Hub: not connected yet (not enrolled, or starting)</translation>
    </message>
    <message>
        <source>maintenance.diag.audit</source>
        <translation>Audit chain: entry {seq}, {head}</translation>
    </message>
    <message>
        <source>maintenance.diag.audit_none</source>
        <translation>Audit chain: none</translation>
    </message>
    <message>
        <source>maintenance.diag.queue</source>
        <translation>Queue: waiting {depth} · sending {in_flight} · dead letters {dead}</translation>
    </message>
    <message>
        <source>maintenance.diag.queue_none</source>
        <translation>Queue: not open yet</translation>
    </message>
    <message>
        <source>maintenance.diag.errors</source>
        <translation>Last warnings and errors ({count}):</translation>
    </message>
    <message>
        <source>maintenance.diag.no_errors</source>
        <translation>No recent warnings or errors.</translation>
    </message>
    <message>
        <source>maintenance.diag.level.warning</source>
        <translation>warning</translation>
    </message>
    <message>
        <source>maintenance.diag.level.error</source>
        <translation>error</translation>
    </message>
    <message>
        <source>enrol.clear</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>field.hint_min_length</source>
        <translation>At least {count} characters.</translation>
    </message>
    <message>
        <source>form.keep_on_file_phone</source>
        <translation>To keep the number on file, leave it empty and tap OK.</translation>
    </message>
    <message>
        <source>form.keep_on_file</source>
        <translation>To keep what is on file, leave it empty and tap OK.</translation>
    </message>
    <message>
        <source>prefill.filled</source>
        <translation>Filled in from the details on file; tap a field below to change it:</translation>
    </message>
    <message>
        <source>nav.back_to_form</source>
        <translation>Back to your form</translation>
    </message>
    <message>
        <source>result.ticket.form_kept</source>
        <translation>What you entered for "{service}" is kept: tap "{back}" to carry on.</translation>
    </message>
    <message>
        <source>result.ticket.again</source>
        <translation>This is the ticket you already took on this visit: no need for another.</translation>
    </message>
    <message>
        <source>receipt.ticket_still</source>
        <translation>Your queue ticket {numbers} is still valid. Your request is in: if you need nothing else at the window, you need not wait to be called.</translation>
    </message>
    <message>
        <source>nav.back_to_services</source>
        <translation>Back to services</translation>
    </message>
</context>
</TS>
