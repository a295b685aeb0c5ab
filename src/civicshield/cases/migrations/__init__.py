"""Alembic migrations of the case store, run programmatically by ``cases.db``."""
