# Gift cards: their errors, the storefront's "pay with a gift card" box, the
# dashboard's Gift cards tab and the scanner's Redeem mode.

giftcards-error-code-shape = This is not a gift card code, or it has a typo: please check it.
giftcards-error-expiry-past = Must be in the future.

errors-code-gift-card-unknown = No such gift card.
errors-code-gift-card-disabled = This gift card is disabled.
errors-code-gift-card-expired = This gift card has expired.
errors-code-gift-card-empty = Nothing is left on this gift card.
errors-code-gift-card-currency = This gift card is in another currency than the order.
errors-code-gift-card-insufficient = Less is left on this gift card than that.

giftcards-pay-with-card = Pay with a gift card
giftcards-pay-with-card-hint = The card pays what it can; you pay the rest as usual.
giftcards-apply = Use gift card
giftcards-paid-with-card = Paid with gift cards: { $amount }.
giftcards-left-to-pay = Left to pay: { $amount }

giftcards-title = Gift cards
giftcards-intro = A gift card pays for orders of this organization, in part or in full, and can be spent at the venue's counters (the scanner's Redeem mode). Its code is shown in full only once, when it is issued.
giftcards-none = No gift cards yet.
giftcards-code = Code
giftcards-state = Status
giftcards-balance = Balance
giftcards-value = Value
giftcards-currency = Currency
giftcards-expires = Expires
giftcards-expires-utc = Expires (UTC)
giftcards-expires-hint = Optional. Leave empty for a card that never expires.
giftcards-no-expiry = Never
giftcards-note = Note
giftcards-created = Issued
giftcards-issued-by = Issued by
giftcards-new-title = Issue a gift card
giftcards-issue = Issue gift card
giftcards-issued = Gift card issued.
giftcards-issued-title = New gift card worth { $value }
giftcards-code-once = Copy the code now and hand it to the holder: it will not be shown in full again.
giftcards-state-active = Active
giftcards-state-disabled = Disabled
giftcards-state-expired = Expired
giftcards-state-spent = Spent
giftcards-error-currency = A currency code such as EUR.
giftcards-error-value = An amount in the currency, such as 50.00.
giftcards-error-date = A date and time, such as 2027-12-31T23:59.
giftcards-card-title = Gift card { $code }
giftcards-back = All gift cards
giftcards-disable = Disable this card
giftcards-enable = Enable this card
giftcards-log = History
giftcards-when = When
giftcards-what = What
giftcards-amount = Amount
giftcards-balance-after = Balance after
giftcards-order = Order
giftcards-who = Who
giftcards-kind-issue = Issued
giftcards-kind-checkout = Paid an order
giftcards-kind-counter = Spent at a counter
giftcards-kind-refund = Refunded to the card
giftcards-kind-adjust = Adjusted

giftcards-redeem-title = Redeem gift cards and coupons
giftcards-redeem-link = Redeem gift cards at a counter
giftcards-look-up = Check balance
giftcards-redeem = Take it off the card
giftcards-redeem-amount = Amount to take off ({ $currency })
giftcards-redeemed = { $amount } taken off. Left on the card: { $balance }.
