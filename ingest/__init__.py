"""APFA ingest package."""
