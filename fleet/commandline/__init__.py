"""The `fleet` command's groups, one module each (registered in fleet/cli.py)."""
