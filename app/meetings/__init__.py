"""Meetings, their kinds and series, delegations and the secretariat's unavailable dates."""
