"""Append-only audit log of every change."""
