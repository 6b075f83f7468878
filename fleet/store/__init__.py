"""The fleet store: kiosks, events (each once), sales, stock, health, alerts, commands."""
