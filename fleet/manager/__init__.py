"""The fleet manager: ingest workers, the monitor, command sending, and the service."""
