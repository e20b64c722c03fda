# The organizer's dashboard: events, ticket types, quotas, pricing and check-in setup.

dashboard-save = Save
dashboard-delete = Delete
dashboard-remove = Remove
dashboard-actions = Actions
dashboard-whole-number = enter a whole number
dashboard-unknown-ticket-type = choose ticket types of this event

## An event's sections

dashboard-event-sections = Event
dashboard-tab-orders = Orders
dashboard-tab-sales = Sales
dashboard-tab-attendees = Attendees
dashboard-tab-checkin = Check-in
dashboard-tab-seats = Seats
dashboard-tab-public = Public page

## Check-in setup

dashboard-checkin-title = Check-in · { $event }
dashboard-no-lists = This event has no check-in list yet, so nobody can scan its tickets. Make one below.
dashboard-no-lists-draft = When you publish the event, it gets a list admitting every ticket at one gate, “Main entrance”. You can also make your own lists below.
dashboard-policy-single = One entry per ticket
dashboard-policy-reentry = Re-entry after leaving
dashboard-policy-per-day = A number of entries per day
dashboard-per-day-count = { $count ->
    [one] { $count } entry a day
   *[other] { $count } entries a day
}
dashboard-admits-all = admits every ticket type
dashboard-admits-these = admits { $types }
dashboard-open-scanner = Open the scanner
dashboard-checked-in = Checked in
dashboard-inside-now = Inside now
dashboard-by-ticket-type = By ticket type
dashboard-gates = Gates
dashboard-gate = Gate
dashboard-admitted = Admitted
dashboard-no-gate = (removed gate)
dashboard-new-gate = New gate
dashboard-add-gate = Add the gate
dashboard-remove-gate = Remove { $gate }
dashboard-remove-gate-question = Remove the gate “{ $gate }”? Scanners there stop working; its past scans stay counted.
dashboard-last-gate = A list keeps at least one gate.
dashboard-scans-by-result = Scans by result
dashboard-result-valid = Admitted
dashboard-result-already-used = Already used
dashboard-result-not-inside = Exit without entry
dashboard-result-revoked = Revoked ticket
dashboard-result-wrong-event = Other event
dashboard-result-not-on-list = Not on this list
dashboard-result-not-yet-valid = Not valid yet
dashboard-result-expired = Expired
dashboard-result-invalid-signature = Forged or damaged
dashboard-result-malformed = Not a ticket code
dashboard-result-unknown = Unknown ticket
dashboard-conflicts = { $count ->
    [one] { $count } ticket admitted twice while offline
   *[other] { $count } tickets admitted twice while offline
}
dashboard-conflicts-help = Scanners without a network admitted these tickets more than once. The earliest admission counts; check the others with the gate staff.
dashboard-conflict-counted = Counted: { $scan }
dashboard-conflict-also = Also admitted: { $scan }
dashboard-conflict-scan = { $time } at { $gate } ({ $device })
dashboard-conflict-scan-offline = { $time } at { $gate } ({ $device }, offline)
dashboard-change-list = Change this list
dashboard-delete-list = Delete this list
dashboard-delete-list-question = Delete the list “{ $list }” and its gates? Only a list nobody has scanned at can be deleted.
dashboard-list-scanned = Tickets were scanned at this list, so it stays as their record.
dashboard-new-list = New check-in list
dashboard-create-list = Create the list
dashboard-list-name = Name of the list
dashboard-list-admits = Admits these ticket types
dashboard-list-admits-hint = Tick none to admit every ticket type.
dashboard-entry-policy = Entries
dashboard-per-day-label = Entries a day (with “a number of entries per day”)
dashboard-gates-one-per-line = Gates, one per line
dashboard-gates-required = name at least one gate
