"""Kiosk persistence: SQLAlchemy models, engine pragmas, migrations and repositories."""
