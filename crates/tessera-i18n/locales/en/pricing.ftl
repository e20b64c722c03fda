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
