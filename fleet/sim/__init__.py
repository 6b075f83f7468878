"""Simulated kiosks: the real agent code on an in-memory outbox, many per process."""
