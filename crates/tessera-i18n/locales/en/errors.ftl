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
