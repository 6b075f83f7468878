"""Operator reports from the fleet store."""
