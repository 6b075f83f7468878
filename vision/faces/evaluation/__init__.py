"""Verification accuracy on labelled image pairs (the `kiosk faces eval` command's engine)."""
