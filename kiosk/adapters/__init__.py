"""Adapters from vision and device outputs to checkout events."""
