"""Receipts: plain text, ESC/POS for thermal printers, and QR e-receipts."""
