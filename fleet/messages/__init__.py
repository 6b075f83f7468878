"""Versioned MQTT payloads: pydantic models serialised as JSON; schemas in fleet/schemas/."""
