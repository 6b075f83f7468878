"""Cameras, barcode decoding, faces and liveness (no kiosk or Kivy imports)."""
