"""Load cells: wire frames, calibration, stability, scales, smart shelves and simulators."""
