"""Parts of benchmarks/weights.py: a generated catalog, the shelf and bagging runs."""
