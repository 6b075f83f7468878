"""Nearest-neighbour search over face encodings: exact (numpy) and approximate (faiss IVF)."""
