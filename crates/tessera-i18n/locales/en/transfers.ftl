# Ticket transfers: the holder's form on the order page, the recipient's
# accept page, the organizer's settings and history, the two e-mails and
# the refusals.

errors-code-transfers-disabled = The organizer does not allow transfers for this event.
errors-code-transfers-closed = Transfers for this event are closed.
errors-code-transfer-accepted = This transfer was already accepted.
errors-code-transfer-cancelled = This transfer was cancelled by its sender.
errors-code-transfer-expired = This transfer has expired.
errors-code-ticket-void = This ticket is void.
errors-code-ticket-used = This ticket was already used at the entrance.
errors-code-ticket-offered = This ticket is already offered in a pending transfer.
errors-code-transfer-limit = This ticket has changed hands as often as the event allows.
transfers-error-not-your-ticket = not a ticket of this order that you hold

transfers-mail-offer-subject = { $from } sends you tickets for { $event }
transfers-mail-offer-heading = Tickets for you
transfers-mail-offer-intro = { $count ->
    [one] { $from } wants to give you a ticket for { $event }.
   *[other] { $from } wants to give you { $count } tickets for { $event }.
}
transfers-mail-offer-message = { $from } writes:
transfers-mail-ticket = Ticket
transfers-mail-offer-accept = Accept the tickets
transfers-mail-offer-expiry = The link works until { $date }. Accepting gives you new tickets in your name; the sender's tickets stop working.
transfers-mail-offer-ignore = If you do not want them, ignore this e-mail; the tickets stay with the sender.
transfers-mail-accepted-subject = Your tickets for { $event } were accepted
transfers-mail-accepted-heading = Transfer accepted
transfers-mail-accepted-intro = { $count ->
    [one] { $to } accepted the ticket you sent for { $event }.
   *[other] { $to } accepted the { $count } tickets you sent for { $event }.
}
transfers-mail-accepted-void = The tickets you sent no longer admit you: they now belong to the recipient, with new codes.

transfers-link = Transfer tickets
transfers-title = Transfer tickets
transfers-intro = Give tickets to someone else: they get an e-mail with a link, and when they accept they receive new tickets in their name. Your tickets keep working until then.
transfers-until = Transfers are possible until { $date }.
transfers-not-paid = Tickets can be transferred once the order is paid.
transfers-nothing-to-offer = You have no tickets left to transfer on this order.
transfers-which = Which tickets
transfers-to-email = Their e-mail address
transfers-to-name = Their name (optional)
transfers-message = A note for them (optional)
transfers-language = Language of the e-mail
transfers-language-en = English
transfers-language-zh = 中文 (简体)
transfers-what-happens = Once they accept, your tickets for them stop working at the entrance and theirs work instead.
transfers-send = Send the tickets
transfers-sent = The link is on its way. The tickets stay yours until it is accepted; you can cancel until then.
transfers-history = Transfers
transfers-to = To
transfers-accepted-by = Accepted by
transfers-tickets = Tickets
transfers-state = State
transfers-when = When
transfers-actions = Actions
transfers-cancel = Cancel the transfer
transfers-state-pending = Waiting for them
transfers-state-accepted = Accepted
transfers-state-cancelled = Cancelled
transfers-state-expired = Expired
transfers-ticket-offered = Offered to someone
transfers-ticket-transferred = Transferred

transfers-accept-title = Tickets for you
transfers-offer-from = { $from } is giving you these tickets:
transfers-accept-until = You can accept until { $date }.
transfers-your-name = Your name, as it will be on the tickets
transfers-accept-as = You are signed in as { $name }: the tickets will also be listed in your account.
transfers-accept-guest = You can accept without an account, or
transfers-sign-in = sign in to keep them in your account.
transfers-accept = Accept the tickets
transfers-accepted = The tickets are yours. Keep the links below: each opens a ticket with its code.
transfers-see-account = See my tickets
transfers-keep-links = Bookmark the tickets' pages, or take a screenshot of the codes: this page does not show them again.
transfers-received = Tickets you received

transfers-tab = Transfers
transfers-settings-title = Transfers: { $event }
transfers-settings-intro = Ticket holders can pass their tickets on to someone else. The recipient gets new tickets with new codes; the old codes stop working at once, and at offline scanners after their next sync.
transfers-settings-allowed = Holders may transfer their tickets
transfers-settings-cutoff = Close transfers this many hours before the start
transfers-settings-cutoff-hint = 0 keeps them open until the event starts. Pending transfers expire at the cutoff.
transfers-settings-max = How many times one ticket may change hands
transfers-settings-save = Save
transfers-settings-saved = Saved.
transfers-settings-closes = With these settings transfers close on { $date }.
transfers-settings-off = Transfers are not allowed for this event.
transfers-settings-summary = Transfers are allowed until { $hours } hours before the start, at most { $max } per ticket.

errors-code-name-changes-disabled = The organizer does not allow name changes for this event.
errors-code-name-changes-closed = Name changes for this event are closed.
transfers-settings-names = Holders may change the name on their tickets (each change issues a new code)
transfers-rename-title = Change the name on a ticket
transfers-rename-intro = The ticket is issued again under the new name, with a new code; the old code stops working at once.
transfers-rename-name = Name on { $ticket }
transfers-rename-save = Change the name
transfers-renamed = Name changed: the ticket has a new code. Use the new one (on the order page and in the PDF).
