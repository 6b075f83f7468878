"""Background workers that connect the real camera, scales, shelves and face pay to the app."""
