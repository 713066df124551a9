"""Single sign-on with OpenID Connect: one provider, connected by an admin or by settings."""
