"""Command-line interface of the kiosk."""
