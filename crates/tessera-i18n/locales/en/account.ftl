# The buyer's account: signing up and in, and the account's pages.

account-email = E-mail
account-password = Password
account-totp-optional = Authenticator code (if you use one)
account-no-account = No account yet?
account-sign-up = Sign up
account-create = Create an account
account-name = Your name
account-password-hint = At least 12 characters.
account-have-account = Already have an account?
account-bad-email = enter an e-mail address like name@example.org
account-wrong-credentials = Wrong e-mail address or password.

# My tickets (/account).
account-my-tickets = My tickets
account-signed-in-as = Signed in as { $name } ({ $email })
account-upcoming = Upcoming events
account-past = Past events
account-no-tickets = You have no tickets for upcoming events.
account-see-events = See all events
account-orders = My orders
account-no-orders = You have no orders yet.
account-event = Event
account-reference = Reference
account-placed = Placed
account-state = State
account-total = Total
account-tickets-count = { $count ->
    [one] 1 ticket
   *[other] { $count } tickets
}
account-lost-order = Bought without an account, or with another address?
