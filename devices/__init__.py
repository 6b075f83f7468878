"""Serial framing, scales, shelves, scanners, printers and their simulators."""
