# Password reset, e-mail verification, invitations and two-factor sign-in.
