"""Running Mosquitto locally with the shipped config (tests, benchmarks, simulations, demo)."""
