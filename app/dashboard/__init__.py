"""The dashboard: a page above the domains, composed from their services (app.web stays below)."""
