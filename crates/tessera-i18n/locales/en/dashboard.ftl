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
dashboard-tab-box-office = Box office
dashboard-tab-image = Image
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

## Organizations

dashboard-your-orgs = Your organizations
dashboard-no-orgs = You are not a member of any organization yet.
dashboard-role = Role: { $role }
dashboard-create-org = Create an organization
dashboard-org-name = Name
dashboard-org-slug = Web address handle (a-z, 0-9, -)
dashboard-create = Create

## Events

dashboard-new-event = New event
dashboard-no-events = No events yet.
dashboard-event-title = Title
dashboard-starts = Starts
dashboard-ends = Ends
dashboard-venue = Venue
dashboard-venues = Venues
dashboard-venue-first = Create a venue first.
dashboard-status = Status
dashboard-status-draft = Draft
dashboard-status-published = Published
dashboard-status-cancelled = Cancelled
dashboard-status-ended = Ended
dashboard-description = Description
dashboard-category = Category
dashboard-times-at-venue = Times are the venue’s local time ({ $zone }).
dashboard-sales-start = Sales open (optional)
dashboard-sales-end = Sales close (optional)
dashboard-max-per-customer = Tickets per buyer, over all their orders (optional)
dashboard-max-per-customer-hint = Counted by e-mail address and account. Leave empty for no limit.
dashboard-create-event = Create the event
dashboard-choose-venue = choose a venue
dashboard-choose-category = choose a category
dashboard-enter-date-time = enter a date and time
dashboard-enter-amount = enter an amount like 12.50
dashboard-enter-percent = enter a percentage like 2.5
dashboard-currency-code = use a three-letter ISO 4217 code such as EUR
dashboard-publish = Publish
dashboard-end-event = End the event
dashboard-cancel-event = Cancel the event
dashboard-cancel-question = Cancelling refunds every order and tells the buyers. This cannot be undone.
dashboard-cancel-yes = Yes, cancel the event
dashboard-confirm-cancel = Confirm the cancellation with the button under “Cancel the event”.
dashboard-event-details = Event details
dashboard-reissue-note = { $count ->
    [one] This event has { $count } ticket. Changing its start or end re-issues it with the new dates and e-mails its holder.
   *[other] This event has { $count } tickets. Changing its start or end re-issues them with the new dates and e-mails their holders.
}
dashboard-reissue-confirm = { $count ->
    [one] If the dates change: yes, re-issue { $count } ticket and tell its holder
   *[other] If the dates change: yes, re-issue { $count } tickets and tell their holders
}
dashboard-confirm-move-needed = { $count ->
    [one] { $count } ticket will be re-issued and its holder told: tick the box to confirm the new dates
   *[other] { $count } tickets will be re-issued and their holders told: tick the box to confirm the new dates
}

## Ticket types and quotas

dashboard-ticket-types = Ticket types
dashboard-no-ticket-types = No ticket types yet: add one to sell tickets.
dashboard-name = Name
dashboard-price = Price
dashboard-currency = Currency
dashboard-currency-hint = Three letters; empty: { $currency }.
dashboard-available = Available
dashboard-per-order = Per order
dashboard-hidden = hidden
dashboard-change-type = Change “{ $name }”
dashboard-add-type = Add a ticket type
dashboard-min-per-order = At least, per order
dashboard-max-per-order = At most, per order
dashboard-tt-sales-start = On sale from (optional, venue time)
dashboard-tt-sales-end = On sale until (optional, venue time)
dashboard-visibility = Who sees it
dashboard-visibility-public = Everyone, on the event page
dashboard-visibility-hidden = Hidden: only buyers with the access code
dashboard-access-code = Access code
dashboard-access-code-hint = Needed for a hidden ticket type: 8 to 64 letters, digits, - or _. Only buyers who have the code see and buy this ticket type.
dashboard-draws-from = Draws from these quotas
dashboard-quotas = Quotas
dashboard-quotas-hint = A quota is a number of places that ticket types share; a ticket type is on sale while all its quotas have room.
dashboard-capacity = Capacity
dashboard-sold = Sold
dashboard-held = Held
dashboard-change-quota = Change “{ $name }”
dashboard-add-quota = Add a quota
dashboard-counts-types = Counts these ticket types

## Fees, taxes and refunds

dashboard-pricing = Fees, taxes and refunds
dashboard-change = Change
dashboard-fees = Service fees
dashboard-fee-ticket = Per ticket
dashboard-fee-percent = Per ticket, % of the price
dashboard-fee-order = Per order
dashboard-fees-absorbed = The organizer pays the fees (buyers see the ticket price only)
dashboard-tax = Tax
dashboard-tax-rate = { $name }: tax (%)
dashboard-tax-inclusive = The price includes the tax
dashboard-refunds = Refunds
dashboard-buyer-refunds = Buyers may refund their own orders
dashboard-refund-deadline = Until hours before the start
dashboard-refund-fee = Kept back from a buyer’s refund
dashboard-reminder = Reminder e-mail, hours before the start (0: none)
