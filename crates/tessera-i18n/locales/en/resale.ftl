# Face-value resale: the seller's page, the listings on the event page, the
# buyer's checkout of a listing, the organizer's tab, the e-mail and the refusals.

errors-code-ticket-listed = This ticket is listed for resale; withdraw the listing first.
errors-code-resale-disabled = The organizer does not allow resale for this event.
errors-code-resale-closed = Resale for this event is closed: it has started.
errors-code-not-resellable = A ticket received by transfer cannot be resold.
errors-code-no-refundable-payment = No payment of this order can take the payout; list at a lower price.
errors-code-listing-held = Someone is paying for this listing right now; it can be withdrawn if they do not finish.
errors-code-listing-ended = This listing was already sold or withdrawn.
errors-code-listing-unavailable = This resale ticket is no longer available.
errors-code-primary-first = Tickets of this type are still on sale first-hand; buy one of those.
errors-code-own-listing = This is your own listing.
errors-code-resale-first = Resale tickets of this type are offered first; buy one of those below.
errors-lines-empty-with-listing = leave empty when buying a resale ticket
resale-error-not-your-ticket = not a ticket of this order
resale-error-price-cap = at most { $amount }

resale-tab = Resale
resale-link = Sell at face value
resale-title = Sell tickets at face value
resale-intro = Can't go? List a ticket here instead of on a resale site. When someone buys it, your ticket is cancelled and you get the price, less the organizer's fee, back through the payment you made.
resale-rules = The organizer keeps { $fee } of the price; the highest price of each ticket is shown under it.
resale-not-paid = Tickets can be listed once the order is paid.
resale-nothing-to-list = No ticket of this order can be listed now.
resale-price = Asking price for { $ticket }
resale-list = List for resale
resale-listed-ok = Listed. We will e-mail you when it sells.
resale-withdrawn-ok = Listing withdrawn: the ticket is yours again.
resale-withdraw = Withdraw
resale-my-listings = Your listings
resale-held-until = a buyer is paying until { $date }

resale-col-ticket = Ticket
resale-col-seller = Seller
resale-col-price = Price
resale-col-fee = Fee
resale-col-payout = Payout
resale-col-state = State
resale-col-when = Listed

resale-state-listed = On sale
resale-state-held = Being bought
resale-state-sold = Sold
resale-state-withdrawn = Withdrawn
resale-state-cancelled = Cancelled

resale-on-sale = Resale tickets
resale-on-sale-intro = Tickets other fans cannot use, at no more than their face value.
resale-face = face value { $amount }
resale-buy = Buy
resale-buy-title = Buy a resale ticket
resale-buy-what = { $ticket }: { $price } (face value { $face })
resale-buy-how = The ticket is held for you while you pay. The seller's ticket is cancelled when you have paid, and you get a new one with its own code.
resale-buy-submit = Reserve this ticket
resale-buy-gone = This resale ticket is no longer available.
resale-back-to-event = Back to the event

resale-settings-title = Resale – { $event }
resale-settings-intro = Let ticket holders resell tickets they cannot use, at most at face value, instead of on scalper sites. A sale voids the seller's ticket, issues a new one to the buyer and pays the seller back through their payment.
resale-settings-enabled = Holders may resell their tickets
resale-settings-cap = Price cap (percent of face value)
resale-settings-cap-hint = 100 allows face value; lower keeps resale cheaper than first-hand.
resale-settings-fee = Fee (basis points of the price)
resale-settings-fee-hint = 250 is 2.5 %, kept from the seller's payout.
resale-settings-first = While first-hand tickets of a type are on sale
resale-first-primary = offer first-hand tickets first (listings wait until the type sells out)
resale-first-resale = offer resale tickets first (first-hand sales of the type wait for its listings)
resale-settings-save = Save resale rules
resale-settings-saved = Resale rules saved.
resale-settings-off = Resale is off for this event.
resale-listings = Listings
resale-none = No listings yet.

resale-mail-sold-subject = Your ticket for { $event } was resold
resale-mail-sold-heading = Your ticket was resold
resale-mail-sold-intro = Your listed ticket ({ $ticket }) for { $event } sold for { $price }.
resale-mail-sold-payout = { $payout } goes back through the payment you made (the organizer's fee was { $fee }).
resale-mail-sold-void = The ticket you listed is no longer valid; its new holder has a ticket of their own.
