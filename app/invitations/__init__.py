"""Invitations to meetings (mostly EU → UK), their replies and deadlines."""
