# Messages of this area (filled as its pages move onto the catalogs).

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
