# The gate scanner (/scan): its pages, and the texts its script shows.

scanner-choose-title = Where are you scanning?
scanner-choose-intro = Choose the event's entrance and your gate.
scanner-no-team = You are not on the team of any organization yet.
scanner-no-team-help = Ask the organizer to add you to their team with the scanner role, then reload this page.
scanner-no-lists = No upcoming event has a check-in list.
scanner-role-cannot-scan = Your role here does not include scanning tickets.
scanner-scan-at = Scan at
scanner-any-gate = Any gate
scanner-open = Open the scanner
scanner-change = Change list or gate
scanner-choose-gate = Choose your gate
scanner-gate = Gate
scanner-gate-name = Gate { $gate }
scanner-not-allowed-title = You may not scan here
scanner-not-allowed-text = Your role in this organization does not include checking tickets in. Ask its owner or an admin.
scanner-label = Scanner
scanner-code = Ticket code
scanner-code-help = Scan the QR code with the camera, or type or paste the code (it starts with TK1-).
scanner-check = Check
scanner-entry = Entry
scanner-exit = Exit
scanner-direction = Direction
scanner-empty-code = Enter or scan a ticket code.
scanner-ready = Ready to scan
scanner-checked-in = Checked in:
scanner-stats = { $checked } of { $total ->
    [one] { $total } ticket
   *[other] { $total } tickets
}
scanner-start-camera = Start the camera
scanner-stop-camera = Stop the camera
scanner-photo = Take a photo of the code
scanner-camera = Camera
scanner-online = Online
scanner-offline = Offline
scanner-waiting = Waiting to upload: { $n }
scanner-seat = Seat
scanner-checked-offline = checked offline
scanner-first-admitted = First admitted { $time }
scanner-keys-updated = Keys last updated: { $time }
scanner-keys-missing = Keys not downloaded yet: connect once to scan offline.
scanner-no-keys = This device cannot check codes offline yet: it has not downloaded the keys. Connect to the network once.
scanner-camera-failed = The camera could not start
scanner-camera-help = Allow the camera for this site, or take a photo of the code or type it.
scanner-needs-https = The live camera needs a secure (https) connection; take a photo of the code instead.
scanner-no-qr = No QR code found in the photo. Try again closer and steadier.
scanner-failed = The scan could not be checked. Please try again.
scanner-set-aside = { $n ->
    [one] { $n } scan could not be uploaded and was set aside
   *[other] { $n } scans could not be uploaded and were set aside
}
scanner-signed-out = Your session has ended. Please sign in again.
scanner-noscript = The scanner works best with scripts on: camera, offline checks.

## Verdicts
scanner-result-valid = Admitted
scanner-result-exit = Exit recorded
scanner-result-already-used = Already used
scanner-result-not-inside = Not checked in: cannot exit
scanner-result-revoked = Ticket revoked (voided, refunded or re-issued)
scanner-result-wrong-event = Ticket for another event
scanner-result-not-on-list = This entrance does not admit this ticket type
scanner-result-not-yet-valid = Not valid yet
scanner-result-expired = Ticket expired
scanner-result-invalid-signature = Forged or damaged code
scanner-result-malformed = Not a ticket code
scanner-result-unknown = Unknown ticket
