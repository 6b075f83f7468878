"""Fleet: MQTT topics and messages, the kiosk agent, the manager and the console."""
