# E-mails to buyers (tessera-mail). Values arrive formatted as text: money
# and dates by the mail crate's locale functions.

## Shared by every mail
mail-greeting = Hello,
mail-greeting-name = Hello { $name },
mail-footer = This message was sent automatically by { $org } through Tessera because of your order. Replies to it are not read.
mail-view-order = View your order
mail-view-tickets = View your tickets
mail-fact-event = Event
mail-fact-when = When
mail-fact-where = Where
mail-fact-order = Order
mail-fact-new-date = New date
mail-fact-amount-due = Amount due
mail-fact-pay-by = Pay by
mail-fact-payment-reference = Payment reference
mail-fact-refunded = Refunded
mail-fact-reason = Reason
mail-fact-still-paid = Still paid on the order

## Order confirmation
mail-confirmation-subject = Order confirmation: { $event } (order { $reference })
mail-confirmation-heading = Your order is confirmed
mail-confirmation-intro = Thank you for your order. Your tickets for { $event } are confirmed.
mail-confirmation-table = Your order
mail-confirmation-item = Item
mail-confirmation-quantity = Qty
mail-confirmation-unit-price = Unit price
mail-confirmation-amount = Amount
mail-confirmation-fees = Fees
mail-confirmation-taxes = Taxes
mail-confirmation-total = Total
mail-confirmation-tickets = { $count ->
    [one] Your ticket
   *[other] Your tickets
}
mail-confirmation-ticket-holder = { $holder } – { $label }
mail-confirmation-open-ticket = Open ticket
mail-confirmation-pdf = { $count ->
    [one] Your ticket is also attached to this e-mail as a PDF. Show it on your phone or bring it printed.
   *[other] Your tickets are also attached to this e-mail as a PDF. Show them on your phone or bring them printed.
}

## Payment reminder (bank transfer)
mail-payment-subject = Payment due: { $event } (order { $reference })
mail-payment-heading = Your payment is due
mail-payment-intro = Your tickets for { $event } are reserved. Please pay { $amount } by { $due }; after that the reservation is released.
mail-payment-how = How to pay
mail-payment-quote = Please quote the payment reference { $reference } so that we can match your payment.

## Refund
mail-refund-subject = Refund for order { $reference }: { $event }
mail-refund-heading = We have refunded you
mail-refund-intro = We have refunded { $amount } of your order { $reference } for { $event }.
mail-refund-in-full = Your order is now refunded in full, and its tickets are no longer valid.
mail-refund-way-back = The money goes back the way you paid; depending on your bank it can take a few days to arrive.

## A payment that arrived after the reservation expired
mail-late-subject = Your payment for order { $reference } has been refunded
mail-late-heading = Your payment arrived too late
mail-late-intro = Your payment of { $amount } for order { $reference } ({ $event }) reached us after the reservation had expired, and the tickets had been sold in the meantime.
mail-late-sorry = We have therefore refunded the full amount. We are sorry for the inconvenience.

## Reminder before the event
mail-reminder-subject = Reminder: { $event } on { $date }
mail-reminder-heading = See you soon
mail-reminder-intro = { $event } is coming up. Here are the details.
mail-reminder-bring = Please have your tickets ready at the entrance, on your phone or printed.

## The event moved to another date
mail-moved-subject = New date: { $event } on { $date }
mail-moved-heading = Your event has moved
mail-moved-intro = { $org } has moved { $event } to a new date. Your tickets stay valid.
mail-moved-renewed = The QR codes on your tickets were renewed for the new date. Please use the tickets from your order page; a ticket printed earlier is still recognised at the entrance.

## The event was cancelled
mail-cancelled-subject = Cancelled: { $event }
mail-cancelled-heading = The event has been cancelled
mail-cancelled-intro = We are sorry to tell you that { $org } has cancelled { $event }. The tickets of your order { $reference } are no longer valid.
mail-cancelled-refund = You will receive a refund of { $amount }, the way you paid. There is nothing you need to do.

# "Find my order": the order's secret link, asked for on /orders/find.
mail-find-order-subject = Your order { $reference }: { $event }
mail-find-order-heading = Here is your order
mail-find-order-intro = You asked for a link to your order { $reference } for { $event }. It opens the order and its tickets in any browser.
mail-find-order-open = Open your order
mail-find-order-keep = Keep this link to yourself: anyone who has it can see the order and its tickets.
mail-find-order-not-you = If you did not ask for it, you can ignore this message.


## Account mails: password reset, address verification, invitations.

mail-reset-subject = Reset your Tessera password
mail-reset-heading = Choose a new password
mail-reset-hello = Hello,
mail-reset-hello-name = Hello { $name },
mail-reset-body = Someone asked to reset the password of the Tessera account for this address. If it was you, choose a new password with the button below. Every device signed in to the account will be signed out.
mail-reset-button = Choose a new password
mail-reset-expiry = { $minutes ->
    [one] The link works once, for { $minutes } minute.
   *[other] The link works once, for { $minutes } minutes.
}
mail-reset-ignore = If you did not ask for this, ignore this message: your password stays as it is.
mail-reset-footer = This message was sent automatically by Tessera because of a request on your account. Replies to it are not read.

mail-verify-subject = Confirm your e-mail address
mail-verify-heading = Confirm your address
mail-verify-hello = Hello,
mail-verify-hello-name = Hello { $name },
mail-verify-body = Please confirm that this address belongs to your Tessera account, so that we can reach you about your tickets and your account.
mail-verify-button = Confirm my address
mail-verify-expiry = { $minutes ->
    [one] The link works once, for { $minutes } minute. You can ask for a new one on your account page.
   *[other] The link works once, for { $minutes } minutes. You can ask for a new one on your account page.
}
mail-verify-ignore = If you did not create a Tessera account, ignore this message.
mail-verify-footer = This message was sent automatically by Tessera because of a request on your account. Replies to it are not read.

mail-invite-subject = Join { $org } on Tessera
mail-invite-heading = You are invited to { $org }
mail-invite-hello = Hello,
mail-invite-hello-name = Hello { $name },
mail-invite-body = { $inviter } invited you to join { $org } on Tessera as { $role }. Accept with the button below: sign in, or create an account with this address.
mail-invite-button = Accept the invitation
mail-invite-expiry = { $days ->
    [one] The invitation is valid for { $days } day.
   *[other] The invitation is valid for { $days } days.
}
mail-invite-ignore = If you do not know this organization, ignore this message; nothing happens unless you accept.
mail-invite-footer = This message was sent automatically by Tessera on behalf of the organization that invited you. Replies to it are not read.
mail-invite-role-owner = owner
mail-invite-role-admin = administrator
mail-invite-role-staff = box office staff
mail-invite-role-scanner = gate scanner
