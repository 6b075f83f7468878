"""The headless shopping simulator behind `kiosk simulate`."""
