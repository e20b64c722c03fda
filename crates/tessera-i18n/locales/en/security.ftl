# Password reset, e-mail verification, invitations and two-factor sign-in.

security-email = E-mail address
security-password = Password
security-check-field = Please check this field.
security-email-invalid = Enter an e-mail address like name@example.org.
security-too-many = Too many requests; please wait a few minutes and try again.
security-back-to-sign-in = Back to sign in
security-to-account = Go to your account
security-to-security = Go to account security
security-to-events = See all events
security-forgot-link = Forgot your password?

security-forgot-title = Forgot your password?
security-forgot-intro = Enter the e-mail address of your account. We will send you a link to choose a new password.
security-forgot-send = Send the link
security-forgot-sent-title = Check your e-mail
security-forgot-sent = If an account uses this address, we have sent it a link to choose a new password. The link works once, for one hour.
security-forgot-sent-spam = Nothing arrived after a few minutes? Look in your spam folder, or ask again.
security-forgot-again = Ask for a new link

security-link-invalid-title = This link does not work
security-link-invalid = This link is invalid, has expired or was already used.

security-reset-title = Choose a new password
security-reset-intro = A new password for { $email }. Once it is saved, every device signed in to this account is signed out.
security-new-password = New password
security-new-password-again = New password, again
security-password-hint = At least 10 characters. A few unrelated words make a strong one.
security-password-weak = Use at least 10 characters (and at most 256 bytes).
security-password-mismatch = The two passwords are not the same.
security-password-wrong = This is not your password.
security-reset-save = Save the new password
security-reset-done-title = Your password is changed
security-reset-done = Sign in with your new password. Every other session of your account was signed out.

security-verified-title = Address confirmed
security-verified = Thank you: your e-mail address is confirmed.
security-verification-sent = We sent a new confirmation link to your address.

security-title = Account security
security-required = An organization you belong to requires two-factor sign-in. Set it up below to keep working in its dashboard.
security-address-title = E-mail address
security-verified-badge = confirmed
security-unverified-badge = not confirmed
security-unverified-text = Please confirm your address with the link we sent you, so that we can reach you about your tickets and your account.
security-resend = Send the link again
security-change-password = Change your password

security-totp-title = Two-factor sign-in
security-totp-on = on
security-totp-off = off
security-totp-intro = With two-factor sign-in, signing in needs a code from an authenticator app on your phone as well as your password.
security-totp-setup = Set up two-factor sign-in
security-enrol-step-app = Open an authenticator app on your phone (for example Google Authenticator, Microsoft Authenticator or FreeOTP).
security-enrol-step-scan = Scan this QR code with the app.
security-qr-alt = QR code to add this account to an authenticator app
security-enrol-secret = Cannot scan it? Type this key into the app instead:
security-enrol-code = The six-digit code the app shows
security-enrol-confirm = Turn on two-factor sign-in
security-enrol-restart-text = Lost the key?
security-enrol-restart = Start again with a new key
security-code-wrong = This code is wrong or was already used. Enter the current code from your app.
security-totp-enabled = Two-factor sign-in is on.
security-codes-title = Your recovery codes
security-codes-intro = If you lose your phone, sign in with one of these codes instead of a code from the app. Each code works once. Keep them somewhere safe, such as a password manager or a printout.
security-codes-once = They are shown only now: copy or print them before you leave this page.
security-codes-done = I have saved them
security-codes-left = { $count ->
    [one] You have { $count } unused recovery code.
   *[other] You have { $count } unused recovery codes.
}
security-totp-disable-title = Turn off two-factor sign-in
security-totp-disable-intro = Confirm with your password and a current code from the app, or one of your recovery codes.
security-code-or-recovery = Code from the app or a recovery code
security-totp-disable = Turn off two-factor sign-in
security-totp-disabled = Two-factor sign-in is off. Your recovery codes no longer work.

security-role-owner = Owner
security-role-admin = Admin
security-role-staff = Staff
security-role-scanner = Scanner
security-invitation-title = Join { $org }
security-invitation-intro = You are invited to join { $org } on Tessera with the role { $role }.
security-invitation-for = The invitation is for { $email }.
security-invitation-accept = Accept the invitation
security-invitation-signed-in-other = You are signed in as { $email }. Sign out and sign in with the invited address to accept.
security-invitation-sign-in = Sign in with the invited address to accept.
security-invitation-new = New to Tessera? Create an account with the invited address, then follow the link in the e-mail again.
security-invitation-sign-up = Create an account
security-invitation-other-title = This invitation is for someone else
security-invitation-other = This invitation was sent to another e-mail address. Sign in with that address to accept it.
