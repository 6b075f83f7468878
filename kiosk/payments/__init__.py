"""Payment providers behind one idempotent contract, and the simulated ones for tests and demo."""
