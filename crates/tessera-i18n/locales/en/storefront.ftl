# The storefront: finding an event, buying tickets, the order, its
# confirmation and the order's secret link.

storefront-events-title = Events
storefront-search = Search events
storefront-category = Category
storefront-all = All categories
storefront-from-date = From
storefront-to-date = To
storefront-search-button = Search
storefront-bad-date = enter a date like 2026-12-31
storefront-no-events = No events found.
storefront-from-price = from { $price }
storefront-free = Free
storefront-month = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
storefront-day = { $day }

# The event page.
storefront-when = When
storefront-where = Where
storefront-time-zone = Times are in the venue's time zone ({ $zone }).
storefront-map = Show on a map
storefront-add-to-calendar = Add to calendar
storefront-about = About this event
storefront-tickets = Tickets
storefront-ticket = Ticket
storefront-price = Price
storefront-quantity = Quantity
storefront-how-many = How many { $name } tickets
storefront-fewer = One fewer { $name }
storefront-more = One more { $name }
storefront-not-on-sale = Not on sale
storefront-sold-out = Sold out
storefront-only-left = { $count ->
    [one] Only 1 left
   *[other] Only { $count } left
}
storefront-left-script = Only { $count } left
storefront-on-sale-from = On sale from { $when }
storefront-sales-open-on = Tickets go on sale on { $when }
storefront-incl-fees = incl. fees of { $fees }
storefront-per-order-fee = Plus a service fee of { $fee } per order.
storefront-max-per-order = { $count ->
    [one] At most 1 per order
   *[other] At most { $count } per order
}
storefront-your-details = Your details
storefront-name = Name on the tickets
storefront-email = E-mail
storefront-email-hint = We send the tickets to this address.
storefront-reserve = Reserve
storefront-total-so-far = Total
storefront-nothing-on-sale = Nothing is on sale for this event right now.
storefront-choose-one = choose at least one ticket
storefront-whole-number = { $name }: enter a whole number
storefront-bad-email = enter an e-mail address like name@example.org
storefront-form-expired = The form expired. Please choose your tickets again.
storefront-open-event = Open the event again

# The order page.
storefront-order-title = Your order
storefront-order-ref = Order { $reference }
storefront-state-pending = Waiting for payment
storefront-state-paid = Paid
storefront-state-expired = Expired
storefront-state-cancelled = Cancelled
storefront-state-refunded = Refunded
storefront-state-partly-refunded = Partially refunded
storefront-refunded-amount = Refunded: { $amount }
storefront-fees = Fees
storefront-tax = Tax
storefront-total = Total
storefront-line-amount = Amount
storefront-held-for = Your tickets are held for
storefront-held-until = until { $time }
storefront-pay = Pay { $amount }
storefront-confirm-free = Confirm my free tickets
storefront-download-pdf = Download the tickets (PDF)
storefront-your-tickets = Your tickets
storefront-seat = Seat
storefront-holder = Holder
storefront-type = Ticket type
storefront-qr-alt = QR code of the ticket for { $name }
storefront-open-ticket = Open this ticket
storefront-ticket-void = No longer valid
storefront-refund-title = Can't come?
storefront-refund-offer = You can cancel until { $deadline } and get { $amount } back.
storefront-refund-button = Cancel and refund
storefront-refund-question = Cancel this order and refund { $amount }? Your tickets stop working at once.
storefront-refund-yes = Yes, cancel and refund
storefront-no-refund = No refund
storefront-back-to-order = Back to the order
storefront-hold-expired = The hold expired and the tickets went back on sale.
storefront-start-again = Start again
storefront-order-closed = This order is { $state }.
storefront-how-to-pay = How to pay
storefront-quote = Quote { $reference } with your payment, by { $due }.

# The confirmation after payment.
storefront-thanks-title = Thank you!
storefront-on-their-way = Your tickets are on their way to { $email }.
storefront-view-tickets = View your tickets
storefront-waiting-title = Almost there
storefront-waiting = We are waiting for the payment to be confirmed. This page shows your tickets as soon as it is.

# Finding an order without an account.
storefront-find-link = Find my order
storefront-find-title = Find my order
storefront-find-intro = Enter the e-mail address you ordered with and the order reference (it is in the confirmation e-mail, like A1B2C3D4). We send a link that opens the order.
storefront-find-reference = Order reference
storefront-find-send = Send me the link
storefront-find-sent-title = Check your inbox
storefront-find-sent = If an order with that reference was placed with { $email }, we have sent it a link to the order. It can take a minute to arrive.
storefront-find-no-reference = enter the order reference
storefront-find-too-many = Too many requests; please wait a few minutes and try again.

# The ticket's own page and the sandbox payment page.
storefront-ticket-not-found = Ticket not found
storefront-ticket-check-link = Check the link in your order confirmation.
storefront-ticket-gone = Ticket no longer valid
storefront-ticket-replaced = This ticket was replaced by a new one (for example after a name change); use the new ticket.
storefront-ticket-cancelled = This ticket was cancelled or refunded and no longer admits anyone.
storefront-sandbox-title = Sandbox payment
storefront-sandbox-test = Test payment.
storefront-sandbox-note = No money moves: this page stands in for a payment provider.
storefront-sandbox-order = Order { $reference } · { $amount }
storefront-sandbox-outcome = Outcome
storefront-sandbox-success = Payment succeeds
storefront-sandbox-decline = Card declined
storefront-sandbox-delayed = Confirmation arrives later
storefront-sandbox-delay = Seconds until the confirmation
storefront-sandbox-pay = Pay { $amount }
storefront-sandbox-state = This payment is { $state }.
storefront-sandbox-accepted = The payment was accepted.
storefront-sandbox-later = The confirmation will arrive later.
storefront-sandbox-declined = The payment was declined; the order is still waiting for payment.
storefront-sandbox-choose = Choose an outcome: success, decline or delayed.
storefront-sandbox-not-found = Payment not found
storefront-sandbox-missing = This test payment does not exist.
storefront-access-code-title = Have an access code?
storefront-access-code = Access code
storefront-access-code-submit = Show its tickets
storefront-access-code-wrong = This code opens no tickets of this event.
storefront-access-code-accepted = Your access code is applied: its tickets are listed below.
storefront-tier-left = { $count ->
    [one] 1 left at this price
   *[other] { $count } left at this price
}
storefront-tier-until = until { $when }
storefront-tier-then = then { $price }
