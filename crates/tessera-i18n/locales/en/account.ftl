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
