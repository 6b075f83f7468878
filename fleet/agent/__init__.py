"""The kiosk side of the fleet: publishes the outbox and health, verifies and runs commands."""
