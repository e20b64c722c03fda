# Promotions: promo codes, their errors, the storefront's code box, the
# dashboard's Promotions tab.

pricing-error-code-shape = 3 to 40 letters, digits or _
pricing-error-code-typo = This code has a typo: please check it.
pricing-error-code-malformed = This is not a promo code.

errors-code-promo-unknown = No such promo code.
errors-code-promo-other-event = This promo code is for another event.
errors-code-promo-not-yet-valid = This promo code is not valid yet.
errors-code-promo-expired = This promo code has expired.
errors-code-promo-exhausted = This promo code has been used up.
errors-code-promo-customer-limit = You have used this promo code as often as it allows.
errors-code-promo-min-quantity = This promo code needs more tickets in the order.
errors-code-promo-not-applicable = This promo code does not apply to these tickets.

pricing-promo-code = Promo code
pricing-promo-code-hint = Optional. Codes are not case-sensitive.
pricing-discount = Discount
pricing-subtotal = Subtotal
pricing-list-price = List price

pricing-tab = Promotions
pricing-title = Promotions: { $event }
pricing-intro = Promo codes give a discount on this event's tickets. Organization-wide codes are listed too.
pricing-codes = Promo codes
pricing-no-codes = No promo codes yet.
pricing-code = Code
pricing-description = Description
pricing-kind = Discount type
pricing-kind-percent = Percentage off
pricing-kind-amount = Amount off the order
pricing-kind-fixed-price = Fixed price per ticket
pricing-value = Value
pricing-value-hint = Percentage: 20 for 20 %. Amount off and fixed price: in the currency, such as 5.00.
pricing-currency = Currency
pricing-min-quantity = Minimum tickets
pricing-valid-from = Valid from (venue time)
pricing-valid-until = Valid until (venue time)
pricing-max-uses = Uses in total
pricing-max-uses-per-customer = Uses per customer
pricing-limit-hint = Leave empty for no limit.
pricing-unlocks-hidden = Also unlocks hidden ticket types
pricing-scope = Applies to
pricing-scope-event = This event
pricing-scope-org = Every event of the organization
pricing-uses = Uses
pricing-uses-of = { $uses } of { $max }
pricing-create = Create code
pricing-created = Promo code created.
pricing-deleted = Promo code deleted.
pricing-delete = Delete
pricing-delete-confirm = Delete the code { $code }? Orders that used it keep their discount.
pricing-batch = Generate single-use codes
pricing-batch-intro = Each code is used once and ends in a check character, so typos are caught at once.
pricing-prefix = Prefix
pricing-count = How many
pricing-generate = Generate
pricing-generated = { $count } codes generated.
pricing-download-csv = Download CSV
pricing-batch-label = Batch
pricing-see-uses = Orders
pricing-uses-title = Orders that used { $code }
pricing-no-uses = No order has used this code yet.
pricing-order = Order
pricing-buyer = Buyer
pricing-order-state = State
pricing-use-active = Counts
pricing-use-released = Given back
pricing-back = Back to the promotions
pricing-error-number = Enter a whole number.
pricing-error-date = Enter a date and time.
pricing-error-kind = Choose a discount type.
pricing-error-currency = Enter a currency code such as EUR.
pricing-error-taken = This organization already has this code.
pricing-edit = Edit this code
pricing-save = Save
pricing-saved = Promo code saved.
pricing-error-value = Enter a number such as 20 or 5.00.
pricing-batches = Batches of single-use codes
pricing-batch-codes = Codes
pricing-batch-used = Used
pricing-batch-listed = The codes of batch { $batch }: { $shown } shown.
pricing-batch-listed-of = { $count ->
    [one] { $count } code in all; the CSV has every one.
   *[other] { $count } codes in all; the CSV has every one.
}
pricing-batch-back = All codes
pricing-types = Limited to these ticket types
pricing-types-hint = None chosen: every ticket type. Only a code of this event can be limited.
pricing-error-types = Choose ticket types of this event.

## Price tiers of a ticket type
tier-title = Price tiers: { $type } ({ $event })
tier-back = Back to the event
tier-intro = Sell this ticket type at other prices first: early bird until a date, or the first tickets at one price and the next at another. After the last tier it sells at its own price, { $price }. A purchase across a boundary is priced ticket by ticket.
tier-list = Tiers, in the order they are tried
tier-none = No price tiers: every ticket sells at the ticket type's own price.
tier-after = After these tiers: { $price }.
tier-name = Name shown to buyers
tier-price = Price
tier-price-in = Price ({ $currency })
tier-until = Ends at
tier-quantity = Ends after (tickets)
tier-end-hint = Give an end date, a number of tickets, or both: the tier ends at whichever comes first. Tickets held in unpaid orders count until they are released.
tier-position = Order
tier-position-hint = Lower numbers are tried first; by default a new tier goes last.
tier-sold = Sold
tier-held = Held
tier-state = Now
tier-current = Selling now
tier-ended = Ended
tier-upcoming = Next
tier-create = Add a tier
tier-edit = Edit this tier
tier-save = Save the tier
tier-delete = Delete the tier
tier-delete-confirm = Delete the tier “{ $name }”? Tickets will sell at the next price at once.
tier-created = The tier was added.
tier-saved = The tier was saved.
tier-deleted = The tier was deleted.
tier-error-price = Enter a price, such as 25.00.
tier-error-in-use = Tickets are held or sold at this tier's price, so it cannot be deleted: end it instead (an end date now, or a number of tickets).
tier-link = Price tiers ({ $count })

## Dynamic pricing of a ticket type
dynamic-title = Dynamic pricing
dynamic-intro = Let the price move by itself between a floor and a ceiling: with the share sold, with how fast tickets sell, or as the event comes closer. It never leaves the bounds, every change is listed below with its reason, and a buyer pays the price they reserved at.
dynamic-price-now = The price now: { $price }.
dynamic-on = On
dynamic-floor = Lowest price ({ $currency })
dynamic-ceiling = Highest price ({ $currency })
dynamic-rule = Rule
dynamic-rule-hint = Share sold: from the lowest price with nothing sold to the highest when sold out. Sales rate: once an hour, one step up when more than the target sold in the last hour, one step down under half of it. Time to the event: from the lowest to the highest price over the last hours before the start (or the other way round).
dynamic-rule-share-sold = By the share sold
dynamic-rule-sales-rate = By the sales rate
dynamic-rule-time-to-event = By the time to the event
dynamic-target = Target: tickets per hour (sales rate)
dynamic-step = One step, in % of the price (sales rate)
dynamic-window = Hours before the start (time to the event)
dynamic-falling = Fall from the highest to the lowest price instead (a last-minute price)
dynamic-rounding = Round prices to multiples of ({ $currency })
dynamic-save = Save dynamic pricing
dynamic-off = Fix the price
dynamic-off-confirm = Fix the price where it is now and stop moving it?
dynamic-saved = Dynamic pricing was saved; the price follows its rule from now on.
dynamic-turned-off = The price is fixed again.
dynamic-changes = Price changes
dynamic-no-changes = The price has not changed.
dynamic-when = When
dynamic-from-to = Price
dynamic-reason = Why
dynamic-reason-share-sold = { $share } % sold
dynamic-reason-sales-up = { $count ->
    [one] 1 ticket sold in the last hour, above the target
   *[other] { $count } tickets sold in the last hour, above the target
}
dynamic-reason-sales-down = { $count ->
    [one] 1 ticket sold in the last hour, under half the target
   *[other] { $count } tickets sold in the last hour, under half the target
}
dynamic-reason-time = { $hours ->
    [one] 1 hour before the start
   *[other] { $hours } hours before the start
}
dynamic-reason-bounds = new bounds
dynamic-error-rule = Choose a rule.

# Coupons taken at a venue's counters (the scanner's Redeem mode).
errors-code-promo-counter-only = This code is redeemed at the venue's counters, not at checkout.
errors-code-promo-not-at-counter = This code is redeemed at checkout, not at a counter.
pricing-error-counter-types = A code taken at counters applies to the whole purchase: choose no ticket types.
pricing-error-counter-hidden = A code taken only at counters cannot unlock hidden ticket types.
pricing-error-channel = Choose where the code is taken.
pricing-channel = Taken
pricing-channel-hint = Counters are the bars and shops of a venue: staff take the code in the scanner's Redeem mode.
pricing-channel-online = At checkout
pricing-channel-counter = At counters only
pricing-channel-both = At checkout and at counters
pricing-counter-title = Taken at counters
pricing-no-counter-uses = Not taken at a counter yet.
pricing-counter-at = When
pricing-counter-purchase = Purchase
pricing-counter-to-pay = To pay
pricing-counter-note = Note
pricing-counter-left = { $count } uses left
pricing-counter-take = Take the coupon
pricing-counter-done = Coupon taken: { $discount } off. To pay: { $to_pay }.
pricing-counter-code = Gift card, coupon or member card code
