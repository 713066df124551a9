"""Agenda items of a meeting (numbered tree), their versions and exported documents."""
