# Loyalty points: their errors, the storefront's "use my points" choice, the
# account's points page and the dashboard's Loyalty tab.

errors-code-points-insufficient = You have fewer points than that.
errors-code-points-step = Points are redeemed in whole steps: please choose a multiple of the step.
errors-code-points-disabled = This organizer has no loyalty points.
errors-code-points-sign-in = Sign in with the account that placed the order to use your points.
loyalty-error-points = A whole number of points, such as 500.

loyalty-use-points = Use my points
loyalty-points-hint = You hold { $balance } ({ $rate }). They pay what they can; you pay the rest as usual.
loyalty-apply = Use points
loyalty-points-count = { $points ->
    [one] { $points } point
   *[other] { $points } points
}
loyalty-rate = { $points } points = { $value }

loyalty-title = Loyalty points
loyalty-intro = Signed-in buyers earn points when an order is paid (on what they paid by every means but points) and spend them on their next orders. A refund takes back the points earned on what it refunds and gives back the points it spent.
loyalty-saved = Points rule saved.
loyalty-rule-title = Points rule
loyalty-enabled = Buyers earn and redeem points
loyalty-earn-per-unit = Points earned per whole currency unit paid
loyalty-redeem-points = Points per redemption step
loyalty-redeem-value = Value of a step, in minor units of the order's currency
loyalty-redeem-hint = For example 100 points and 100: every 100 points pay 1.00.
loyalty-expiry-days = Days points last
loyalty-expiry-hint = Counted from when they were earned; 0 for points that never expire.
loyalty-save = Save rule
loyalty-on = Points are on.
loyalty-off = Points are off.
loyalty-report-title = Usage
loyalty-report-outstanding = Points held now
loyalty-report-holders = Buyers holding points
loyalty-report-earned = Points earned
loyalty-report-redeemed = Points redeemed
loyalty-report-orders = Orders paid with points
loyalty-report-expired = Points expired
loyalty-report-reversed = Points taken back by refunds
loyalty-report-returned = Points given back by refunds
loyalty-top-title = Top holders
loyalty-holder = Buyer
loyalty-email = E-mail
loyalty-points = Points

loyalty-my-points = My points
loyalty-my-points-intro = Points you earned with organizers, what they are worth, and when they expire. Points pay orders of the organizer that gave them.
loyalty-no-points = No points yet: they come with your paid orders when the organizer offers them.
loyalty-when = When
loyalty-what = What
loyalty-balance-after = Balance after
loyalty-expiry = Expiry
loyalty-expires-left = { $points } left, expiring { $date }
loyalty-never-expires = Never expire
loyalty-kind-earn = Earned with an order
loyalty-kind-redeem = Paid an order
loyalty-kind-expire = Expired
loyalty-kind-reverse = Taken back by a refund
loyalty-kind-return = Given back by a refund
loyalty-kind-adjust = Adjusted
loyalty-rate-minor = { $points } points pay { $value } in the smallest unit of the order's currency (100 = 1.00)
loyalty-paid-with-points = Paid with points: { $amount }.
loyalty-mail-paid = { $points } of your points paid { $amount } of this order.
loyalty-mail-earned = This order earned you { $points } points; they pay future orders of this organizer.
