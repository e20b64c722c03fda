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
