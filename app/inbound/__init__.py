"""Inbound calendar e-mail: replies to our invitations and Brussels' own, from IMAP or upload."""
