"""Alembic migrations of the store, shipped inside the package so that an installed wheel can
upgrade a store in place (service/schema.py runs them at start-up)."""
