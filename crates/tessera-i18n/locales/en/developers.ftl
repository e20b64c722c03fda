# For integrators: API tokens, webhook endpoints and the API reference's
# page chrome (the operations' own texts come from the OpenAPI document).

## Shared

developers-secret-once = Copy it now: it is not shown again.
developers-never = never
developers-status = Status
developers-actions = Actions
developers-confirm-cancel = Cancel, go back

## API tokens

developers-tokens-title = API tokens
developers-tokens-none = No API tokens yet.
developers-token-name = Name
developers-token-role = Role
developers-token-created = Created
developers-token-expires = Expires
developers-token-last-used = Last used
developers-token-starts-with = Starts with
developers-token-active = Active
developers-token-expired = Expired
developers-token-revoked = Revoked
developers-token-revoke = Revoke
developers-token-revoke-title = Revoke a token
developers-token-revoke-question = Revoke the token { $name }? Programs using it stop working at once.
developers-token-revoke-yes = Yes, revoke
developers-token-new-title = Create a token
developers-token-role-hint = A token acts with its role, at most your own.
developers-token-days = Days until it expires (optional)
developers-token-days-hint = Leave empty for a token that works until it is revoked.
developers-token-days-number = Enter a whole number of days, such as 30.
developers-token-name-required = Give the token a name, such as the program that uses it.
developers-token-choose-role = Choose one of the roles in the list.
developers-token-submit = Create the token
developers-token-secret-title = Your new API token
developers-token-send-as = Send it with every request as
developers-done-token-created = The token was created.
developers-done-token-revoked = The token was revoked.

## Webhooks

developers-webhooks-title = Webhooks
developers-webhooks-none = No webhook endpoints yet.
developers-webhook-endpoint = Endpoint
developers-webhook-event-types = Event types
developers-webhook-failures = Failures in a row
developers-webhook-on = On
developers-webhook-off = Off
developers-webhook-off-because = Off: { $reason }
developers-webhook-new-title = Add an endpoint
developers-webhook-url = URL of the endpoint
developers-webhook-description = Description (optional)
developers-webhook-topics = Which events to send
developers-webhook-topic-all = All events, including ones added later
developers-webhook-topic-order-created = An order is placed
developers-webhook-topic-order-paid = An order is paid
developers-webhook-topic-order-cancelled = An order is cancelled
developers-webhook-topic-order-refunded = An order is refunded
developers-webhook-topic-ticket-checked-in = A ticket is checked in
developers-webhook-topic-ticket-transferred = A ticket is transferred to someone else
developers-webhook-topic-ticket-resold = A resale listing sold: the seller's ticket is void, the buyer has a new one
developers-webhook-topic-waitlist-offered = Freed tickets are offered to a waitlisted buyer
developers-webhook-topic-event-cancelled = An event is cancelled
developers-webhook-signed = Messages are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).
developers-webhook-submit = Add the endpoint
developers-webhook-all = All webhook endpoints
developers-webhook-secret-title = Signing secret
developers-webhook-secret-label = Signing secret of this endpoint
developers-webhook-secret-use = Verify our signatures with it.
developers-webhook-send = Send to this endpoint
developers-webhook-url-note = To change the address, add a new endpoint and delete this one.
developers-webhook-save = Save the endpoint
developers-webhook-delete = Delete the endpoint
developers-webhook-delete-question = Delete the endpoint { $url }? Nothing more is sent to it.
developers-webhook-delete-yes = Yes, delete
developers-webhook-deliveries = Deliveries
developers-webhook-deliveries-none = Nothing was sent to this endpoint yet.
developers-webhook-event-type = Event type
developers-webhook-attempts = Attempts
developers-webhook-last-error = Last error
developers-webhook-next-attempt = Next attempt: { $when }
developers-webhook-send-again = Send again
developers-webhook-every-attempt = Every attempt
developers-webhook-time = Time
developers-webhook-http-status = HTTP status
developers-webhook-duration = Duration
developers-webhook-duration-ms = { $ms } ms
developers-webhook-error = Error
developers-webhook-waiting = waiting
developers-webhook-delivered = delivered
developers-webhook-failed = failed
developers-done-endpoint-created = The endpoint was added.
developers-done-endpoint-saved = The endpoint was saved.
developers-done-endpoint-deleted = The endpoint was deleted.
developers-done-redelivered = The delivery is queued to be sent again.
developers-done-already-queued = This delivery is already queued.

## The API reference

developers-api-reference = { $title } reference
developers-api-machine-readable = Machine-readable:
developers-api-error-shape = Errors always have the shape
developers-api-contents = Contents
developers-api-about = About this API
developers-api-schemas = Schemas
developers-api-parameters = Parameters
developers-api-parameter = Parameter
developers-api-in = In
developers-api-type = Type
developers-api-about-column = About
developers-api-body = Body:
developers-api-responses = Responses:
developers-api-field = Field
developers-api-one-of = One of:
developers-api-array-of = array of
developers-api-object = object
developers-api-required = Fields and parameters marked * are required.
