"""Organisations (UK, EU and their bodies) and the people who represent them."""
