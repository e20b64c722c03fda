# Order lists, order pages, the overview and the box office in the dashboard.

## Orders list
orders-title = Orders
orders-search = Search by reference, name or e-mail
orders-event = Event
orders-all-events = All events
orders-state = State
orders-all-states = All states
orders-from = Placed from
orders-until = Placed until
orders-dates-hint = Dates are in the venue's time zone ({ $zone }).
orders-filter = Filter
orders-clear = Clear filters
orders-export = Download these orders (CSV)
orders-none = No orders match.
orders-reference = Reference
orders-buyer = Buyer
orders-placed = Placed
orders-total = Total
orders-previous = Previous page
orders-next = Next page
orders-page = Page { $page }
orders-bad-date = Enter a date like 2026-12-31.
orders-dates-backwards = The end date comes before the start date.
orders-search-too-long = Search text can be at most 200 characters.

## States as people read them
orders-state-pending = Pending
orders-state-paid = Paid
orders-state-cancelled = Cancelled
orders-state-expired = Expired
orders-state-refunded = Refunded
orders-state-partially_refunded = Partially refunded

## One order
orders-order-title = Order { $reference }
orders-starts = Starts { $when }
orders-paid = Paid
orders-refunded = Refunded
orders-ticket-type = Ticket type
orders-quantity = Quantity
orders-price = Price
orders-tickets = Tickets
orders-holder = Holder
orders-seat = Seat
orders-ticket-status = Status
orders-ticket-valid = Valid
orders-ticket-used = Used
orders-ticket-void = Void
orders-actions = Actions
orders-mark-paid = Mark paid
orders-resend = Resend the confirmation e-mail
orders-cancel = Cancel the order
orders-cancel-question = Cancel this order? Its tickets become void and what it held goes back on sale.
orders-cancel-yes = Yes, cancel the order
orders-refund = Refund
orders-refund-left = { $amount } of { $paid } can still be refunded.
orders-refund-amount = Amount (leave empty for all that is left)
orders-refund-only = Or refund only these tickets (they become void)
orders-refund-reason = Reason
orders-refund-review = Review the refund
orders-refund-question-amount = Give { $amount } back to { $buyer }? This cannot be undone.
orders-refund-question-tickets = { $count ->
    [one] Void 1 ticket and give back what it cost to { $buyer }? This cannot be undone.
   *[other] Void { $count } tickets and give back what they cost to { $buyer }? This cannot be undone.
}
orders-refund-yes = Yes, refund
orders-refund-confirm = Refund now…
orders-bad-amount = Enter an amount like 12.50.
orders-refund-positive = The amount must be more than zero.
orders-refund-too-much = At most { $amount } can be refunded.
orders-refund-amount-or-tickets = Give an amount or choose tickets, not both.
orders-refunds = Refunds
orders-refund-state-pending = Under way
orders-refund-state-succeeded = Done
orders-refund-state-failed = Failed
orders-history = History
orders-history-by = by { $actor }

## Sales and attendees of an event
orders-sales-title = Sales · { $event }
orders-tickets-sold = Tickets sold
orders-revenue = Revenue
orders-revenue-note = Face value of paid orders; fees and taxes on top are in the payments ledger.
orders-by-ticket-type = By ticket type
orders-by-day = By day
orders-day = Day
orders-no-sales = No sales yet.
orders-live = Updates as tickets sell.
orders-chart-by-type = Tickets sold by ticket type
orders-chart-by-day = Tickets sold per day
orders-chart-table = The figures as a table
orders-sold-value = { $tickets } · { $revenue }
orders-attendees-title = Attendees · { $event }
orders-attendees-csv = Download the attendees (CSV)
orders-no-attendees = No attendees yet.
orders-checked-in = Checked in
orders-event-tabs = Event

## Overview
orders-overview-title = Overview
orders-today = Today
orders-today-orders = Orders today
orders-today-tickets = Tickets today
orders-today-revenue = Revenue today
orders-to-date-tickets = Tickets to date
orders-to-date-revenue = Revenue to date
orders-no-revenue = none yet
orders-zone-note = Days run in { $zone } time. Revenue is the face value of paid orders.
orders-coming-events = Coming events
orders-no-coming-events = No coming events.
orders-share-sold = { $sold } of { $capacity } sold ({ $percent } %)
orders-no-capacity = No quota yet
orders-chart-cumulative = Tickets sold in all, over the last 30 days
orders-chart-cumulative-desc = From { $before } before { $first } to { $total } on { $last }.
orders-sold-that-day = Sold that day
orders-sold-in-all = In all
orders-new-event = New event

## Box office
orders-box-office-title = Box office · { $event }
orders-box-office-intro = Sell at the door: choose tickets, take the money, and hand over or print the tickets.
orders-box-office-not-on-sale = This event is not on sale.
orders-box-office-quantity = How many { $name } ({ $price })
orders-box-office-left = { $count } left
orders-box-office-name = Name on the tickets (optional)
orders-box-office-email = E-mail for the tickets (optional)
orders-box-office-payment = Payment
orders-box-office-cash = Cash
orders-box-office-card = Card terminal
orders-box-office-sell = Sell and issue the tickets
orders-box-office-choose = Choose at least one ticket.
orders-box-office-bad-quantity = Enter a whole number from 0 to { $max }.
orders-box-office-bad-email = Enter an e-mail address like name@example.org, or leave it empty.
orders-box-office-bad-payment = Choose cash or card terminal.
orders-box-office-walk-in = Box office sale
orders-box-office-done-title = Sold · { $reference }
orders-box-office-done = { $count ->
    [one] 1 ticket issued, paid by { $method }.
   *[other] { $count } tickets issued, paid by { $method }.
}
orders-box-office-pdf = Print the tickets (PDF)
orders-box-office-next = Next sale
orders-box-office-order = See the order
orders-box-office-qr = Ticket code of { $holder }, { $type }
orders-box-office-bad-name = A name can be at most 200 characters.
orders-box-office-hidden = { $name } (hidden)
