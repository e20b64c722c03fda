# Error messages of the app layer and the API, in the reader's language
# (pages: the page language; API: Accept-Language). The JSON keeps its
# stable machine `code` and field names; only `message` texts come from here.

## Messages about one field (tessera-domain validation)
errors-empty = must not be empty
errors-too-short = { $min ->
    [one] must be at least { $min } character
   *[other] must be at least { $min } characters
}
errors-too-long = { $max ->
    [one] must be at most { $max } character
   *[other] must be at most { $max } characters
}
errors-control-characters = must not contain control characters
# A field message not yet in the catalogs: its English detail follows.
errors-field-detail = invalid value ({ $detail })

## Whole requests
errors-invalid-input = Some of the input is not valid; see the fields.
errors-not-found = There is no such thing here.
errors-internal = Something went wrong on our side. Please try again later.
errors-invalid-credentials = Wrong e-mail address, password or code.
errors-totp-required = Enter the code from your authenticator app.
errors-two-factor-required = This organization requires two-factor authentication; turn it on for your account first.
errors-forbidden = You are not allowed to do this.
errors-code-unauthenticated = Please sign in first.
errors-rate-limited = Too many attempts; please wait { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
} and try again.
errors-idempotency-in-progress = This request is still being processed; please retry in { $seconds ->
    [one] { $seconds } second
   *[other] { $seconds } seconds
}.
errors-conflict = This value is already in use or was changed meanwhile.
errors-sold-out = { $available ->
    [0] Sold out.
    [one] Only { $available } ticket left.
   *[other] Only { $available } tickets left.
}
# A refusal whose reason is not yet in the catalogs: its English detail follows.
errors-refused = The request was refused ({ $detail }).

## Refusals by their stable code
errors-code-not-on-sale = These tickets are not on sale now.
errors-code-limit-exceeded = This would be more tickets than one customer may buy for this event.
errors-code-access-code-required = These tickets need an access code.
errors-code-members-only = Only members can buy these tickets: sign in with the account that holds your membership.
errors-code-order-pending = Tickets are issued once the order is paid.
errors-code-order-not-paid = Only a paid order has tickets to print.
errors-code-not-paid = Nothing was paid for this order.
errors-code-payment-rejected = The payment was refused.
errors-code-payments-not-configured = The organizer has not set up payments yet.
errors-code-payment-required = This order must be paid.
errors-code-payment-closed = This payment is already closed.
errors-code-refund-not-allowed = This refund is not possible.
errors-code-provider-unavailable = The payment provider cannot be reached right now; please try again shortly.
errors-code-free-order = This order is free: confirm it instead of paying.
errors-code-already-queued = This is already queued.
errors-code-bad-event = This is not the right event.
errors-code-bad-signature = The signature is not valid.
errors-code-invalid-token = This access token is not valid.
errors-code-token-expired = This access token has expired.
errors-code-token-revoked = This access token was revoked.
errors-code-token-creator-gone = The account that created this access token no longer exists.

## Orders (the checkout)
errors-line-count = { $max ->
    [one] must have 1 line
   *[other] must have 1 to { $max } lines
}
errors-sold-by-seat = this event is sold by seat; choose seats instead
errors-not-a-ticket-type = not a ticket type of this event
errors-repeated-ticket-type = appears more than once
errors-quantity-between = must be between { $min } and { $max }
errors-email-required-for-guests = required when you are not signed in

## Ranges, counts and formats (the English texts are the API's field messages)
errors-between = must be between { $min } and { $max }
errors-must-be-range = must be { $min } to { $max }
errors-range = { $min } to { $max }
errors-rate-range = { $min } to { $max } (100 %)
errors-at-most = at most { $max }
errors-at-most-value = must be at most { $max }
errors-at-most-characters = { $max ->
    [one] at most { $max } character
   *[other] at most { $max } characters
}
errors-too-long-bytes = { $max ->
    [one] must be at most { $max } byte
   *[other] must be at most { $max } bytes
}
errors-more-than-zero = must be more than zero
errors-at-least-used = must be at least { $min } (already sold or held)
errors-between-min-per-order = must be between min_per_order and { $max }
errors-one-of = one of { $options }
errors-star-or-one-of = `*` or one of { $options }
errors-value-appears-twice = { $value } appears twice
errors-listed-twice = listed twice
errors-in-future = is in the future
errors-email = must be an e-mail address
errors-slug-format = must be { $min }-{ $max } characters of a-z, 0-9 and '-', not starting or ending with '-'
errors-currency-code = an ISO 4217 code such as EUR
errors-search-too-long = search text is longer than { $max } characters
errors-lines-range = { $max ->
    [one] { $min } to { $max } line
   *[other] { $min } to { $max } lines
}
errors-seat-count = { $max ->
    [one] { $min } to { $max } seat
   *[other] { $min } to { $max } seats
}
errors-ticket-count = { $max ->
    [one] { $min } to { $max } ticket
   *[other] { $min } to { $max } tickets
}
errors-scan-count = { $max ->
    [one] { $min } to { $max } scan
   *[other] { $min } to { $max } scans
}
errors-gate-count = { $max ->
    [one] { $min } to { $max } gate
   *[other] { $min } to { $max } gates
}
errors-event-type-count = { $max ->
    [one] { $min } to { $max } event type
   *[other] { $min } to { $max } event types
}
errors-webhook-secret-count = { $max ->
    [one] { $min } to { $max } endpoint secret
   *[other] { $min } to { $max } endpoint secrets
}
errors-day-range = { $max ->
    [one] { $min } to { $max } day
   *[other] { $min } to { $max } days
}
errors-second-range = { $max ->
    [one] { $min } to { $max } second
   *[other] { $min } to { $max } seconds
}
errors-image-count = { $max ->
    [one] at most { $max } image
   *[other] at most { $max } images
}
errors-quota-count = { $max ->
    [one] at most { $max } quota
   *[other] at most { $max } quotas
}
errors-category-count = { $max ->
    [one] at most { $max } category
   *[other] at most { $max } categories
}

## Events, ticket types and quotas
errors-after-start = must be after starts_at
errors-not-after-end = must not be after ends_at
errors-after-sales-start = must be after sales_start
errors-after-from = must be after from
errors-image-url = must be an http(s) URL of at most { $max } characters
errors-repeated-quota = must not repeat a quota
errors-repeated-ticket-type-choice = must not repeat a ticket type
errors-hidden-needs-access-code = a hidden ticket type needs an access code
errors-access-code-format = must be { $min }-{ $max } characters of A-Z, a-z, 0-9, '-' and '_'
errors-publish-needs-quota = add a ticket type that draws from a quota before publishing
errors-bad-cursor = not a cursor this server issued
errors-no-image = no image to store

## Orders, seats and refunds
errors-lines-empty-with-seats = leave empty when asking for seats
errors-not-a-seat-id = not a seat id
errors-at-most-count = at most count
errors-amount-or-tickets = give an amount or tickets, not both
errors-refund-at-most = at most { $amount } can be refunded
errors-not-order-ticket = not a ticket of this order
errors-already-void = already void
errors-sale-key-missing = the form's key is missing; load the form again

## Payment settings
errors-sandbox-off = the sandbox provider is switched off on this server (payments.allow_sandbox)
errors-stripe-secret-key = a Stripe secret key (sk_live_..., sk_test_...) or restricted key (rk_...)
errors-webhook-secret = an endpoint secret (whsec_...)
errors-required-for-stripe = required for Stripe

## Check-in
errors-per-day-needs-max = per_day needs max_entries_per_day from { $min } to { $max }
errors-max-entries-only-per-day = max_entries_per_day only goes with per_day
errors-unknown-entry-policy = unknown entry policy `{ $value }`
errors-gate-names-unique = gate names must be unique
errors-list-gate-limit = a list has at most { $max } gates
errors-not-a-gate = not a gate of this check-in list
errors-nonce-format = { $min } to { $max } characters: letters, digits, - _ . :
errors-twice-in-upload = appears twice in this upload
errors-sync-cursor = must be a cursor returned by an earlier sync

## Accounts, organizations and tokens
errors-wrong-password = wrong password
errors-wrong-code = wrong or already used code
errors-bad-link = this link is invalid, expired or already used; ask for a new one
errors-no-such-account = no account with this e-mail address
errors-role-above-own = must not exceed your own role ({ $role })

## Webhook endpoints
errors-url-invalid = The URL is not a valid absolute URL, such as https://hooks.example.com/tessera.
errors-url-too-long = The URL is too long; use at most { $max } characters.
errors-url-scheme = The URL must start with https://.
errors-url-insecure = The URL must use https://; plain http is not accepted.
errors-url-credentials = The URL must not contain a user name or password.
errors-url-local-name = The host name { $host } refers to a local machine or network and cannot receive webhooks.
errors-url-unqualified = The host name { $host } is not a fully qualified domain name, such as hooks.example.com.
errors-url-forbidden-address = The address { $address } is not on the public internet and cannot receive webhooks.

## Seat maps (generating and importing)
errors-rows-times-seats = rows × seats_per_row must be at most { $max }
errors-span-degrees = must be above 0 and at most { $max }
errors-venue-without-map = the event's venue has no seat map; import or generate one first
errors-category-needs-type = every seat category needs a ticket type
errors-category-unused = no seat of the map has this category
errors-map-too-many-seats = { $count } seats; a venue's map holds at most { $max }
errors-map-invalid = invalid seat map
errors-map-more-problems = { $count ->
    [one] and { $count } more problem
   *[other] and { $count } more problems
}
errors-map-syntax = malformed { $format }: { $detail }
errors-map-wrong-format = not a Tessera seat map (expected "format": "tessera-seat-map")
errors-map-version = unsupported version { $found } (this build reads version { $supported })
errors-map-missing-field = missing field `{ $field }`
errors-map-too-long = { $max ->
    [one] longer than { $max } byte
   *[other] longer than { $max } bytes
}
errors-map-bad-number = not a number: { $value }
errors-map-not-finite = not a finite number
errors-map-unknown-flag = unknown flag { $value } (known: wheelchair, companion, restricted_view, aisle)
errors-map-unknown-column = unknown column { $value }
errors-map-missing-column = missing column `{ $column }` in the header
errors-map-duplicate-column = column `{ $column }` appears twice in the header
errors-map-field-count = { $expected ->
    [one] expected { $expected } field, found { $found }
   *[other] expected { $expected } fields, found { $found }
}
errors-map-bad-id = not a UUID: { $value }
errors-map-duplicate-seat = seat { $section }/{ $row }/{ $seat } appears twice (first at { $first })
errors-map-duplicate-row = row { $section }/{ $row } appears twice (first at { $first })
errors-map-duplicate-section = section { $section } appears twice (first at { $first })
errors-map-duplicate-area = area { $name } appears twice (first at { $first })
errors-map-duplicate-id = id { $id } is used twice (first at { $first })
errors-map-no-seats = has no seats
errors-map-empty = the map has no seats and no areas
errors-map-zero-capacity = capacity must be at least 1
errors-map-too-many = more than { $max } { $what }
errors-map-ticket-label = the seat's ticket label { $label } is { $len } bytes; a ticket code carries at most { $max }: shorten the section, row or seat label

## Request bodies, query strings and paths the API cannot read
errors-json-content-type = send the body as JSON with Content-Type: application/json
errors-body-too-large = the request body is too large
errors-body-unreadable = the request body could not be read
errors-malformed-json = the body is not valid JSON (line { $line }, column { $column })
errors-query-unreadable = the query string could not be read
errors-path-unreadable = the address could not be read
errors-malformed-path = the path parameter { $field } is malformed
errors-malformed-id = malformed id
# One field's problem as the whole answer's message.
errors-input-field = { $field }: { $message }
errors-input-unknown-field = unknown field `{ $field }`
errors-input-missing-field = missing field `{ $field }`
errors-input-duplicate-field = duplicate field `{ $field }`
errors-input-unknown-variant = unknown value `{ $value }`
errors-input-wrong-type = wrong type, expected { $expected }
errors-input-invalid-value = invalid value, expected { $expected }
errors-input-not-a-number = not a valid number
errors-bearer-usage = use Authorization: Bearer <token>
errors-bearer-expected = expected a bearer token
errors-csrf-failed = missing or wrong X-CSRF-Token header
errors-csrf-field = must equal the session's csrf_token

## Pages and the order lookup
errors-event-action = must be publish, cancel or end
errors-lookup-email = enter an e-mail address like name@example.org
errors-lookup-reference = enter the order reference (at most { $max } characters)

## Checks against stored data
errors-no-such-ticket-type = no such ticket type in this event
errors-value-not-a-ticket-type = { $value } is not a ticket type of this event
errors-not-part-of-event = not part of this event
errors-priced-in = this event's ticket types are priced in { $currency }
errors-no-such-venue = no such venue in this organization
errors-payout-at-most = at most { $amount } is owed to the organization
errors-more-than-left = more than is left to refund

## Seats asked for
errors-not-sold-by-seat = this event is not sold by seat
errors-seat-request-count = a request must ask for between 1 and { $max } seats, not { $requested }
errors-wheelchair-party = { $spaces } wheelchair spaces asked for a party of { $count }
errors-unknown-seat-category = unknown category { $value }
errors-seat-without-zone = { $label } has no price zone
errors-seat-problems = these seats cannot be taken: { $detail }
errors-seat-list-problems = { $detail }
errors-zone-seat-limit = at most { $max } seats of this price zone per order

## Values a type checks as it is read
errors-timezone = must be an IANA time zone name such as Europe/Berlin
errors-unknown-timezone = unknown IANA time zone `{ $value }`
errors-unknown-currency = unknown ISO 4217 currency code `{ $value }`

## Seat-map documents and the API's own answers
errors-map-content-type = send the seat map as application/json or text/csv
errors-map-too-large = a seat map document is at most { $mib } MiB
errors-map-not-utf8 = the seat map is not UTF-8 text
errors-map-export-format = format must be json or csv
errors-no-such-endpoint = no such endpoint
errors-method-not-allowed = this endpoint does not take that method
errors-idempotency-key-in-use = in use by a request still running
errors-seat-shape = one of rectangular, curved, stadium
errors-tier-until-past = must be in the future
errors-tier-needs-end = give a quantity, an end date or both: a tier without an end would hide the ticket type's own price
errors-tier-count = a ticket type has at most { $max } price tiers
errors-ceiling-below-floor = must be at least floor_minor
errors-required-for-rule = required by this rule
