"""Shared kernel: database base, types, errors, clock and security helpers. Knows no domain."""
