# Waitlists: buyers waiting for a sold-out ticket type, offers of freed
# tickets in order, the organizer's tab, and the offer e-mail.

errors-code-waitlist-closed = This event has no waitlist.
errors-code-not-sold-out = Tickets of this type are on sale: buy them instead.
errors-code-waitlist-entry-ended = This waitlist entry has already ended.

waitlist-tab = Waitlist
waitlist-list-title = Waitlist · { $event }
waitlist-settings-intro = When a ticket type sells out, buyers can join its waitlist. Tickets freed by a refund, a cancellation, an expired reservation or more capacity are offered to them in order of joining; each offer holds the tickets for a set time, then passes to the next.
waitlist-settings-enabled = Buyers may join the waitlist of a sold-out ticket type
waitlist-settings-minutes = Offer holds the tickets for (minutes)
waitlist-settings-minutes-hint = 5 to 10080 (a week). An unanswered offer passes to the next buyer in line.
waitlist-settings-save = Save waitlist settings
waitlist-settings-saved = Waitlist settings saved.
waitlist-settings-off = This event has no waitlist.
waitlist-settings-summary = Waitlist on; offers hold tickets for { $minutes } minutes.
waitlist-entries = Entries
waitlist-no-entries = Nobody is on the waitlist.
waitlist-position = Position
waitlist-buyer = Buyer
waitlist-tickets = Tickets
waitlist-state = State
waitlist-joined = Joined
waitlist-detail = Detail
waitlist-actions = Actions
waitlist-remove = Remove
waitlist-removed-notice = The entry was removed from the waitlist.
waitlist-state-waiting = Waiting
waitlist-state-offered = Offered
waitlist-state-accepted = Accepted
waitlist-state-lapsed = Offer lapsed
waitlist-state-left = Left
waitlist-state-removed = Removed
waitlist-state-skipped = Skipped

waitlist-join-link = Join the waitlist
waitlist-join-title = Waitlist · { $event }
waitlist-join-heading = Waitlist for { $type }
waitlist-join-intro = This ticket type is sold out. Join the waitlist: when tickets are freed, they are offered in order of joining, and you get an e-mail with a link to buy them.
waitlist-join-how = We hold the offered tickets for you for a limited time; if you do not buy them by then, they go to the next person in line.
waitlist-join-submit = Join the waitlist
waitlist-join-on-sale = Tickets of this type are on sale: buy them on the event page.
waitlist-back-to-event = Back to the event
waitlist-quantity = How many tickets

waitlist-entry-title = Your place on the waitlist
waitlist-waiting-text = You are on the waitlist. When tickets are freed for you, we send you an e-mail with a link to buy them.
waitlist-offered-text = Tickets are held for you! Buy them before the offer ends.
waitlist-offer-until = Held for you until { $date }
waitlist-offer-pay = Buy the tickets
waitlist-accepted-text = You bought the offered tickets. Your order has them.
waitlist-lapsed-text = The offer ended without a purchase; the tickets went to the next person in line.
waitlist-ended-text = This entry is no longer on the waitlist.
waitlist-leave = Leave the waitlist
waitlist-left-notice = You left the waitlist.
waitlist-keep-link = Keep this page's link: it shows your place and lets you leave the waitlist.
waitlist-account-title = Waitlists
waitlist-account-open = Open

waitlist-mail-offer-subject = Tickets for { $event } are held for you
waitlist-mail-offer-heading = Your turn on the waitlist
waitlist-mail-offer-intro = { $count ->
    [one] A ticket for { $event } was freed and is held for you.
   *[other] { $count } tickets for { $event } were freed and are held for you.
}
waitlist-mail-ticket-type = Tickets
waitlist-mail-offer-pay = Buy the tickets
waitlist-mail-offer-expiry = The tickets are held for you until { $date }. After that, they are offered to the next person on the waitlist.
waitlist-mail-offer-ignore = If you no longer want them, ignore this e-mail.
