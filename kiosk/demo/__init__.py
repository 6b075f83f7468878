"""`kiosk demo`: the whole system on one machine (broker, fleet, console, kiosk app)."""
